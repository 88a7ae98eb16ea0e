/**
 * A real Mosquitto for a test: started on a free loopback port with a config of the test's
 * own, killed (or restarted on the same port) when the test says so. Never touches the
 * machine's broker on 1883.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { probeTcp } from '../../src/uplink/broker-probe.js';
import { freePort } from './ports.js';
import { tempDir } from './temp-dir.js';

export interface MosquittoOptions {
  /** user → password; when set, anonymous clients are refused. */
  users?: Record<string, string>;
  /** TLS on the listener (PEM file paths); with `requireCertificate` clients must present one the CA signed. */
  tls?: { ca: string; cert: string; key: string; requireCertificate?: boolean };
  /** The text of an ACL file (mosquitto's `acl_file`: `user`, `topic` and `pattern` lines). */
  acl?: string;
  /** Log every PUBLISH the broker accepts or denies (mosquitto's debug lines), to read from `log`. */
  logPublishes?: boolean;
  /** Log connections and disconnections (mosquitto's notice lines: "disconnected due to malformed packet"), to read from `log`. */
  logConnections?: boolean;
  /** More mosquitto.conf lines for the listener (e.g. `use_username_as_clientid true`, `max_packet_size 4096`). */
  extraConfig?: readonly string[];
}

export class Mosquitto {
  private process: ChildProcess | undefined;
  private output = '';

  private constructor(
    readonly port: number,
    private readonly configFile: string,
  ) {}

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  /** What mosquitto printed, for failure messages. */
  get log(): string {
    return this.output;
  }

  /** Starts a broker on a free port. */
  static start(options: MosquittoOptions = {}): Promise<Mosquitto> {
    return Mosquitto.launchOn(undefined, options);
  }

  /** Starts a broker on a given port (e.g. one a hub is already trying to reach). */
  static startOn(port: number, options: MosquittoOptions = {}): Promise<Mosquitto> {
    return Mosquitto.launchOn(port, options);
  }

  private static async launchOn(fixedPort: number | undefined, options: MosquittoOptions): Promise<Mosquitto> {
    const dir = await tempDir('hearth-mosquitto-');
    // mosquitto started as root drops to its own user, which must still read its files
    await chmod(dir, 0o755);
    for (let attempt = 0; ; attempt++) {
      const port = fixedPort ?? (await freePort());
      // a test's subscriber counts what the hub sent; Mosquitto's default (1,000 queued per client)
      // drops messages for a reader that a busy test process holds back. Not 0 (no limit): with it,
      // Mosquitto 2.0.11 drops an MQTT 5 client's connection after refusing one of its publishes.
      const lines = [
        `listener ${port} 127.0.0.1`,
        'persistence false',
        'max_queued_messages 1000000',
        'log_dest stderr',
        'log_type error',
        'log_type warning',
      ];
      if (options.tls !== undefined) {
        lines.push(`cafile ${options.tls.ca}`, `certfile ${options.tls.cert}`, `keyfile ${options.tls.key}`);
        if (options.tls.requireCertificate === true) lines.push('require_certificate true', 'use_identity_as_username true');
      }
      if (options.users === undefined) lines.push('allow_anonymous true');
      else {
        const passwordFile = join(dir, 'passwords');
        await writeFile(passwordFile, '');
        for (const [user, password] of Object.entries(options.users)) await run('mosquitto_passwd', ['-b', passwordFile, user, password]);
        await chmod(passwordFile, 0o644);
        lines.push('allow_anonymous false', `password_file ${passwordFile}`);
      }
      if (options.acl !== undefined) {
        const aclFile = join(dir, 'acl');
        await writeFile(aclFile, options.acl);
        await chmod(aclFile, 0o644);
        lines.push(`acl_file ${aclFile}`);
      }
      if (options.logPublishes === true) lines.push('log_type debug', 'log_type notice', 'log_type information');
      else if (options.logConnections === true) lines.push('log_type notice', 'log_type information');
      lines.push(...(options.extraConfig ?? []));
      const configFile = join(dir, 'mosquitto.conf');
      await writeFile(configFile, `${lines.join('\n')}\n`);
      const broker = new Mosquitto(port, configFile);
      try {
        await broker.launch();
        return broker;
      } catch (error) {
        if (attempt >= 3 || fixedPort !== undefined) throw error;
      }
    }
  }

  private async launch(): Promise<void> {
    const child = spawn(mosquittoBinary(), ['-c', this.configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.process = child;
    let exited = false;
    child.once('exit', () => (exited = true));
    child.once('error', () => (exited = true));
    for (let waited = 0; waited < 5000; waited += 25) {
      if (exited) throw new Error(`mosquitto exited at start (is it installed? apt-get install mosquitto):\n${this.output}`);
      if ((await probeTcp('127.0.0.1', this.port, 200)) === 'open') return;
      await sleep(25);
    }
    throw new Error(`mosquitto did not listen on ${this.port} within 5 s:\n${this.output}`);
  }

  /** Kills the broker (SIGKILL: an outage, not a goodbye) and waits until it is gone. */
  async kill(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (child === undefined || child.exitCode !== null) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await gone;
  }

  /** Starts the broker again on the same port. */
  async restart(): Promise<void> {
    await this.kill();
    await this.launch();
  }

  async stop(): Promise<void> {
    await this.kill();
  }
}

/** Debian puts mosquitto in /usr/sbin, which a non-root PATH often lacks. */
function mosquittoBinary(): string {
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/sbin']) {
    if (dir !== '' && existsSync(join(dir, 'mosquitto'))) return join(dir, 'mosquitto');
  }
  throw new Error('mosquitto is not installed; the MQTT tests need it (apt-get install -y mosquitto)');
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited ${code}`))));
  });
}
