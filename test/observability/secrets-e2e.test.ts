import { describe, expect, it, onTestFinished } from 'vitest';
import { writeConfig } from '../support/config-file.js';
import { HearthProcess } from '../support/hearth-process.js';
import { Mosquitto } from '../support/mosquitto.js';

const PASSWORD = 'Tr0ub4dor&3-not-the-right-one';
const ZIGBEE_KEY = '0x01030507090B0D0F00020406080A0C0D';
const S2_KEY = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

describe('secrets on the real process', () => {
  it('never reach stdout or stderr, even at trace level with a broker that refuses the login', async () => {
    const mosquitto = await Mosquitto.start({ users: { hub: 'the-right-password' } });
    onTestFinished(() => mosquitto.stop());
    const { file } = await writeConfig({
      logging: { level: 'trace', format: 'json' },
      uplink: { port: mosquitto.port, username: 'hub', password: PASSWORD, startupWaitMs: 1500 },
      radios: {
        zigbee: { enabled: true, simulate: true, networkKey: ZIGBEE_KEY },
        zwave: { enabled: true, simulate: true, securityKeys: { s2Authenticated: S2_KEY } },
      },
    });
    const hearth = new HearthProcess(['start', '--config', file]);
    // The lines that carry the secrets' places: the config dump and the connect options.
    const dump = await hearth.waitForMessage('effective configuration');
    await hearth.waitForMessage('connecting to the broker');
    await hearth.waitForLine(
      (line) => typeof line.msg === 'string' && /refused the hub's login .*(not authorized|bad user name or password)/i.test(line.msg),
    );
    await hearth.waitForMessage('hearth is ready');
    hearth.signal('SIGTERM');
    expect((await hearth.exited).code).toBe(0);

    expect(JSON.stringify(dump)).toContain('[redacted]');
    const everything = hearth.stdout + hearth.stderr;
    const hex = (key: string) => key.replace(/^0x/, '');
    for (const secret of [PASSWORD, hex(ZIGBEE_KEY).toLowerCase(), hex(ZIGBEE_KEY).toUpperCase(), S2_KEY, S2_KEY.toUpperCase()]) {
      expect(everything).not.toContain(secret);
    }
    expect(hearth.lines.length).toBeGreaterThan(5);
  });
});
