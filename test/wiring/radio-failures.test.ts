/**
 * What a user reads when a radio cannot start (issue 19.16): a serial port that does not exist
 * is said as such, with the fix, once per change of the radio's state (restarting, then down),
 * not on every retry, and without a stack; herdsman's "USB adapter discovery error (spawn
 * udevadm ENOENT)" never shows. The real radios as the config builds them (zigbee-herdsman,
 * zwave-js), in the hub, restarted with backoff.
 */
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ErrorCode, HearthError } from '../../src/errors.js';
import { RadioFailureLog } from '../../src/wiring/radio-failure-log.js';
import { startBridgedHub } from '../support/bridged-hub.js';
import { captureLog } from '../support/log-capture.js';
import { freePort } from '../support/ports.js';
import { tempDir } from '../support/temp-dir.js';
import { until } from '../support/until.js';

describe('a radio that cannot start', () => {
  it('says once per change of state that its serial port does not exist, with the fix, without a stack', async () => {
    const dir = await tempDir();
    const zigbeePort = join(dir, 'usb-ITead_Sonoff_Zigbee_3.0_USB_Dongle_Plus-if00-port0');
    const zwavePort = join(dir, 'usb-Zooz_800_Z-Wave_Stick-if00');
    const profile = {
      hubId: 'ports',
      stateDir: join(dir, 'state'),
      uplink: { port: await freePort(), startupWaitMs: 0, healthIntervalS: 0 },
      radios: {
        restart: { minMs: 100, maxMs: 1000, maxAttempts: 2 },
        zigbee: { enabled: true, serialPort: zigbeePort },
        zwave: { enabled: true, serialPort: zwavePort },
      },
    };
    const capture = captureLog('info');
    // the hub builds the radios the config enables, each on its (missing) serial port
    const hub = await startBridgedHub(profile, { log: capture.log });
    onTestFinished(() => hub.stop());

    // restarting twice, then down and retried at the cap: four failed starts of each radio
    for (const part of hub.radios) await until(() => Number(part.health().attempts ?? 0) >= 4, 10_000, `${part.name} failed four starts`);

    for (const [kind, port] of [
      ['zigbee', zigbeePort],
      ['zwave', zwavePort],
    ] as const) {
      const said = capture.lines.filter((line) => String(line.msg).includes(`the serial port ${port} does not exist`));
      expect(said.map((line) => line.level)).toEqual([40, 40]); // warnings: once restarting, once down
      expect(String(said[0]?.msg)).toContain('ls -l /dev/serial/by-id/');
      expect(String(said[1]?.msg)).toContain('it counts as down');
      expect(said.every((line) => line.code === ErrorCode.SerialPortMissing && line.err === undefined)).toBe(true);
      const health = hub.radios.find((part) => part.name === `radios.${kind}`)?.health();
      expect(health).toMatchObject({ status: 'down', detail: expect.stringContaining(`the serial port ${port} does not exist`) });
    }
    const text = JSON.stringify(capture.lines.filter((line) => String(line.module).startsWith('radios')));
    expect(text).not.toContain('udevadm');
    expect(text).not.toContain('"stack"');
  });

  it('logs a failure again when it changes or after the radio ran again, and keeps the stack of an unexpected one', () => {
    const capture = captureLog('info');
    const failures = new RadioFailureLog(capture.log, 'zigbee');
    const missing = new HearthError(ErrorCode.SerialPortMissing, 'the serial port /dev/x does not exist: …');
    failures.failed(missing, { attempts: 1, retryInMs: 100, down: false });
    failures.failed(missing, { attempts: 2, retryInMs: 200, down: false });
    failures.failed(new Error('the coordinator did not answer'), { attempts: 3, retryInMs: 400, down: false });
    failures.failed(new Error('the coordinator did not answer'), { attempts: 4, retryInMs: 800, down: false });
    failures.recovered();
    failures.failed(new Error('the coordinator did not answer'), { attempts: 1, retryInMs: 100, down: false });
    expect(
      capture.lines.map((line) => [line.level, line.attempts, (line.err as { stack?: string } | undefined)?.stack !== undefined]),
    ).toEqual([
      [40, 1, false],
      [50, 3, true],
      [50, 1, true],
    ]);
  });
});
