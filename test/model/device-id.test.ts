import { describe, expect, it } from 'vitest';
import { gpioId, parseDeviceId, zigbeeId, zwaveId } from '../../src/model/device-id.js';

describe('device ids', () => {
  it('round-trips the id of each radio', () => {
    expect(parseDeviceId(zigbeeId('0x00158D0001A2B3C4'))).toEqual({ radio: 'zigbee', ieeeAddress: '0x00158d0001a2b3c4' });
    expect(parseDeviceId(zwaveId(3735928559, 12))).toEqual({ radio: 'zwave', homeId: 3735928559, nodeId: 12 });
    expect(parseDeviceId(gpioId(0, 17))).toEqual({ radio: 'gpio', chip: 0, line: 17 });
  });

  it('names what is wrong with a bad id', () => {
    for (const bad of [
      'zigbee:00158d0001a2b3c4',
      'zigbee:0x00158D0001A2B3C4',
      'zwave:1:0',
      'zwave:1:233',
      'gpio:a:1',
      'kitchen lamp',
      '',
    ]) {
      expect(() => parseDeviceId(bad)).toThrow(
        expect.objectContaining({ code: 'DEVICE_ID_INVALID', message: expect.stringContaining(JSON.stringify(bad)) }),
      );
    }
  });
});
