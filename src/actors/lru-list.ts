/**
 * An intrusive doubly linked list in least-recently-used order: the head is the actor used
 * longest ago. Nodes carry their own links, so touching an actor is a few pointer writes with
 * no allocation; passivation takes candidates from the head.
 */

export interface LruNode<N extends LruNode<N>> {
  lruPrev: N | undefined;
  lruNext: N | undefined;
  inLru: boolean;
}

export class LruList<N extends LruNode<N>> {
  head: N | undefined;
  private tail: N | undefined;
  size = 0;

  /** Moves `node` to the most-recently-used end, adding it when absent. */
  touch(node: N): void {
    if (node.inLru) {
      if (this.tail === node) return;
      this.unlink(node);
    }
    node.lruPrev = this.tail;
    node.lruNext = undefined;
    if (this.tail === undefined) this.head = node;
    else this.tail.lruNext = node;
    this.tail = node;
    node.inLru = true;
    this.size++;
  }

  remove(node: N): void {
    if (node.inLru) this.unlink(node);
  }

  private unlink(node: N): void {
    if (node.lruPrev === undefined) this.head = node.lruNext;
    else node.lruPrev.lruNext = node.lruNext;
    if (node.lruNext === undefined) this.tail = node.lruPrev;
    else node.lruNext.lruPrev = node.lruPrev;
    node.lruPrev = undefined;
    node.lruNext = undefined;
    node.inLru = false;
    this.size--;
  }
}
