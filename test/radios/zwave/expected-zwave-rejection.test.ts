/** Which unhandled rejections the hub lets pass: only zwave-js's for a destroyed driver, a vanished port or a port that cannot be reopened. */
import { join } from 'node:path';
import { JsonlDB } from '@alcalzone/jsonl-db';
import { ValueDB, ZWaveError, ZWaveErrorCodes } from '@zwave-js/core';
import { describe, expect, it } from 'vitest';
import { isExpectedZWaveRejection, isZWaveLeftover } from '../../../src/radios/zwave/expected-zwave-rejection.js';
import { tempDir } from '../../support/temp-dir.js';

/** What `action` throws. */
function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('it did not throw');
}

describe('expected zwave-js rejections', () => {
  it("passes zwave-js's Driver_Destroyed, Driver_SerialPortClosed and Driver_Failed, and nothing else", () => {
    expect(isExpectedZWaveRejection(new ZWaveError('driver instance destroyed', ZWaveErrorCodes.Driver_Destroyed))).toBe(true);
    expect(isExpectedZWaveRejection(new ZWaveError('The serial port closed unexpectedly!', ZWaveErrorCodes.Driver_SerialPortClosed))).toBe(
      true,
    );
    expect(isExpectedZWaveRejection(new ZWaveError('timeout', ZWaveErrorCodes.Controller_Timeout))).toBe(false);
    expect(isExpectedZWaveRejection(new ZWaveError('Failed to open the serial port', ZWaveErrorCodes.Driver_Failed))).toBe(true);
    expect(isExpectedZWaveRejection(new ZWaveError('not ready', ZWaveErrorCodes.Driver_NotReady))).toBe(false);
    expect(isExpectedZWaveRejection(Object.assign(new Error('driver instance destroyed'), { code: 102 }))).toBe(false);
    expect(isExpectedZWaveRejection('driver instance destroyed')).toBe(false);
  });

  it('passes jsonl-db\'s "not open" from zwave-js storing values after a driver was destroyed, and no other', async () => {
    const dir = await tempDir();
    const values = new JsonlDB(join(dir, 'values.jsonl'));
    const metadata = new JsonlDB(join(dir, 'metadata.jsonl'));
    await values.open();
    await metadata.open();
    await values.close();
    await metadata.close();
    // what zwave-js does with a frame it handles after destroy() closed its DBs
    const fromZWave = thrownBy(() =>
      new ValueDB(2, values, metadata as never).setValue({ commandClass: 37, property: 'currentValue' }, true),
    );
    expect(fromZWave).toMatchObject({ message: 'The database is not open!' });
    expect(isZWaveLeftover(fromZWave as Error, true)).toBe(true);
    // before any driver was destroyed: a live driver lost its DB, which is no leftover
    expect(isZWaveLeftover(fromZWave as Error, false)).toBe(false);
    // the same message from jsonl-db used by anything but zwave-js, or without jsonl-db
    expect(isZWaveLeftover(thrownBy(() => values.set('a', 1)) as Error, true)).toBe(false);
    expect(isZWaveLeftover(new Error('The database is not open!'), true)).toBe(false);
    expect(isZWaveLeftover(new TypeError('The database is not open!'), true)).toBe(false);
  });

  it("passes an AbortError made by zwave-js's serial stream close, and no other AbortError", () => {
    const fromClose = Object.assign(new DOMException('This operation was aborted', 'AbortError'), {
      stack:
        'AbortError: This operation was aborted\n    at new DOMException (node:internal/per_context/domexception:53:5)\n    at AbortController.abort (node:internal/abort_controller:391:18)\n    at ZWaveSerialStream.close (file:///opt/hearth/node_modules/@zwave-js/serial/build/esm/serialport/ZWaveSerialStream.js:90:21)\n    at Driver.destroy (file:///opt/hearth/node_modules/zwave-js/build/esm/lib/driver/Driver.js:2528:35)',
    });
    expect(isExpectedZWaveRejection(fromClose)).toBe(true);
    expect(isExpectedZWaveRejection(new DOMException('This operation was aborted', 'AbortError'))).toBe(false);
    const fetchAborted = thrownBy(() => AbortSignal.abort().throwIfAborted());
    expect(isExpectedZWaveRejection(fetchAborted)).toBe(false);
  });
});
