import { presets as e } from 'zigbee-herdsman-converters/lib/exposes';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ActorSystem } from '../../src/actors/actor-system.js';
import { configSchema } from '../../src/config/schema.js';
import type { Capability } from '../../src/model/capabilities.js';
import { DeviceService } from '../../src/devices/device-service.js';
import { EventBus } from '../../src/events/event-bus.js';
import type { HubEventMap } from '../../src/events/hub-events.js';
import { capturingLog } from '../actors/support.js';
import { tempDir } from '../support/temp-dir.js';
import { actorsConfig } from '../support/config-defaults.js';

interface TestMap {
  ping: { n: number };
  pong: { n: number };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('the event bus', () => {
  it('delivers after the emitter’s turn, in emit order, also what listeners emit', async () => {
    const { log } = capturingLog();
    const bus = new EventBus<TestMap>(log);
    const heard: string[] = [];
    bus.on('a', 'ping', ({ n }) => {
      heard.push(`ping ${n}`);
      if (n === 1) bus.emit('pong', { n });
    });
    bus.on('b', 'pong', ({ n }) => void heard.push(`pong ${n}`));
    bus.emit('ping', { n: 1 });
    bus.emit('ping', { n: 2 });
    expect(heard).toEqual([]); // nothing inside the emitter's turn
    await settle();
    expect(heard).toEqual(['ping 1', 'ping 2', 'pong 1']);
  });

  it('keeps one failing listener from the others and counts it', async () => {
    const { log, lines } = capturingLog();
    const bus = new EventBus<TestMap>(log);
    const heard: number[] = [];
    bus.on('thrower', 'ping', () => {
      throw new Error('boom');
    });
    bus.on('rejecter', 'ping', () => Promise.reject(new Error('late boom')));
    bus.on('fine', 'ping', ({ n }) => void heard.push(n));
    bus.emit('ping', { n: 7 });
    await settle();
    expect(heard).toEqual([7]);
    expect(bus.failures).toBe(2);
    expect(lines.filter((line) => line.level === 50).map((line) => line.owner)).toEqual(['thrower', 'rejecter']);
  });

  it('removes every listener of an owner at once', async () => {
    const { log } = capturingLog();
    const bus = new EventBus<TestMap>(log);
    const heard: string[] = [];
    bus.on('part', 'ping', () => void heard.push('part ping'));
    bus.on('part', 'pong', () => void heard.push('part pong'));
    bus.on('other', 'ping', () => void heard.push('other ping'));
    expect(bus.listenerCount()).toBe(3);
    bus.removeOwner('part');
    expect(bus.listenerCount()).toBe(1);
    bus.emit('ping', { n: 1 });
    bus.emit('pong', { n: 1 });
    await settle();
    expect(heard).toEqual(['other ping']);
  });

  it('keeps a device actor running when an uplink listener throws: no failure, no restart, the next report goes through', async () => {
    const { log } = capturingLog();
    const system = new ActorSystem({ log, config: actorsConfig({ idleTimeoutMs: 0 }) });
    const events = new EventBus<HubEventMap>(log);
    const devices = new DeviceService({
      stateDir: await tempDir(),
      store: configSchema.parse({ store: { journalBatchMs: 5 } }).store,
      system,
      log,
      events,
    });
    await devices.start();
    onTestFinished(async () => {
      await system.shutdown();
      await devices.stop();
    });
    const lamp = 'zigbee:0x00158d0001a2b3c4';
    devices.addDevice({
      id: lamp,
      friendlyName: 'lamp',
      radio: 'zigbee',
      capabilities: JSON.parse(JSON.stringify([e.light_brightness()])) as Capability[],
    });
    const seen: unknown[] = [];
    events.on('uplink.bridge', 'device.state', () => {
      throw new Error('the uplink listener failed');
    });
    events.on('uplink.homeassistant', 'device.state', ({ view }) => void seen.push(view.state.brightness));
    expect((await devices.report(lamp, { state: 'ON', brightness: 10 })).changed).toEqual(['state', 'brightness']);
    expect((await devices.report(lamp, { brightness: 20 })).changed).toEqual(['brightness']);
    await settle();
    expect(seen).toEqual([10, 20]);
    expect(events.failures).toBe(2);
    expect(system.statsOf('device')).toMatchObject({ failures: 0, restarts: 0 });
    expect((await devices.get(lamp)).state).toMatchObject({ state: 'ON', brightness: 20 });
  });
});
