import { describe, expect, it, onTestFinished } from 'vitest';
import { writeConfig } from '../support/config-file.js';
import { runHearth } from '../support/hearth-process.js';
import { Mosquitto } from '../support/mosquitto.js';
import { freePort } from '../support/ports.js';

async function broker(options?: { users?: Record<string, string> }): Promise<Mosquitto> {
  const mosquitto = await Mosquitto.start(options);
  onTestFinished(() => mosquitto.stop());
  return mosquitto;
}

/** The doctor's lines for one check: the OK/FAIL line and its fix line, if any. */
function checkLines(stdout: string, check: string): string[] {
  const lines = stdout.split('\n');
  const index = lines.findIndex((line) => new RegExp(`^(OK|FAIL)\\s+${check}\\s`).test(line));
  if (index < 0) throw new Error(`no "${check}" check in:\n${stdout}`);
  const next = lines[index + 1] ?? '';
  return next.trimStart().startsWith('fix:') ? [lines[index] ?? '', next.trim()] : [lines[index] ?? ''];
}

describe('hearth doctor', () => {
  it('passes every check on a hub whose broker answers and whose serial port exists', async () => {
    const mosquitto = await broker();
    const { file } = await writeConfig({
      uplink: { port: mosquitto.port },
      radios: { zigbee: { enabled: true, serialPort: '/dev/null' } },
    });
    const { code, stdout } = await runHearth(['doctor', '--config', file]);
    expect(checkLines(stdout, 'node')[0]).toMatch(/^OK\s+node\s+v\d+\.\d+/);
    expect(checkLines(stdout, 'config')[0]).toContain(`${file} is valid`);
    expect(checkLines(stdout, 'zigbee port')[0]).toMatch(/^OK .*\/dev\/null is accessible/);
    expect(checkLines(stdout, 'broker')[0]).toMatch(
      new RegExp(`^OK .*mqtt://127.0.0.1:${mosquitto.port} accepted a connection \\(MQTT 5\\)`),
    );
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('all checks passed');
    expect(code).toBe(0);
  });

  it('names each failure with its fix: a silent broker, a missing stick, a board without sysfs GPIO', async () => {
    const closedPort = await freePort();
    const { file } = await writeConfig({
      uplink: { port: closedPort },
      radios: { zwave: { enabled: true, serialPort: '/dev/ttyNOPE' }, gpio: { enabled: true, sysfsPath: '/nonexistent/gpio' } },
    });
    const { code, stdout } = await runHearth(['doctor', '--config', file]);
    expect(checkLines(stdout, 'zwave port')).toEqual([
      expect.stringMatching(/^FAIL .*\/dev\/ttyNOPE does not exist/),
      'fix: plug the stick in, and name it by its stable path: ls -l /dev/serial/by-id/',
    ]);
    expect(checkLines(stdout, 'gpio')).toEqual([
      expect.stringMatching(/^FAIL .*\/nonexistent\/gpio does not exist/),
      expect.stringMatching(/^fix: .*disable radios\.gpio/),
    ]);
    expect(checkLines(stdout, 'broker')).toEqual([
      expect.stringMatching(new RegExp(`^FAIL .*mqtt://127.0.0.1:${closedPort}: .*refused`, 'i')),
      'fix: start the broker, or set uplink.host and uplink.port to one that runs',
    ]);
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('3 checks failed');
    expect(code).toBe(1);
  });

  it('tells a refused login from a missing broker, without printing the password', async () => {
    const mosquitto = await broker({ users: { hub: 'right-password' } });
    const { file } = await writeConfig({ uplink: { port: mosquitto.port, username: 'hub', password: 'wrong-password' } });
    const { code, stdout, stderr } = await runHearth(['doctor', '--config', file]);
    expect(checkLines(stdout, 'broker')).toEqual([
      expect.stringMatching(/^FAIL .*(not authorized|bad user name or password)/i),
      'fix: check uplink.username and uplink.password',
    ]);
    expect(stdout + stderr).not.toContain('wrong-password');
    expect(code).toBe(1);
  });

  it('reports an invalid config with the options to correct, and checks nothing that depends on it', async () => {
    const { file } = await writeConfig({ uplink: { port: 'abc' } });
    const { code, stdout } = await runHearth(['doctor', '--config', file]);
    expect(checkLines(stdout, 'config')).toEqual([
      expect.stringContaining('uplink.port: expected an integer 1-65535, got "abc"'),
      'fix: correct the options named above (hearth config check FILE)',
    ]);
    expect(stdout).not.toMatch(/broker/);
    expect(code).toBe(1);
  });

  it('says the embedded broker will serve when nothing listens on a loopback address in auto mode', async () => {
    const port = await freePort();
    const { file } = await writeConfig({ uplink: { port, embeddedBroker: 'auto' } });
    const { code, stdout } = await runHearth(['doctor', '--config', file]);
    expect(checkLines(stdout, 'broker')[0]).toMatch(/^OK .*the embedded broker will run there/);
    expect(code).toBe(0);
  });
});
