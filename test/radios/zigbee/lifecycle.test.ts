/**
 * Zigbee lifecycle on the simulated network: joining (also through one router), interviews
 * that succeed or fail, devices that leave or are removed, availability of silent mains and
 * battery devices, and the coordinator backup.
 */
import { readFile, stat } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { retainedOn } from '../../support/mqtt-watch.js';
import { until } from '../../support/until.js';
import { idOf, startZigbeeHub } from './support.js';

describe('Zigbee lifecycle', () => {
  it('lets a new device join on permit_join, through one router when asked, and reports its interview', async () => {
    const hub = await startZigbeeHub(['bulb', 'door']);
    const { network, watch } = hub;
    const bulb = network.byKind('bulb');
    hub.devices.renameDevice(idOf(bulb), 'hall/bulb');

    // a device put in pairing mode waits until joining is permitted
    const plug = network.pair('plug');
    // the simulated network admits a pairing device at once while joining is permitted, so no
    // wait: not admitted now means the hub never opened the network
    expect(network.device(plug.ieeeAddress)).toBeUndefined();
    expect(hub.devices.device(idOf(plug))).toBeUndefined();

    await watch.client.publishAsync('hearth/zb/bridge/request/permit_join', '{"value":true,"time":30,"device":"hall/bulb"}', { qos: 1 });
    const answer = await watch.waitFor('hearth/zb/bridge/response/permit_join');
    expect(JSON.parse(answer.payload)).toEqual({ status: 'ok', data: { value: true, time: 30, device: 'hall/bulb' } });
    expect(network.joinVia).toBe(bulb.networkAddress);
    await until(() => hub.devices.device(idOf(plug)) !== undefined, 5000, 'the plug is registered');
    expect(hub.devices.device(idOf(plug))).toMatchObject({ model: 'SP 234', vendor: 'Innr' });
    await watch.waitFor('hearth/zb/bridge/event', (p) => p.includes('"status":"successful"') && p.includes(plug.ieeeAddress));
    const events = watch.received
      .filter((m) => m.topic === 'hearth/zb/bridge/event')
      .map((m) => JSON.parse(m.payload) as { type: string; data: Record<string, unknown> });
    expect(events).toContainEqual({ type: 'permit_join_changed', data: { radio: 'zigbee', value: true, time: 30 } });
    // one device_joined per device, in one shape, before its interview
    expect(events.filter((event) => event.type === 'device_joined' && event.data.id === idOf(plug))).toEqual([
      { type: 'device_joined', data: { id: idOf(plug), friendly_name: idOf(plug), radio: 'zigbee', ieee_address: plug.ieeeAddress } },
    ]);
    expect(events).toContainEqual({ type: 'device_interview', data: expect.objectContaining({ id: idOf(plug), status: 'started' }) });

    // a device that does not answer its interview is reported failed, and not registered
    const mute = network.pair('ambiance');
    mute.fault = 'silent';
    await watch.waitFor('hearth/zb/bridge/event', (p) => p.includes('"status":"failed"') && p.includes(mute.ieeeAddress), 10_000);
    expect(hub.devices.device(idOf(mute))).toBeUndefined();

    await watch.client.publishAsync('hearth/zb/bridge/request/permit_join', '{"value":false}', { qos: 1 });
    await watch.waitFor('hearth/zb/bridge/event', (p) => p.includes('"type":"permit_join_changed"') && p.includes('"value":false'));
    // devices join through a router (the new plug is one), never through a sleeping end device
    const ask = async (body: Record<string, unknown>, nth: number) => {
      await watch.client.publishAsync('hearth/zb/bridge/request/permit_join', JSON.stringify(body), { qos: 1 });
      await until(
        () => watch.received.filter((m) => m.topic === 'hearth/zb/bridge/response/permit_join').length >= nth,
        5000,
        `answer ${nth}`,
      );
      return JSON.parse(watch.received.filter((m) => m.topic === 'hearth/zb/bridge/response/permit_join')[nth - 1]?.payload ?? '') as {
        status: string;
        error?: { code: string };
      };
    };
    expect(await ask({ value: true, device: idOf(plug) }, 3)).toMatchObject({ status: 'ok' });
    expect(network.joinVia).toBe(plug.networkAddress);
    expect(await ask({ value: true, device: idOf(network.byKind('door')) }, 4)).toMatchObject({
      status: 'error',
      error: { code: 'COMMAND_INVALID' },
    });
    expect(await ask({ value: true, device: 'no/such' }, 5)).toMatchObject({ status: 'error', error: { code: 'DEVICE_NOT_FOUND' } });
  }, 20_000);

  it('removes a device that leaves, and takes a removed device out of the network', async () => {
    const hub = await startZigbeeHub(['bulb', 'plug', 'climate']);
    const { network, watch } = hub;
    const plug = network.byKind('plug');
    plug.report('haElectricalMeasurement', { activePower: 12 });
    await watch.waitFor(hub.topic(plug), (p) => p.includes('"power":12'));

    network.leave(plug);
    await until(() => hub.devices.device(idOf(plug)) === undefined, 5000, 'the plug is removed');
    const left = await watch.waitFor('hearth/zb/bridge/event', (p) => p.includes('device_leave'));
    expect(JSON.parse(left.payload)).toMatchObject({ type: 'device_leave', data: { id: idOf(plug) } });
    expect(hub.radio.herdsman.getDeviceByIeeeAddr(plug.ieeeAddress)).toBeUndefined();
    // its state is cleared once Home Assistant has had its configs removed (ha-discovery.ts)
    await watch.waitFor(hub.topic(plug), '');
    expect(await retainedOn(hub.broker.url, hub.topic(plug))).toBeUndefined();

    // device/remove: the hub sends the device a leave request
    const bulb = network.byKind('bulb');
    await watch.client.publishAsync('hearth/zb/bridge/request/device/remove', JSON.stringify({ id: idOf(bulb) }), { qos: 1 });
    await until(() => network.device(bulb.ieeeAddress) === undefined, 5000, 'the bulb left the simulated network');
    expect(hub.devices.device(idOf(bulb))).toBeUndefined();
    await until(() => hub.radio.herdsman.getDeviceByIeeeAddr(bulb.ieeeAddress) === undefined, 5000, 'herdsman forgot the bulb');
  });

  it('pings a silent mains device and marks it offline when it does not answer, online when it announces itself; a battery device is not pinged', async () => {
    const hub = await startZigbeeHub(['bulb', 'plug', 'climate'], { availability: { activeTimeoutMs: 400, passiveTimeoutMs: 60_000 } });
    const { network, watch } = hub;
    const bulb = network.byKind('bulb');
    const climate = network.byKind('climate');
    await watch.waitFor(`${hub.topic(bulb)}/availability`, '{"state":"online"}');
    bulb.fault = 'silent';
    bulb.received.length = 0;
    climate.received.length = 0;
    await watch.waitFor(`${hub.topic(bulb)}/availability`, '{"state":"offline"}', 10_000);
    expect(bulb.received).toContainEqual(expect.objectContaining({ cluster: 'genBasic', command: 'read' }));
    // the plug answers its pings and stays online; the sleeping sensor is never pinged
    expect(
      watch.received.filter((m) => m.topic === `${hub.topic(network.byKind('plug'))}/availability`).map((m) => m.payload),
    ).not.toContain('{"state":"offline"}');
    expect(climate.received.filter((r) => r.command === 'read' && r.cluster === 'genBasic')).toEqual([]);

    // power comes back: the bulb announces itself, and is online again
    bulb.fault = undefined;
    network.announce(bulb);
    const announced = await watch.waitFor('hearth/zb/bridge/event', (p) => p.includes('device_announce'));
    expect(JSON.parse(announced.payload)).toEqual({ type: 'device_announce', data: { id: idOf(bulb), ieee_address: bulb.ieeeAddress } });
    const back = await watch.waitFor(
      `${hub.topic(bulb)}/availability`,
      (p) => p === '{"state":"online"}' && watch.received.filter((m) => m.topic === `${hub.topic(bulb)}/availability`).length >= 3,
    );
    expect(back.payload).toBe('{"state":"online"}');
  });

  it('queues a command for a sleeping end device, says so, and herdsman delivers it when the device checks in', async () => {
    const hub = await startZigbeeHub(['door']);
    const { network, watch } = hub;
    const door = network.byKind('door');
    // the Aqara definition's configure gives the sensor its check-in interval: herdsman keeps requests it misses
    await until(
      () => (hub.radio.herdsman.getDeviceByIeeeAddr(door.ieeeAddress)?.pendingRequestTimeout ?? 0) > 0,
      5000,
      'the door sensor is configured',
    );
    door.fault = 'silent'; // asleep
    door.received.length = 0;
    await watch.client.publishAsync(`${hub.topic(door)}/set`, '{"identify":"identify"}', { qos: 1 });
    const queued = await watch.waitFor('hearth/zb/bridge/event', (p) => p.includes('command_queued'));
    expect(JSON.parse(queued.payload)).toMatchObject({
      type: 'command_queued',
      data: { device: idOf(door), code: 'DEVICE_ASLEEP_QUEUED' },
    });

    // it wakes up and reports: herdsman sends what it kept
    door.fault = undefined;
    door.received.length = 0;
    door.report('genOnOff', { onOff: 1 });
    await until(
      () => door.received.some((r) => r.cluster === 'genIdentify' && r.command === 'identify'),
      5000,
      'the queued identify reached the sensor',
    );
  });

  it('says command_failed for a command queued for a sleeping end device when the radio stops before it checks in', async () => {
    const hub = await startZigbeeHub(['door']);
    const { network, watch } = hub;
    const door = network.byKind('door');
    await until(
      () => (hub.radio.herdsman.getDeviceByIeeeAddr(door.ieeeAddress)?.pendingRequestTimeout ?? 0) > 0,
      5000,
      'the door sensor is configured',
    );
    door.fault = 'silent'; // asleep
    await watch.client.publishAsync(`${hub.topic(door)}/set`, '{"identify":"identify"}', { qos: 1 });
    await watch.waitFor('hearth/zb/bridge/event', (p) => p.includes('command_queued'));
    // the radio stops (the hub's stop, a restart after a failure) with the command still kept by herdsman
    await hub.radios.find((part) => part.radio.kind === 'zigbee')?.stop();
    const failed = await watch.waitFor('hearth/zb/bridge/event', (p) => p.includes('command_failed'));
    expect(JSON.parse(failed.payload)).toMatchObject({ type: 'command_failed', data: { device: idOf(door) } });
  });

  it('answers bridge/request/backup with a fresh coordinator backup, kept on disk for the hub only, the network key only when asked for', async () => {
    const hub = await startZigbeeHub(['bulb', 'climate']);
    type Answer = { status: string; transaction: string; data: { zigbee: Record<string, unknown> } };
    const answerTo = async (transaction: string): Promise<Answer> =>
      JSON.parse(
        (await hub.watch.waitFor('hearth/zb/bridge/response/backup', (payload) => payload.includes(`"${transaction}"`))).payload,
      ) as Answer;
    await hub.watch.client.publishAsync('hearth/zb/bridge/request/backup', '{"transaction":"b1"}', { qos: 1 });
    const answer = await answerTo('b1');
    expect(answer).toMatchObject({ status: 'ok', transaction: 'b1' });
    expect(answer.data.zigbee).toMatchObject({
      metadata: { format: 'zigpy/open-coordinator-backup' },
      pan_id: '4242',
      extended_pan_id: 'deadbeef00010203',
      channel: 15,
      network_key: { frame_counter: expect.any(Number) },
    });
    // every reader of the response topic gets the answer: by default no key is in it
    expect(answer.data.zigbee.network_key).not.toHaveProperty('key');
    expect(JSON.stringify(answer)).not.toContain('3f1e2d4c5b6a79881726354453627180');
    expect((answer.data.zigbee.devices as { ieee_address: string }[]).map((d) => d.ieee_address).sort()).toEqual(
      hub.network.all.map((d) => d.ieeeAddress.slice(2)).sort(),
    );
    // a restore needs the key: asked for, it is there (and always in the file)
    await hub.watch.client.publishAsync('hearth/zb/bridge/request/backup', '{"transaction":"b2","include_network_key":true}', { qos: 1 });
    expect((await answerTo('b2')).data.zigbee).toMatchObject({ network_key: { key: '3f1e2d4c5b6a79881726354453627180' } });
    expect(await readFile(`${hub.stateDir}/coordinator_backup.json`, 'utf8')).toContain('3f1e2d4c5b6a79881726354453627180');
    expect((await stat(`${hub.stateDir}/coordinator_backup.json`)).mode & 0o777).toBe(0o600);
  });
});
