/**
 * A TCP relay between the hub and a broker that a test can cut and mend: a network outage of
 * the hub alone, while the broker runs on and keeps the hub's session (and queues commands
 * for it). Connections are relayed byte for byte; `cut()` drops every open one and refuses
 * new ones until `mend()`; `refuseNew()` refuses new ones and leaves the open ones be;
 * `holdUpstream()` lets only the broker's side through. A refused connection is reset (RST),
 * as a host that is down answers, never closed cleanly as a broker refusing the client would.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { onTestFinished } from 'vitest';

export class NetworkCut {
  private readonly sockets = new Set<Socket>();
  /** The hub's side of each relayed connection, with the broker's. */
  private readonly pairs = new Map<Socket, Socket>();
  private down = false;

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
    outbound.pipe(inbound);
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
