/**
 * A Mosquitto for a benchmark: started on `port` with a config in `dir` (no persistence, no
 * queue limit, no log), resolved once it listens. The caller kills it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { probeTcp } from '../../src/uplink/broker-probe.js';

export async function launchMosquitto(port: number, dir: string): Promise<ChildProcess> {
  // mosquitto started as root drops to its own user, which must still read its config
  await chmod(dir, 0o755);
  const config = join(dir, 'mosquitto.conf');
  await writeFile(config, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 0\nlog_dest none\n`);
  const binary = existsSync('/usr/sbin/mosquitto') ? '/usr/sbin/mosquitto' : 'mosquitto';
  const child = spawn(binary, ['-c', config], { stdio: 'ignore' });
  for (let waited = 0; (await probeTcp('127.0.0.1', port, 200)) !== 'open'; waited += 20) {
    if (waited > 5000) {
      child.kill('SIGKILL');
      throw new Error('mosquitto did not start');
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return child;
}
