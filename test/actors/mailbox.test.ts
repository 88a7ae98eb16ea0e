import { describe, expect, it } from 'vitest';
import { Mailbox } from '../../src/actors/mailbox.js';

describe('Mailbox', () => {
  it('is first in, first out across many wrap-arounds of its head', () => {
    const mailbox = new Mailbox<number>({ capacity: 100_000, overflow: 'reject' });
    const out: number[] = [];
    let next = 0;
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 3000; i++) mailbox.offer(next++);
      for (let i = 0; i < 2500; i++) out.push(mailbox.shift() as number);
    }
    while (!mailbox.isEmpty) out.push(mailbox.shift() as number);
    expect(out).toEqual(Array.from({ length: next }, (_, i) => i));
    expect(mailbox.shift()).toBeUndefined();
  });

  it('refuses a message past its bound under the reject policy, keeping what it has', () => {
    const mailbox = new Mailbox<string>({ capacity: 2, overflow: 'reject' });
    expect(mailbox.offer('a').accepted).toBe(true);
    expect(mailbox.offer('b').accepted).toBe(true);
    expect(mailbox.offer('c')).toEqual({ accepted: false });
    expect(mailbox.drain()).toEqual(['a', 'b']);
  });

  it('drops the oldest message under drop-oldest and hands it back', () => {
    const mailbox = new Mailbox<string>({ capacity: 2, overflow: 'drop-oldest' });
    mailbox.offer('a');
    mailbox.offer('b');
    expect(mailbox.offer('c')).toEqual({ accepted: true, dropped: 'a' });
    expect(mailbox.drain()).toEqual(['b', 'c']);
  });

  it('takes runtime requests past the bound and puts a message back at the head', () => {
    const mailbox = new Mailbox<string>({ capacity: 1, overflow: 'reject' });
    mailbox.offer('a');
    mailbox.force('stop');
    mailbox.unshift('first');
    expect(mailbox.size).toBe(3);
    expect(mailbox.drain()).toEqual(['first', 'a', 'stop']);
  });
});
