/**
 * A real RabbitMQ node (3.10+) with its MQTT plugin for a test: a node of its own (name, AMQP,
 * distribution and MQTT ports free-picked on loopback; database, logs, plugins file, config and
 * Erlang cookie in a temporary directory), so the machine's RabbitMQ on 5672 is never touched.
 * Started without the Debian wrapper (which would switch to the rabbitmq user and its files);
 * ready when an MQTT 3.1.1 client is accepted. Its start is slow (10–30 s on a loaded
 * machine): start it once per file, early.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { probeTcp } from '../../src/uplink/broker-probe.js';
import { freePort } from './ports.js';
import { healthyOrExited } from './healthy-or-exited.js';

const SERVER_SCRIPTS = ['/usr/lib/rabbitmq/lib/rabbitmq_server-3.10.8/sbin/rabbitmq-server', '/usr/lib/rabbitmq/bin/rabbitmq-server'];

export class RabbitMq {
  private process: ChildProcess | undefined;
  private output = '';

  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  /** What the node printed, for failure messages. */
  get log(): string {
    return this.output;
  }

  static async start(timeoutMs = 60_000): Promise<RabbitMq> {
    const dir = await mkdtemp(join(tmpdir(), 'hearth-rabbitmq-'));
    const [nodePort, distPort, mqttPort] = [await freePort(), await freePort(), await freePort()];
    await writeFile(join(dir, 'enabled_plugins'), '[rabbitmq_mqtt].\n');
    await writeFile(join(dir, 'env.conf'), '');
    await writeFile(
      join(dir, 'rabbitmq.conf'),
      [
        `listeners.tcp.default = 127.0.0.1:${nodePort}`,
        `mqtt.listeners.tcp.default = 127.0.0.1:${mqttPort}`,
        'mqtt.allow_anonymous = true',
        'loopback_users = none',
        '',
      ].join('\n'),
    );
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      HOME: dir, // its own Erlang cookie
      RABBITMQ_CONF_ENV_FILE: join(dir, 'env.conf'),
      RABBITMQ_NODENAME: `hearth-test-${process.pid}-${nodePort}@localhost`,
      RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
      RABBITMQ_NODE_PORT: String(nodePort),
      RABBITMQ_DIST_PORT: String(distPort),
      RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
      RABBITMQ_LOG_BASE: join(dir, 'log'),
      RABBITMQ_LOGS: '-',
      RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
      RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
      RABBITMQ_ADVANCED_CONFIG_FILE: join(dir, 'advanced.config'),
      RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-kernel inet_dist_use_interface {127,0,0,1}',
      ERL_EPMD_ADDRESS: '127.0.0.1',
    };
    const broker = new RabbitMq(mqttPort, dir, env);
    try {
      await broker.launch(timeoutMs);
    } catch (error) {
      await broker.stop();
      throw error;
    }
    return broker;
  }

  private async launch(timeoutMs: number): Promise<void> {
    const script = SERVER_SCRIPTS.find((path) => existsSync(path));
    if (script === undefined)
      throw new Error('rabbitmq-server is not installed; the broker matrix needs it (apt-get install -y rabbitmq-server)');
    // its own process group: the node's helpers (erl_child_setup, inet_gethost) go with it
    const child = spawn(script, [], { env: this.env, cwd: this.dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer): void => void (this.output = (this.output + chunk.toString()).slice(-20_000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.process = child;
    await healthyOrExited(child, {
      what: `rabbitmq-server (MQTT on ${this.port})`,
      timeoutMs,
      everyMs: 100,
      healthy: async () => {
        if ((await probeTcp('127.0.0.1', this.port, 500)) !== 'open') return false;
        // the listener is up before the plugin's client id tracking has its leader: wait for a CONNACK
        try {
          const client = await connectAsync(this.url, { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 3000 }, false);
          await client.endAsync(true);
          return true;
        } catch {
          return false;
        }
      },
      output: () => this.output,
    });
  }

  async stop(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
      await gone;
    }
    await rm(this.dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
  }
}
