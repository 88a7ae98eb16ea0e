/**
 * The embedded broker (aedes) for the demo and for trying hearth on a laptop: when
 * uplink.embeddedBroker is `auto`, the configured host is this machine and nothing listens on
 * the configured port, it runs a broker there so that state has somewhere to flow. It never
 * replaces a broker that answers, and never runs for a remote host. aedes is loaded only when
 * it runs (a hub with a broker of its own, or with the setting off, never loads it).
 */
import { createServer, type Server } from 'node:net';
import type { Aedes } from 'aedes';
import type { Logger } from 'pino';
import type { Part, PartHealth } from '../lifecycle/part.js';
import { probeTcp } from './broker-probe.js';

export class EmbeddedBroker implements Part {
  readonly name = 'embedded-broker';
  private broker: Aedes | undefined;
  private server: Server | undefined;
  private decision = 'not started';

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly log: Logger,
  ) {}

  get running(): boolean {
    return this.server !== undefined;
  }

  async start(): Promise<void> {
    const probe = await probeTcp(this.host, this.port);
    if (probe !== 'refused') {
      this.decision =
        probe === 'open' ? 'a broker answers; embedded broker not needed' : 'address unreachable; embedded broker not started';
      this.log.debug({ host: this.host, port: this.port, probe }, this.decision);
      return;
    }
    const broker = await (await import('aedes')).Aedes.createBroker();
    const server = createServer((socket) => broker.handle(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.broker = broker;
    this.server = server;
    this.decision = `running on ${this.host}:${this.port}`;
    this.log.warn(
      { host: this.host, port: this.port },
      'no MQTT broker answered; running an embedded broker (for trying hearth, not for a hub in service)',
    );
  }

  async stop(): Promise<void> {
    const { server, broker } = this;
    this.server = undefined;
    this.broker = undefined;
    if (broker !== undefined) await new Promise<void>((resolve) => broker.close(() => resolve()));
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  health(): PartHealth {
    return { status: 'ok', detail: this.decision };
  }
}
