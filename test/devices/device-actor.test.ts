import { presets as e } from 'zigbee-herdsman-converters/lib/exposes';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { ActorSystem } from '../../src/actors/actor-system.js';
import type { Capability } from '../../src/model/capabilities.js';
import { deviceKind, type RadioPort, type ReportReply } from '../../src/devices/device-actor.js';
import type { DeviceView } from '../../src/model/device-view.js';
import type { DeviceRecord } from '../../src/model/device-record.js';
import { DeviceStateStore } from '../../src/store/device-state-store.js';
import { capturingLog } from '../actors/support.js';
import { tempDir } from '../support/temp-dir.js';
import { radioPort } from '../support/radio-port.js';
import { actorsConfig, stateStoreOptions } from '../support/config-defaults.js';

const lampId = 'zigbee:0x00158d0001a2b3c4';
const remoteId = 'zigbee:0x00158d0001a2b3c5';
const bulb = JSON.parse(JSON.stringify([e.light_brightness_colortemp([153, 500])])) as Capability[];
const remote = JSON.parse(JSON.stringify([e.action(['on', 'off']), e.battery()])) as Capability[];

interface Harness {
  system: ActorSystem;
  store: DeviceStateStore;
  records: Map<string, DeviceRecord>;
  sent: { id: string; payload: Record<string, unknown> }[];
  emitted: { friendlyName: string; state: Record<string, unknown>; changed: readonly string[] }[];
  events: { friendlyName: string; values: Record<string, unknown> }[];
  radio: { fail: Error | undefined; up: boolean };
  reopen(): Promise<Harness>;
}

async function harness(dir?: string, recordsIn?: Map<string, DeviceRecord>): Promise<Harness> {
  const stateDir = dir ?? (await tempDir());
  const { log } = capturingLog();
  const store = await DeviceStateStore.open(stateStoreOptions(stateDir, log, { shards: 4, batchIntervalMs: 5, compactIntervalMs: 0 }));
  const records =
    recordsIn ??
    new Map<string, DeviceRecord>([
      [lampId, { id: lampId, friendlyName: 'living/lamp', radio: 'zigbee', model: 'LED1545G12', capabilities: bulb }],
      [remoteId, { id: remoteId, friendlyName: 'living/remote', radio: 'zigbee', capabilities: remote }],
    ]);
  const h: Harness = {
    system: new ActorSystem({ log, config: actorsConfig({ idleTimeoutMs: 0 }) }),
    store,
    records,
    sent: [],
    emitted: [],
    events: [],
    radio: { fail: undefined, up: true },
    reopen: async () => harness(stateDir, records),
  };
  const port: RadioPort = radioPort((id, payload) => {
    if (h.radio.fail !== undefined) return Promise.reject(h.radio.fail);
    h.sent.push({ id, payload });
    return Promise.resolve();
  });
  const kind = deviceKind({
    record: (id) => records.get(id),
    capabilities: (record) => record.capabilities ?? [],
    state: store,
    radio: () => (h.radio.up ? port : undefined),
    events: {
      state: (view: DeviceView, changed) => h.emitted.push({ friendlyName: view.friendlyName, state: view.state, changed }),
      event: (view: DeviceView, values) => h.events.push({ friendlyName: view.friendlyName, values }),
    },
    now: () => 1_700_000_000_000,
  });
  for (const id of records.keys()) h.system.register(kind, id);
  onTestFinished(async () => {
    await h.system.shutdown();
    await store.close();
  });
  return h;
}

describe('device actor', () => {
  it('applies reports, emits what changed, persists it, and comes back with it after a restart', async () => {
    const h = await harness();
    const reply = await h.system.ask<ReportReply>(lampId, { type: 'report', values: { state: 'ON', brightness: 100 } });
    expect(reply.changed).toEqual(['state', 'brightness']);
    expect(await reply.persisted).toBeGreaterThan(0);
    const same = await h.system.ask<ReportReply>(lampId, { type: 'report', values: { state: 'ON', brightness: 100 } });
    expect(same.changed).toEqual([]);
    expect(h.emitted.map((x) => x.changed)).toEqual([['state', 'brightness'], []]);
    await h.system.shutdown();
    const again = await h.reopen(); // the store was not closed: the journal alone carries it
    expect(await again.system.ask<DeviceView>(lampId, { type: 'get' })).toMatchObject({
      friendlyName: 'living/lamp',
      state: { state: 'ON', brightness: 100 },
      lastSeen: 1_700_000_000_000,
    });
  });

  it('turns transient attributes into events that are never stored', async () => {
    const h = await harness();
    await h.system.ask(remoteId, { type: 'report', values: { action: 'on', battery: 90 } });
    expect(h.events).toEqual([{ friendlyName: 'living/remote', values: { action: 'on' } }]);
    expect((await h.system.ask<DeviceView>(remoteId, { type: 'get' })).state).toEqual({ battery: 90 });
    expect(await h.store.get(remoteId)).toMatchObject({ values: { battery: 90 } });
  });

  it('validates a command before any radio is touched, naming the attribute and its range', async () => {
    const h = await harness();
    await expect(h.system.ask(lampId, { type: 'set', payload: { brightness: 300 } })).rejects.toMatchObject({
      code: 'COMMAND_INVALID',
      message: `${lampId}: brightness: expected a number 0-254, got 300`,
    });
    expect(h.sent).toEqual([]);
    expect(h.system.statsOf('device')).toMatchObject({ failures: 0, rejections: 1 });
  });

  it('sends a valid command and takes the state it set; a toggle flips the state', async () => {
    const h = await harness();
    await h.system.ask(lampId, { type: 'report', values: { state: 'OFF' } });
    const view = await h.system.ask<DeviceView>(lampId, { type: 'set', payload: { state: 'on', brightness: 50 } });
    expect(h.sent).toEqual([{ id: lampId, payload: { state: 'ON', brightness: 50 } }]);
    expect(view.state).toMatchObject({ state: 'ON', brightness: 50 });
    expect((await h.system.ask<DeviceView>(lampId, { type: 'set', payload: { state: 'TOGGLE' } })).state.state).toBe('OFF');
  });

  it('refuses a command when the radio is down or fails, keeping the state as it was', async () => {
    const h = await harness();
    h.radio.up = false;
    await expect(h.system.ask(lampId, { type: 'set', payload: { state: 'ON' } })).rejects.toMatchObject({ code: 'RADIO_UNAVAILABLE' });
    h.radio.up = true;
    h.radio.fail = new Error('no ack from device');
    await expect(h.system.ask(lampId, { type: 'set', payload: { state: 'ON' } })).rejects.toMatchObject({
      code: 'RADIO_COMMAND_FAILED',
      cause: expect.objectContaining({ message: 'no ack from device' }),
    });
    expect((await h.system.ask<DeviceView>(lampId, { type: 'get' })).state).toEqual({});
  });

  it('debounces reports into one change, and flushes pending values when it is passivated', async () => {
    const h = await harness();
    h.records.set(lampId, { ...(h.records.get(lampId) as DeviceRecord), options: { debounceMs: 40 } });
    for (let b = 1; b <= 5; b++) h.system.tell(lampId, { type: 'report', values: { brightness: b * 10 } });
    // the first change to come out is the last report's: the five were folded into one
    await vi.waitFor(() => expect(h.emitted.length).toBeGreaterThan(0));
    expect(h.emitted.map((x) => x.state.brightness)).toEqual([50]);
    h.system.tell(lampId, { type: 'report', values: { brightness: 99 } });
    expect(await h.system.passivate(lampId)).toBe(true);
    expect(h.emitted.map((x) => x.state.brightness)).toEqual([50, 99]);
    expect(await h.store.get(lampId)).toMatchObject({ values: { brightness: 99 } });
  });

  it('throttles: at most one report per window', async () => {
    let now = 0;
    const h = await harness();
    h.records.set(lampId, { ...(h.records.get(lampId) as DeviceRecord), options: { throttleMs: 1000 } });
    for (const at of [0, 200, 900, 1000, 1500, 2100]) {
      now = at;
      await h.system.ask(lampId, { type: 'report', values: { brightness: at % 254 }, at: now });
    }
    expect(h.emitted.length).toBe(3); // 0, 1000, 2100
  });

  it('tracks availability and refuses to start for a device missing from the registry', async () => {
    const h = await harness();
    await h.system.ask(lampId, { type: 'availability', online: false });
    expect((await h.system.ask<DeviceView>(lampId, { type: 'get' })).availability).toBe('offline');
    h.records.delete(remoteId);
    await expect(h.system.ask(remoteId, { type: 'get' })).rejects.toMatchObject({
      code: 'DEVICE_NOT_FOUND',
      message: `no device with id ${remoteId} in the registry`,
    });
    expect(h.system.has(remoteId)).toBe(false);
  });
});
