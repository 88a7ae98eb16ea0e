/** The simulator's ZDO responses, written as bytes and read back by herdsman's own ZDO parser. */
import { describe, expect, it } from 'vitest';
import { Zdo } from 'zigbee-herdsman';
import { zdoResponse } from '../../../src/radios/zigbee/simulator/zdo-frames.js';

describe('simulated ZDO frames', () => {
  it("come out of herdsman's parser as the descriptors they describe", () => {
    expect(zdoResponse.nodeDescriptor(7, { nwkAddress: 0x1234, logicalType: 2, manufacturerCode: 0x115f })).toMatchObject([
      Zdo.Status.SUCCESS,
      {
        nwkAddress: 0x1234,
        logicalType: 2,
        manufacturerCode: 0x115f,
        frequencyBand: 8,
        capabilities: { deviceType: 0, rxOnWhenIdle: 0, allocateAddress: 1 },
        serverMask: { stackComplianceRevision: 22 },
      },
    ]);
    expect(zdoResponse.activeEndpoints(1, 0x1234, [1, 11])).toEqual([Zdo.Status.SUCCESS, { nwkAddress: 0x1234, endpointList: [1, 11] }]);
    expect(
      zdoResponse.simpleDescriptor(1, {
        nwkAddress: 0x1234,
        endpoint: 11,
        profileId: 0x0104,
        deviceId: 0x010c,
        inClusters: [0, 6, 8, 0x300],
        outClusters: [0x19],
      }),
    ).toEqual([
      Zdo.Status.SUCCESS,
      {
        nwkAddress: 0x1234,
        length: 18,
        endpoint: 11,
        profileId: 0x0104,
        deviceId: 0x010c,
        deviceVersion: 1,
        inClusterList: [0, 6, 8, 0x300],
        outClusterList: [0x19],
      },
    ]);
    expect(zdoResponse.simpleDescriptor(1, undefined)).toEqual([Zdo.Status.NOT_ACTIVE, undefined]);
    expect(zdoResponse.address(Zdo.ClusterId.IEEE_ADDRESS_REQUEST, 1, '0x00158d0000000001', 0x1001)).toMatchObject([
      Zdo.Status.SUCCESS,
      { eui64: '0x00158d0000000001', nwkAddress: 0x1001 },
    ]);
    expect(zdoResponse.announce('0x00158d00000000ab', 0x1002, true)).toEqual([
      Zdo.Status.SUCCESS,
      expect.objectContaining({
        eui64: '0x00158d00000000ab',
        nwkAddress: 0x1002,
        capabilities: expect.objectContaining({ deviceType: 1, powerSource: 1, rxOnWhenIdle: 1 }),
      }),
    ]);
    expect(zdoResponse.status(Zdo.ClusterId.LEAVE_REQUEST, 3)).toEqual([Zdo.Status.SUCCESS, undefined]);
  });
});
