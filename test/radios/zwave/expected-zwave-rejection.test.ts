/** Which unhandled rejections the hub lets pass: only zwave-js's for a destroyed driver, a vanished port or a port that cannot be reopened. */
import { ZWaveError, ZWaveErrorCodes } from '@zwave-js/core';
import { describe, expect, it } from 'vitest';
import { isExpectedZWaveRejection } from '../../../src/radios/zwave/expected-zwave-rejection.js';

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
});
