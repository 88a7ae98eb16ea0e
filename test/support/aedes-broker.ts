/** The embedded broker's library (aedes, MQTT 3.1.1) on a free loopback port, for tests that run the contract against it. */
import { createServer, type Server, type Socket } from 'node:net';
import { Aedes } from 'aedes';
import { freePort } from './ports.js';

export class AedesBroker {
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly broker: Aedes,
    private readonly server: Server,
    readonly port: number,
  ) {}

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<AedesBroker> {
    const broker = await Aedes.createBroker();
    const server = createServer();
    const port = await freePort();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    const started = new AedesBroker(broker, server, port);
    server.on('connection', (socket) => {
      started.sockets.add(socket);
      socket.once('close', () => started.sockets.delete(socket));
      broker.handle(socket);
    });
    return started;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.broker.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
