/**
 * The memory behind "an identical retained payload is not sent again" stays bounded (re-count
 * point 4): long payloads are kept as digests, past its bound the topic set longest ago goes,
 * and a hub on a real Mosquitto forgets every topic of the devices it removed.
 */
import { presets as e } from 'zigbee-herdsman-converters/lib/exposes';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Capability } from '../../src/model/capabilities.js';
import { RetainedMemory } from '../../src/uplink/retained-memory.js';
import { startBridgedHub } from '../support/bridged-hub.js';
import { Mosquitto } from '../support/mosquitto.js';
import { MqttWatch } from '../support/mqtt-watch.js';
import { radioPort } from '../support/radio-port.js';
import { tempDir } from '../support/temp-dir.js';
import { until } from '../support/until.js';

const caps = (...exposes: unknown[]): Capability[] => JSON.parse(JSON.stringify(exposes)) as Capability[];

describe('the memory of retained payloads', () => {
  it('tells a payload set last from any other, short or long, and keeps at most its bound of topics', () => {
    const memory = new RetainedMemory(3);
    const config = JSON.stringify({ name: 'x'.repeat(5000) });
    memory.set('a', '{"state":"ON"}');
    memory.set('b', config);
    expect(memory.matches('a', '{"state":"ON"}')).toBe(true);
    expect(memory.matches('a', '{"state":"OFF"}')).toBe(false);
    expect(memory.matches('b', config)).toBe(true);
    expect(memory.matches('b', `${config} `)).toBe(false);
    expect(memory.matches('c', '{"state":"ON"}')).toBe(false);
    // what it keeps of a 5 kB payload is a digest
    expect(JSON.stringify(memory).length).toBeLessThan(200);
    memory.set('c', '1');
    memory.set('a', '{"state":"OFF"}'); // set again: the most recent
    memory.set('d', '2');
    expect(memory.size).toBe(3);
    expect(memory.matches('b', config)).toBe(false); // the one set longest ago went
    expect(memory.matches('a', '{"state":"OFF"}')).toBe(true);
    memory.forgetUnless((topic, matches) => topic === 'c' && matches('1'));
    expect(memory.size).toBe(1);
  });

  it('forgets the topics of removed devices: its size comes back to what it was', async () => {
    const broker = await Mosquitto.start();
    onTestFinished(() => broker.stop());
    const hub = await startBridgedHub({
      hubId: 'rm',
      stateDir: await tempDir(),
      uplink: { port: broker.port, startupWaitMs: 3000, healthIntervalS: 0 },
      store: { journalBatchMs: 5 },
    });
    onTestFinished(() => hub.stop());
    hub.devices.attachRadio(
      'zigbee',
      radioPort(() => Promise.resolve()),
    );
    const watch = await MqttWatch.connect(broker.url, 'hearth/rm/#');
    const remembered = (): number => hub.bridge.health().rememberedTopics as number;
    const quiet = async (): Promise<void> => {
      await until(() => !hub.bridge.listsPending && hub.bridge.outbox.size === 0, 10_000, 'everything out');
      await hub.bridge.discovery?.settled();
      await until(() => hub.bridge.outbox.size === 0, 10_000, 'everything out');
    };
    await quiet();
    const before = remembered();
    const ids = Array.from({ length: 30 }, (_, i) => `zigbee:0x00158d00000003${String(i).padStart(2, '0')}`);
    for (const [i, id] of ids.entries()) {
      hub.devices.addDevice({ id, friendlyName: `plug${i}`, radio: 'zigbee', capabilities: caps(e.switch(), e.power()) });
      await hub.devices.report(id, { state: 'ON', power: i });
      hub.devices.availability(id, true);
    }
    await watch.waitFor('hearth/rm/plug29/availability', '{"state":"online"}');
    await quiet();
    const grown = remembered();
    // each device's state, availability and configs
    expect(grown - before).toBeGreaterThanOrEqual(30 * 3);
    for (const id of ids) await hub.devices.removeDevice(id);
    await until(() => remembered() === before, 20_000, 'every topic of the removed devices forgotten');
    process.stderr.write(`retained memory: ${before} topics, ${grown} with 30 devices, ${remembered()} after their removal\n`);
  }, 40_000);
});
