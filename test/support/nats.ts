/**
 * A real NATS server (2.9+) with its MQTT gateway for a test: JetStream on (MQTT needs it) in a
 * directory of its own, a server_name, and every port free-picked on loopback; alone or as a
 * cluster whose nodes route to each other. Ready when its /healthz says JetStream is current
 * (in a cluster: a meta leader is elected and every route is up). Never touches the machine's NATS on 4222.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { healthyOrExited } from './healthy-or-exited.js';
import { freePort } from './ports.js';

interface NatsPorts {
  client: number;
  mqtt: number;
  http: number;
  cluster: number;
}

export class NatsServer {
  private process: ChildProcess | undefined;
  private output = '';

  private constructor(
    readonly name: string,
    private readonly ports: NatsPorts,
    private readonly dir: string,
  ) {}

  /** The MQTT gateway's port and URL. */
  get port(): number {
    return this.ports.mqtt;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.ports.mqtt}`;
  }

  /** What nats-server printed, for failure messages. */
  get log(): string {
    return this.output;
  }

  /** One server (no cluster). */
  static async start(name = 'hearth-test'): Promise<NatsServer> {
    const [server] = await NatsServer.cluster(1, name);
    if (server === undefined) throw new Error('no NATS server started');
    return server;
  }

  /**
   * `size` servers routed to each other as one cluster (JetStream clustered: each its own
   * server_name). A free port can be taken between the asking and the binding (by any outgoing
   * connection on the machine, from the same ephemeral range): then again, on fresh ports.
   */
  static async cluster(size: number, name = 'hearth-test'): Promise<NatsServer[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await NatsServer.clusterOnce(size, name);
      } catch (error) {
        if (attempt >= 3 || !String(error).includes('address already in use')) throw error;
      }
    }
  }

  private static async clusterOnce(size: number, name: string): Promise<NatsServer[]> {
    const ports: NatsPorts[] = [];
    for (let i = 0; i < size; i++)
      ports.push({ client: await freePort(), mqtt: await freePort(), http: await freePort(), cluster: await freePort() });
    const servers: NatsServer[] = [];
    for (const [i, own] of ports.entries()) {
      const dir = await mkdtemp(join(tmpdir(), 'hearth-nats-'));
      const server = new NatsServer(size === 1 ? name : `${name}-${i}`, own, dir);
      const lines = [
        `server_name: ${JSON.stringify(server.name)}`,
        `listen: "127.0.0.1:${own.client}"`,
        `http: "127.0.0.1:${own.http}"`,
        `jetstream { store_dir: ${JSON.stringify(join(dir, 'jetstream'))}, max_memory_store: 64MB, max_file_store: 256MB }`,
        // clustered, MQTT's streams (sessions, retained messages, QoS 1 messages) go on every
        // node: with fewer replicas one dead node can leave a stream without its quorum
        size > 1 ? `mqtt { listen: "127.0.0.1:${own.mqtt}", stream_replicas: ${size} }` : `mqtt { listen: "127.0.0.1:${own.mqtt}" }`,
      ];
      if (size > 1) {
        const routes = ports.filter((other) => other !== own).map((other) => `"nats-route://127.0.0.1:${other.cluster}"`);
        lines.push(`cluster { name: ${JSON.stringify(name)}, listen: "127.0.0.1:${own.cluster}", routes: [${routes.join(', ')}] }`);
      }
      await writeFile(join(dir, 'nats.conf'), `${lines.join('\n')}\n`);
      servers.push(server);
    }
    try {
      await Promise.all(servers.map((server) => server.launch(size - 1)));
    } catch (error) {
      await Promise.all(servers.map((server) => server.stop()));
      throw error;
    }
    return servers;
  }

  private async launch(routes = 0): Promise<void> {
    const child = spawn(natsBinary(), ['-c', join(this.dir, 'nats.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer): void => void (this.output = (this.output + chunk.toString()).slice(-20_000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.process = child;
    await healthyOrExited(child, {
      what: `nats-server ${this.name}`,
      timeoutMs: 20_000,
      everyMs: 50,
      healthy: async () => (await this.healthy()) && (await this.routes()) >= routes,
      output: () => this.output,
    });
  }

  /** GET /healthz: 200 once JetStream is current (and, clustered, has a meta leader). */
  private healthy(): Promise<boolean> {
    return new Promise((resolve) => {
      const req = request({ host: '127.0.0.1', port: this.ports.http, path: '/healthz', timeout: 1000 }, (response) => {
        response.resume();
        resolve(response.statusCode === 200);
      });
      req.once('error', () => resolve(false));
      req.once('timeout', () => req.destroy());
      req.end();
    });
  }

  /** The server_name of the JetStream meta leader as this server sees it (GET /jsz), if any. */
  async metaLeader(): Promise<string | undefined> {
    const body = await this.get('/jsz');
    try {
      return (JSON.parse(body ?? '{}') as { meta_cluster?: { leader?: string } }).meta_cluster?.leader;
    } catch {
      return undefined;
    }
  }

  private get(path: string): Promise<string | undefined> {
    return new Promise((resolve) => {
      const req = request({ host: '127.0.0.1', port: this.ports.http, path, timeout: 1000 }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve(response.statusCode === 200 ? body : undefined));
      });
      req.once('error', () => resolve(undefined));
      req.once('timeout', () => req.destroy());
      req.end();
    });
  }

  /** GET /routez: how many routes to other nodes are up (-1 when it does not answer). */
  private async routes(): Promise<number> {
    try {
      return (JSON.parse((await this.get('/routez')) ?? '{}') as { num_routes?: number }).num_routes ?? -1;
    } catch {
      return -1;
    }
  }

  /** Kills the server (SIGKILL: a crash, not a goodbye) and waits until it is gone. */
  async kill(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await gone;
  }

  async stop(): Promise<void> {
    await this.kill();
    await rm(this.dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
  }
}

/** Debian puts nats-server in /usr/sbin, which a non-root PATH often lacks. */
function natsBinary(): string {
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/sbin', '/usr/local/bin']) {
    if (dir !== '' && existsSync(join(dir, 'nats-server'))) return join(dir, 'nats-server');
  }
  throw new Error('nats-server is not installed; the broker matrix needs it (apt-get install -y nats-server)');
}
