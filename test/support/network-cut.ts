/**
 * A TCP relay between the hub and a broker that a test can cut and mend: a network outage of
 * the hub alone, while the broker runs on and keeps the hub's session (and queues commands
 * for it). Connections are relayed byte for byte; `cut()` drops every open one and refuses
 * new ones until `mend()`; `refuseNew()` refuses new ones and leaves the open ones be;
 * `holdUpstream()` lets only the broker's side through; `losePubackOf(topic)` drops the broker's
 * acknowledgements of the hub's publishes to a topic (they reached the broker, the hub never
 * hears so: still in flight when the connection is lost). A refused connection is reset (RST),
 * as a host that is down answers, never closed cleanly as a broker refusing the client would.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { onTestFinished } from 'vitest';

export class NetworkCut {
  private readonly sockets = new Set<Socket>();
  /** The hub's side of each relayed connection, with the broker's. */
  private readonly pairs = new Map<Socket, Socket>();
  private down = false;
  /** Topics whose PUBACKs the relay drops. */
  private readonly unacknowledged = new Set<string>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly refusal: 'reset' | 'close',
  ) {}

  /**
   * A relay on a free loopback port to `127.0.0.1:targetPort`, closed after the test. With
   * `refusal: 'close'` a refused connection is accepted and closed cleanly, as a proxy in front
   * of a broker that is down does.
   */
  static async to(targetPort: number, options: { refusal?: 'reset' | 'close' } = {}): Promise<NetworkCut> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const relay = new NetworkCut(server, typeof address === 'object' && address !== null ? address.port : 0, options.refusal ?? 'reset');
    server.on('connection', (inbound: Socket) => relay.accept(inbound, targetPort));
    onTestFinished(() => relay.close());
    return relay;
  }

  private accept(inbound: Socket, targetPort: number): void {
    if (this.down) {
      if (this.refusal === 'reset') inbound.resetAndDestroy();
      else inbound.end(() => inbound.destroy());
      return;
    }
    const outbound = createConnection(targetPort, '127.0.0.1');
    for (const socket of [inbound, outbound]) {
      this.sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        this.sockets.delete(socket);
        inbound.destroy();
        outbound.destroy();
      });
    }
    inbound.pipe(outbound);
    // packet ids of the hub's publishes to a topic in `unacknowledged` on this connection
    const lost = new Set<number>();
    const up = new MqttPackets();
    inbound.on('data', (chunk: Buffer) => {
      for (const packet of up.push(chunk)) {
        const id = publishIdTo(packet, this.unacknowledged);
        if (id !== undefined) lost.add(id);
      }
    });
    const down = new MqttPackets();
    outbound.on('data', (chunk: Buffer) => {
      const kept = down.push(chunk).filter((packet) => !(packet[0] === PUBACK && lost.delete(pubackId(packet))));
      if (kept.length > 0) inbound.write(Buffer.concat(kept));
    });
    this.pairs.set(inbound, outbound);
    inbound.on('close', () => this.pairs.delete(inbound));
  }

  /**
   * From now on, what the hub sends is dropped while what the broker sends still arrives: the
   * hub receives commands, but none of its publishes (nor its acknowledgements) reach the broker.
   */
  holdUpstream(): void {
    for (const [inbound, outbound] of this.pairs) {
      inbound.unpipe(outbound);
      inbound.on('data', () => undefined);
    }
  }

  /** From now on the broker's PUBACKs of the hub's publishes to `topic` are dropped (the publishes go through). */
  losePubackOf(topic: string): void {
    this.unacknowledged.add(topic);
  }

  /** The broker's PUBACKs go through again (on every connection). */
  keepPubacks(): void {
    this.unacknowledged.clear();
  }

  /** Drops every relayed connection and refuses new ones. */
  cut(): void {
    this.down = true;
    for (const socket of this.sockets) socket.destroy();
  }

  /** Refuses new connections until `mend()`; the open ones go on. */
  refuseNew(): void {
    this.down = true;
  }

  mend(): void {
    this.down = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

const PUBACK = 0x40;

/** Splits a byte stream into whole MQTT packets (fixed header, remaining length, the rest). */
class MqttPackets {
  private pending = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.pending = Buffer.concat([this.pending, chunk]);
    const packets: Buffer[] = [];
    for (;;) {
      let length = 0;
      let at = 1;
      for (let shift = 0; ; shift += 7, at++) {
        const byte = this.pending[at];
        if (byte === undefined) return packets;
        length += (byte & 0x7f) << shift;
        if ((byte & 0x80) === 0) break;
      }
      const end = at + 1 + length;
      if (this.pending.length < end) return packets;
      packets.push(this.pending.subarray(0, end));
      this.pending = this.pending.subarray(end);
    }
  }
}

/** The body of a packet (after its fixed header). */
function bodyOf(packet: Buffer): Buffer {
  let at = 1;
  while (((packet[at] ?? 0) & 0x80) !== 0) at++;
  return packet.subarray(at + 1);
}

/** The packet id of a QoS 1 or 2 PUBLISH to one of `topics`. */
function publishIdTo(packet: Buffer, topics: ReadonlySet<string>): number | undefined {
  const flags = packet[0] ?? 0;
  if (flags >> 4 !== 3 || (flags & 0x06) === 0 || topics.size === 0) return undefined;
  const body = bodyOf(packet);
  const topicLength = body.readUInt16BE(0);
  if (!topics.has(body.toString('utf8', 2, 2 + topicLength))) return undefined;
  return body.readUInt16BE(2 + topicLength);
}

function pubackId(packet: Buffer): number {
  return bodyOf(packet).readUInt16BE(0);
}
