import { presets as e } from 'zigbee-herdsman-converters/lib/exposes';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { ActorSystem } from '../../src/actors/actor-system.js';
import { configSchema } from '../../src/config/schema.js';
import type { Capability } from '../../src/model/capabilities.js';
import { DeviceService } from '../../src/devices/device-service.js';
import { otaCapabilities } from '../../src/radios/zigbee/zigbee-ota.js';
import { capturingLog } from '../actors/support.js';
import { tempDir } from '../support/temp-dir.js';
import { actorsConfig } from '../support/config-defaults.js';

const lamp = 'zigbee:0x00158d0001a2b3c4';
const door = 'zigbee:0x00158d0001a2b3c5';
const bulb = JSON.parse(JSON.stringify([e.light_brightness()])) as Capability[];
const contact = JSON.parse(JSON.stringify([e.contact(), e.battery()])) as Capability[];

async function service(stateDir: string) {
  const { log } = capturingLog();
  const system = new ActorSystem({ log, config: actorsConfig({ idleTimeoutMs: 0 }) });
  const devices = new DeviceService({
    stateDir,
    store: configSchema.parse({ store: { writeIntervalMs: 20, journalBatchMs: 5 } }).store,
    system,
    log,
  });
  await devices.start();
  return {
    devices,
    system,
    stop: async () => {
      await system.shutdown();
      await devices.stop();
    },
  };
}

describe('the devices part', () => {
  it('keeps devices, rooms, state and settings across a restart, with actors dormant until their first message', async () => {
    const dir = await tempDir();
    const first = await service(dir);
    first.devices.addDevice({ id: lamp, friendlyName: 'living/lamp', radio: 'zigbee', capabilities: bulb });
    first.devices.addDevice({ id: door, friendlyName: 'hall/door', radio: 'zigbee', capabilities: contact });
    first.devices.rooms.create('Living', 'living');
    first.devices.rooms.addDevice('living', lamp);
    first.devices.rooms.addDevice('living', door);
    await (
      await first.devices.report(lamp, { state: 'ON', brightness: 200 })
    ).persisted;
    await (
      await first.devices.report(door, { contact: false, battery: 80 })
    ).persisted;
    first.devices.setSetting('permitJoin', false);
    await first.stop();

    const second = await service(dir);
    expect(second.devices.size).toBe(2);
    expect(second.system.size).toBe(2);
    expect(second.system.activeCount).toBe(0);
    expect(second.devices.byFriendlyName('Living/Lamp')?.id).toBe(lamp);
    expect(second.devices.rooms.get('living').devices).toEqual([lamp, door]);
    expect(second.devices.setting('permitJoin')).toBe(false);
    expect((await second.devices.get(lamp)).state).toEqual({ state: 'ON', brightness: 200 });
    expect(second.system.activeCount).toBe(1);
    expect(await second.devices.roomState('living')).toMatchObject({
      devices: 2,
      lights_on: 1,
      all_lights_on: true,
      any_contact_open: true,
    });
    await second.stop();
  });

  it('ends a firmware update the last run was in the middle of: back to available, without progress', async () => {
    const dir = await tempDir();
    const first = await service(dir);
    first.devices.addDevice({
      id: lamp,
      friendlyName: 'living/lamp',
      radio: 'zigbee',
      capabilities: [...bulb, ...otaCapabilities({ ota: true } as never)],
    });
    first.devices.addDevice({ id: door, friendlyName: 'hall/door', radio: 'zigbee', capabilities: contact });
    const versions = { installed_version: 1, latest_version: 2, latest_source: '/ota/lamp.ota', latest_release_notes: null };
    await (
      await first.devices.report(lamp, { state: 'ON', update: { state: 'updating', ...versions, progress: 40, remaining: 12 } })
    ).persisted;
    // a device without the update capability is left alone whatever it reported
    await (
      await first.devices.report(door, { contact: true, update: { state: 'updating' } })
    ).persisted;
    await first.stop();

    const second = await service(dir);
    expect((await second.devices.get(lamp)).state).toEqual({ state: 'ON', update: { state: 'available', ...versions } });
    expect((await second.devices.get(door)).state).toMatchObject({ update: { state: 'updating' } });
    await second.stop();
    // and a third run has nothing to end
    const third = await service(dir);
    expect(third.system.activeCount).toBe(0);
    await third.stop();
  });

  it('removes a device from everywhere: actor, registry, room and state', async () => {
    const dir = await tempDir();
    const first = await service(dir);
    first.devices.addDevice({ id: lamp, friendlyName: 'lamp', radio: 'zigbee', capabilities: bulb });
    first.devices.rooms.create('Living', 'living');
    first.devices.rooms.addDevice('living', lamp);
    await (
      await first.devices.report(lamp, { state: 'ON' })
    ).persisted;
    await first.devices.removeDevice(lamp);
    expect(first.system.has(lamp)).toBe(false);
    expect(first.devices.device(lamp)).toBeUndefined();
    expect(first.devices.rooms.get('living').devices).toEqual([]);
    await expect(first.devices.get(lamp)).rejects.toMatchObject({ code: 'ACTOR_NOT_FOUND' });
    await first.stop();
    const second = await service(dir);
    expect(second.devices.size).toBe(0);
    expect(await second.devices.state.get(lamp)).toBeUndefined();
    await second.stop();
  });

  it("puts the store's metrics on the hub registry", async () => {
    const { log } = capturingLog();
    const metrics = new Registry();
    const system = new ActorSystem({ log, config: actorsConfig({ idleTimeoutMs: 0 }) });
    const devices = new DeviceService({
      stateDir: await tempDir(),
      store: configSchema.parse({ store: { journalBatchMs: 5 } }).store,
      system,
      log,
      metrics,
    });
    await devices.start();
    devices.addDevice({ id: door, friendlyName: 'hall/door', radio: 'zigbee', capabilities: contact });
    await (
      await devices.report(door, { contact: true })
    ).persisted;
    const text = await metrics.metrics();
    expect(text).toMatch(/^hearth_store_fsyncs_total [1-9]\d*$/m);
    expect(text).toMatch(/^hearth_store_bytes_written_total [1-9]\d*$/m);
    expect(text).toMatch(/^hearth_store_state_tail_devices 1$/m);
    expect(text).toMatch(/^hearth_store_journal_corrupt_records_at_start 0$/m);
    await system.shutdown();
    await devices.stop();
  });

  it('tells listeners about state changes and events', async () => {
    const first = await service(await tempDir());
    first.devices.addDevice({ id: door, friendlyName: 'hall/door', radio: 'zigbee', capabilities: contact });
    const seen: string[] = [];
    first.devices.events.on('test', 'device.state', ({ view, changed }) => void seen.push(`${view.friendlyName}: ${changed.join(',')}`));
    await first.devices.report(door, { contact: true });
    expect(seen).toEqual(['hall/door: contact']);
    await first.stop();
  });
});
