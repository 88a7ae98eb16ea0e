/** Which unhandled rejections the hub lets pass: only zwave-js's for a destroyed driver or a vanished port. */
import { ZWaveError, ZWaveErrorCodes } from '@zwave-js/core';
import { describe, expect, it } from 'vitest';
import { isExpectedZWaveRejection } from '../../../src/radios/zwave/expected-zwave-rejection.js';

describe('expected zwave-js rejections', () => {
  it("passes zwave-js's Driver_Destroyed and Driver_SerialPortClosed, and nothing else", () => {
    expect(isExpectedZWaveRejection(new ZWaveError('driver instance destroyed', ZWaveErrorCodes.Driver_Destroyed))).toBe(true);
    expect(isExpectedZWaveRejection(new ZWaveError('The serial port closed unexpectedly!', ZWaveErrorCodes.Driver_SerialPortClosed))).toBe(true);
    expect(isExpectedZWaveRejection(new ZWaveError('timeout', ZWaveErrorCodes.Controller_Timeout))).toBe(false);
    expect(isExpectedZWaveRejection(new ZWaveError('failed', ZWaveErrorCodes.Driver_Failed))).toBe(false);
    expect(isExpectedZWaveRejection(Object.assign(new Error('driver instance destroyed'), { code: 102 }))).toBe(false);
    expect(isExpectedZWaveRejection('driver instance destroyed')).toBe(false);
  });
});
