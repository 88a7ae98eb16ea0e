/**
 * Who may join the Zigbee network (radios.zigbee.passlist / blocklist / maxDevices), with the
 * real herdsman over the simulated network: a refused device gets a `device_refused`
 * bridge/event with the reason, is sent away (herdsman's leave request: it is out of the
 * network) and never registered; a device of the network that rejoins at the cap stays.
 */
import { describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../../src/config/load.js';
import { JoinPolicy } from '../../../src/radios/zigbee/join-policy.js';
import { until } from '../../support/until.js';
import { idOf, startZigbeeHub } from './support.js';

/** The simulated network's n-th device (stable across runs). */
const nth = (n: number): string => `0x00158d00${n.toString(16).padStart(8, '0')}`;

type Event = { type: string; data: Record<string, unknown> };

describe('the Zigbee join policy', () => {
  it('refuses a blocklisted device and one past maxDevices, sends them away, and keeps a rejoining member', async () => {
    // devices 1 and 2 are in the network; 3 is blocklisted; the network holds 3 at most
    const hub = await startZigbeeHub(['bulb', 'door'], {
      joinPolicy: new JoinPolicy({ passlist: [], blocklist: [nth(3).toUpperCase().replace('0X', '0x')], maxDevices: 3 }),
    });
    const { network, watch } = hub;
    const events = (): Event[] =>
      watch.received.filter((m) => m.topic === 'hearth/zb/bridge/event').map((m) => JSON.parse(m.payload) as Event);
    const refusedOf = (ieee: string): Event | undefined =>
      events().find((event) => event.type === 'device_refused' && event.data.ieee_address === ieee);
    await watch.client.publishAsync('hearth/zb/bridge/request/permit_join', '{"value":true,"time":60}', { qos: 1 });
    await watch.waitFor('hearth/zb/bridge/response/permit_join');

    const blocked = network.pair('plug');
    expect(blocked.ieeeAddress).toBe(nth(3));
    await until(() => refusedOf(blocked.ieeeAddress) !== undefined, 10_000, 'the blocklisted plug refused');
    expect(refusedOf(blocked.ieeeAddress)?.data).toEqual({
      id: idOf(blocked),
      ieee_address: blocked.ieeeAddress,
      radio: 'zigbee',
      reason: 'blocklist',
      message: `${blocked.ieeeAddress} is on radios.zigbee.blocklist`,
    });
    await until(() => network.device(blocked.ieeeAddress) === undefined, 5000, 'the blocklisted plug sent away');

    const allowed = network.pair('plug');
    await until(() => hub.devices.device(idOf(allowed)) !== undefined, 10_000, 'the fourth device registered');

    const tooMany = network.pair('bulb');
    await until(() => refusedOf(tooMany.ieeeAddress) !== undefined, 10_000, 'the device past the cap refused');
    expect(refusedOf(tooMany.ieeeAddress)?.data).toMatchObject({
      reason: 'max_devices',
      message: 'the Zigbee network holds 3 devices, radios.zigbee.maxDevices is 3',
    });
    await until(() => network.device(tooMany.ieeeAddress) === undefined, 5000, 'the device past the cap sent away');

    // a member that rejoins (power cycled) at the cap is no new device
    const bulb = network.byKind('bulb');
    network.announce(bulb);
    await watch.waitFor('hearth/zb/bridge/event', (payload) => payload.includes('"device_announce"') && payload.includes(bulb.ieeeAddress));
    expect(refusedOf(bulb.ieeeAddress)).toBeUndefined();
    expect(network.device(bulb.ieeeAddress)).toBeDefined();
    expect(hub.devices.device(idOf(blocked))).toBeUndefined();
    expect(hub.devices.device(idOf(tooMany))).toBeUndefined();
    expect(hub.radio.herdsman.getDeviceByIeeeAddr(blocked.ieeeAddress)).toBeUndefined();
    expect(hub.radio.herdsman.getDeviceByIeeeAddr(tooMany.ieeeAddress)).toBeUndefined();
  });

  it('lets only the passlist in', async () => {
    const hub = await startZigbeeHub(['bulb', 'door'], {
      waitForDevices: false,
      joinPolicy: new JoinPolicy({ passlist: [nth(1)], blocklist: [nth(1)], maxDevices: 200 }),
    });
    const { network, watch } = hub;
    const door = nth(2);
    const refused = await watch.waitFor(
      'hearth/zb/bridge/event',
      (payload) => payload.includes('"device_refused"') && payload.includes(door),
    );
    expect(JSON.parse(refused.payload)).toMatchObject({
      data: { reason: 'passlist', message: `${door} is not on radios.zigbee.passlist` },
    });
    await until(() => hub.devices.device(idOf(network.byKind('bulb'))) !== undefined, 10_000, 'the passlisted bulb registered');
    await until(() => network.device(door) === undefined, 5000, 'the door sent away');
    expect(hub.devices.device(`zigbee:${door}`)).toBeUndefined();
  });

  it('takes the lists and the cap from config, IEEE addresses checked', async () => {
    const config = await loadConfigOrThrow({
      env: {},
      profile: { radios: { zigbee: { passlist: ['0x00158D0000000001'], maxDevices: 50 } } },
    });
    expect(config.radios.zigbee).toMatchObject({ passlist: ['0x00158D0000000001'], blocklist: [], maxDevices: 50 });
    await expect(loadConfigOrThrow({ env: {}, profile: { radios: { zigbee: { blocklist: ['00158d0000000001'] } } } })).rejects.toThrow(
      /IEEE address/,
    );
  });
});
