/**
 * The page's plain words for a radio in trouble (web/src/radio-words.ts): a missing stick, one
 * the hub may not open, one in use, one that does not answer, named by its configured path; a
 * simulated radio's without a path. The words are the hub's own (its coded errors' messages).
 */
import { describe, expect, it } from 'vitest';
import { plainWarning } from '../../web/src/radio-words.js';
import { serialPortProblem } from '../../src/radios/serial-port-check.js';
import { describeError } from '../../src/errors.js';
import { tempDir } from '../support/temp-dir.js';
import { join } from 'node:path';

describe('a radio in trouble, in plain words', () => {
  it("says a missing stick is not found at its path, from the hub's own error", async () => {
    const port = join(await tempDir(), 'ttyZWave');
    const problem = await serialPortProblem(port);
    expect(problem?.code).toBe('SERIAL_PORT_MISSING');
    const words = `restarting: ${describeError(problem)}`;
    expect(plainWarning('zwave', { words, serialPort: port, code: problem?.code })).toBe(
      `Z-Wave stick not found at ${port} — is it plugged in?`,
    );
    // the radio_state words alone (the health with its serial_port not yet there): the path from the message
    expect(plainWarning('zwave', { words })).toBe(`Z-Wave stick not found at ${port} — is it plugged in?`);
  });

  it('tells "not found" from "permission denied" and from other open failures', () => {
    const port = '/dev/ttyZWave';
    expect(
      plainWarning('zwave', {
        words: `restarting: the serial port ${port} may not be opened (permission denied): add the user … (SERIAL_PORT_DENIED)`,
        serialPort: port,
        code: 'SERIAL_PORT_DENIED',
      }),
    ).toBe(`Z-Wave stick at ${port} cannot be opened: permission denied. Add the hub's user to the dialout group, then restart the hub.`);
    expect(plainWarning('zigbee', { words: "Error: Error: EACCES: permission denied, open '/dev/ttyUSB0'" })).toMatch(
      /^Zigbee stick at \/dev\/ttyUSB0 cannot be opened: permission denied/,
    );
    expect(
      plainWarning('zigbee', { words: 'Error: Error Resource temporarily unavailable Cannot lock port', serialPort: '/dev/ttyUSB0' }),
    ).toBe('Zigbee stick at /dev/ttyUSB0 is in use by another program: stop that program, and the hub opens it again.');
    expect(
      plainWarning('zwave', {
        words: 'restarting (attempt 2): Failed to open the serial port: Error: Inappropriate ioctl for device',
        serialPort: '/dev/ttyZWave',
      }),
    ).toBe('Z-Wave stick at /dev/ttyZWave cannot be opened: Inappropriate ioctl for device.');
    expect(plainWarning('zwave', { words: 'the Z-Wave controller timed out', serialPort: port })).toBe(
      `Z-Wave stick at ${port} does not answer — try unplugging and plugging it in.`,
    );
  });

  it('names no path for a simulated radio', () => {
    expect(plainWarning('zigbee', { words: 'restarting (attempt 1): the coordinator was unplugged' })).toBe(
      'Zigbee stick not found — is it plugged in?',
    );
    expect(plainWarning('gpio', { words: 'something else' })).toBe('GPIO is not working: something else');
  });
});
