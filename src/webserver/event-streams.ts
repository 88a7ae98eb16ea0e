/**
 * The open event streams (/api/events, server-sent events): each message is written once per
 * client as `event: <name>\ndata: <json>\n\n`. What a client has not read yet stays in its
 * socket's buffer; a client whose buffer holds more than `maxBufferedBytes` (a slow reader, a
 * page whose network went away) is dropped, so no client can grow the hub's memory. A comment
 * line every `heartbeatMs` keeps proxies from closing an idle stream and finds dead clients.
 * A stream opens held: what is broadcast meanwhile waits (within the same bound) until its
 * first message (the snapshot) is written, so nothing between the two is lost or reordered.
 * At most `maxStreams` are open; `closeAll` ends them (the hub stops).
 */
import type { ServerResponse } from 'node:http';

export interface EventStreamsOptions {
  maxStreams: number;
  maxBufferedBytes: number;
  heartbeatMs: number;
  /** Hears each client dropped for a full buffer. */
  onDropped?: () => void;
  /** Whether a stream's tag (its session) still holds; asked at each heartbeat, a stream whose tag does not is ended. */
  alive?: (tag: string) => boolean;
}

interface Client {
  tag: string;
  /** Frames broadcast while the stream is held, and their size. */
  held: string[] | undefined;
  heldBytes: number;
}

export class EventStreams {
  private readonly clients = new Map<ServerResponse, Client>();
  private heartbeat: NodeJS.Timeout | undefined;
  /** Clients dropped because they did not keep up. */
  dropped = 0;

  constructor(private readonly options: EventStreamsOptions) {}

  get size(): number {
    return this.clients.size;
  }

  get full(): boolean {
    return this.clients.size >= this.options.maxStreams;
  }

  /** Takes over `response` as a stream (headers written), held until `release`; kept until it closes. */
  open(response: ServerResponse, tag: string): void {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    response.socket?.setNoDelay(true);
    // the stream lasts: no idle timeout applies to it
    response.socket?.setTimeout(0);
    this.clients.set(response, { tag, held: [], heldBytes: 0 });
    response.on('close', () => this.clients.delete(response));
    response.write('retry: 2000\n\n');
    this.heartbeat ??= setInterval(() => this.beat(), this.options.heartbeatMs);
    this.heartbeat.unref();
  }

  /** Writes `event` first, then what was broadcast while the stream was held, and lets it go live. */
  release(response: ServerResponse, event: string, data: unknown): void {
    const client = this.clients.get(response);
    if (client === undefined) return;
    const held = client.held ?? [];
    client.held = undefined;
    client.heldBytes = 0;
    this.write(response, frame(event, data));
    for (const text of held) this.write(response, text);
  }

  /** Sends one event to every client. */
  broadcast(event: string, data: unknown): void {
    if (this.clients.size === 0) return;
    const text = frame(event, data);
    for (const [response, client] of this.clients) {
      if (client.held === undefined) {
        this.write(response, text);
        continue;
      }
      client.held.push(text);
      client.heldBytes += text.length;
      if (client.heldBytes > this.options.maxBufferedBytes) this.drop(response);
    }
  }

  /** Ends the streams opened with `tag` (a logout). */
  closeTagged(tag: string): void {
    for (const [response, client] of this.clients)
      if (client.tag === tag) {
        this.clients.delete(response);
        response.end();
      }
  }

  closeAll(): void {
    if (this.heartbeat !== undefined) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    for (const response of this.clients.keys()) response.end();
    this.clients.clear();
  }

  private beat(): void {
    if (this.clients.size === 0) {
      clearInterval(this.heartbeat);
      this.heartbeat = undefined;
      return;
    }
    const alive = this.options.alive;
    for (const [response, client] of this.clients) {
      if (alive !== undefined && !alive(client.tag)) {
        this.clients.delete(response);
        response.end();
      } else if (client.held === undefined) this.write(response, ': heartbeat\n\n');
    }
  }

  private drop(response: ServerResponse): void {
    this.dropped++;
    this.options.onDropped?.();
    this.clients.delete(response);
    response.destroy();
  }

  private write(response: ServerResponse, text: string): void {
    if (response.destroyed || response.writableEnded) {
      this.clients.delete(response);
      return;
    }
    if (response.writableLength + text.length > this.options.maxBufferedBytes) return this.drop(response);
    response.write(text);
  }
}

/** One server-sent event; JSON has no raw newline, so `data` is one line. */
function frame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
