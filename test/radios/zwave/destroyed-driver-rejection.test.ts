/** Which unhandled rejections the hub lets pass: only zwave-js's for a destroyed driver. */
import { ZWaveError, ZWaveErrorCodes } from '@zwave-js/core';
import { describe, expect, it } from 'vitest';
import { isDestroyedDriverRejection } from '../../../src/radios/zwave/destroyed-driver-rejection.js';

describe('destroyed-driver rejections', () => {
  it("passes zwave-js's Driver_Destroyed and nothing else", () => {
    expect(isDestroyedDriverRejection(new ZWaveError('driver instance destroyed', ZWaveErrorCodes.Driver_Destroyed))).toBe(true);
    expect(isDestroyedDriverRejection(new ZWaveError('timeout', ZWaveErrorCodes.Controller_Timeout))).toBe(false);
    expect(isDestroyedDriverRejection(Object.assign(new Error('driver instance destroyed'), { code: 102 }))).toBe(false);
    expect(isDestroyedDriverRejection('driver instance destroyed')).toBe(false);
  });
});
