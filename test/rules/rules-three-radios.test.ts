/**
 * Local rules on a hub with all three radios (Zigbee: herdsman over the simulated adapter with
 * the converters; Z-Wave: zwave-js on its mock controller; GPIO: the in-process pins) and a
 * real Mosquitto that is killed: the house keeps working without it. A GPIO button press
 * toggles a Zigbee bulb; a Zigbee door opening switches a Z-Wave switch on, and its timed
 * revert switches it off again (pushed back by a second opening); a temperature rule with
 * hysteresis does not flap; a rule that triggers itself is suspended. When the broker returns,
 * the states the rules caused are on it and `bridge/event` carries the firings, through the
 * outbox.
 */
import { existsSync, statSync } from 'node:fs';
import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { connect, connectAsync, type MqttClient } from 'mqtt';
import { describe, expect, it, onTestFinished } from 'vitest';
import { InProcessPins } from '../../src/radios/gpio/simulator/in-process-pins.js';
import { SimulatedZWaveNetwork } from '../../src/radios/zwave/simulator/simulated-network.js';
import { retainedOn } from '../support/mqtt-watch.js';
import { tempDir } from '../support/temp-dir.js';
import { until } from '../support/until.js';
import { idOf, startZigbeeHub } from '../radios/zigbee/support.js';
import { nodeIdOf } from '../radios/zwave/support.js';

const BUTTON = 27;
const RELAY = 17;

/** Waits until an async check holds (a device's state is read through its actor). */
async function eventually(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function ask(url: string, command: string, body: unknown): Promise<{ status: string; data: unknown; error?: { code: string } }> {
  const client = await connectAsync(url, { reconnectPeriod: 0 });
  try {
    await client.subscribeAsync(`hearth/zb/bridge/response/${command}`, { qos: 1 });
    const answer = new Promise<string>((resolve) => client.once('message', (_topic, payload) => resolve(payload.toString())));
    await client.publishAsync(`hearth/zb/bridge/request/${command}`, JSON.stringify(body), { qos: 1 });
    return JSON.parse(await answer) as { status: string; data: unknown };
  } finally {
    await client.endAsync(true);
  }
}

describe('local rules across the radios, with the broker gone', () => {
  it('run the house without the broker, stop a loop, and tell the broker what they did once it is back', async () => {
    const zwaveNetwork = new SimulatedZWaveNetwork(['switch']);
    onTestFinished(() => zwaveNetwork.close());
    const pins = new InProcessPins();
    // the broker keeps sessions on disk (saved every second), so a subscriber's session outlives the kill
    const brokerData = await tempDir('hearth-rules-broker-');
    await chmod(brokerData, 0o777);
    const hub = await startZigbeeHub(['bulb', 'door', 'climate'], {
      brokerOptions: { extraConfig: ['persistence true', `persistence_location ${brokerData}/`, 'autosave_interval 1'] },
      otherRadios: {
        // a loaded machine answers slowly: the mock node gets time to acknowledge before it is taken for dead
        zwave: { network: zwaveNetwork, driverOptions: { timeouts: { ack: 3000, report: 5000 } } },
        gpio: { pins, board: 'pi-4b' },
      },
      otherProfile: {
        gpio: {
          doubleClickMs: 50,
          devices: [
            { type: 'button', pin: BUTTON, name: 'doorbell' },
            { type: 'relay', pin: RELAY, name: 'relay' },
          ],
        },
      },
    });
    const { network, devices, broker } = hub;
    const bulb = network.byKind('bulb');
    const door = network.byKind('door');
    const climate = network.byKind('climate');
    const zwaveSwitch = nodeIdOf(2);
    await until(() => devices.device(zwaveSwitch) !== undefined, 60_000, 'the Z-Wave switch is registered');
    await until(() => devices.resolve('doorbell') !== undefined && devices.resolve('relay') !== undefined, 10_000, 'GPIO devices');

    const rules = [
      {
        id: 'doorbell-bulb',
        trigger: { device: 'doorbell', attribute: 'action', value: 'single' },
        actions: [{ device: idOf(bulb), set: { state: 'TOGGLE' } }],
      },
      {
        id: 'door-switch',
        trigger: { device: idOf(door), attribute: 'contact', value: false },
        actions: [{ device: zwaveSwitch, set: { state: 'ON' }, revert_after_s: 1.5, revert: { state: 'OFF' } }],
      },
      {
        id: 'hot',
        trigger: { device: idOf(climate), attribute: 'temperature', op: '>', value: 25, hysteresis: 1 },
        actions: [{ publish: { topic: 'hot', payload: { hot: true } } }],
      },
      {
        id: 'loop-on',
        trigger: { device: 'relay', attribute: 'state', value: 'ON' },
        actions: [{ device: 'relay', set: { state: 'OFF' } }],
      },
      {
        id: 'loop-off',
        trigger: { device: 'relay', attribute: 'state', value: 'OFF' },
        actions: [{ device: 'relay', set: { state: 'ON' } }],
      },
    ];
    for (const rule of rules)
      expect(await ask(broker.url, 'rule/add', { rule })).toMatchObject({ status: 'ok', data: { id: rule.id, state: 'active' } });
    // a rule naming a device that does not exist is refused with its path
    expect(
      await ask(broker.url, 'rule/add', {
        rule: { id: 'ghost', trigger: { device: 'attic/ghost', attribute: 'state', value: 'ON' }, actions: [{ delay_s: 1 }] },
      }),
    ).toMatchObject({ status: 'error', error: { code: 'RULE_INVALID' } });

    // a subscriber with a persistent session; once the broker saved it, the broker goes away
    const events: string[] = [];
    // the listener comes before the connection: what the session queued arrives right behind the
    // CONNACK, and mqtt.js emits (and acknowledges) it before connectAsync's promise would let one be added
    const watch = async (): Promise<MqttClient> => {
      const client = connect(broker.url, { reconnectPeriod: 0, clientId: 'rules-watch', clean: false });
      onTestFinished(() => client.endAsync(true));
      client.on('message', (topic, payload) => {
        if (topic === 'hearth/zb/bridge/event') events.push(payload.toString());
      });
      await new Promise<void>((resolve, reject) => {
        client.once('connect', () => resolve());
        client.once('error', reject);
        client.once('close', () => reject(new Error('the watcher could not connect')));
      });
      return client;
    };
    const watcher = await watch();
    const subscribedAt = Date.now();
    await watcher.subscribeAsync('hearth/zb/bridge/event', { qos: 1 });
    const saved = join(brokerData, 'mosquitto.db');
    await until(() => existsSync(saved) && statSync(saved).mtimeMs > subscribedAt + 10, 10_000, 'the broker saved the session');
    await watcher.endAsync();
    const fired = (rule: string) => hub.hub.rules.statuses().find((status) => status.id === rule)?.firings ?? 0;
    await broker.kill();
    await until(() => hub.link.health().status !== 'ok', 10_000, 'the hub saw the broker go');

    // GPIO button → Zigbee bulb
    await devices.command(idOf(bulb), { state: 'OFF' });
    expect(bulb.attribute('genOnOff', 'onOff')).toBe(0);
    // a press held past the debounce (a shorter one is a bounce)
    pins.setLevel(BUTTON, 1);
    await new Promise((resolve) => setTimeout(resolve, 40));
    pins.setLevel(BUTTON, 0);
    await until(() => bulb.attribute('genOnOff', 'onOff') === 1, 5000, 'the doorbell toggled the bulb');

    // Zigbee door → Z-Wave switch on, then off by the revert; a second opening pushes the revert back
    door.report('genOnOff', { onOff: 1 });
    await until(() => zwaveNetwork.device(2).level === true, 10_000, 'the door switched the Z-Wave switch on');
    door.report('genOnOff', { onOff: 0 });
    await eventually(async () => (await devices.get(idOf(door))).state.contact === true, 5000, 'the door closed');
    const secondOpen = Date.now();
    door.report('genOnOff', { onOff: 1 });
    await until(() => fired('door-switch') === 2, 5000, 'the second opening fired');
    await until(() => zwaveNetwork.device(2).level === false, 10_000, 'the revert switched it off');
    expect(Date.now() - secondOpen).toBeGreaterThanOrEqual(1400);

    // temperature > 25 with hysteresis 1: no flapping between 24.1 and 26
    for (const centi of [2550, 2480, 2590, 2410, 2600]) {
      climate.report('msTemperatureMeasurement', { measuredValue: centi });
      await eventually(
        async () => (await devices.get(idOf(climate))).state.temperature === centi / 100,
        5000,
        `temperature ${centi / 100}`,
      );
    }
    expect(fired('hot')).toBe(1);
    climate.report('msTemperatureMeasurement', { measuredValue: 2390 });
    await eventually(async () => (await devices.get(idOf(climate))).state.temperature === 23.9, 5000, 'temperature 23.9');
    climate.report('msTemperatureMeasurement', { measuredValue: 2520 });
    await until(() => fired('hot') === 2, 5000, 'hot fired again after the value left the band');

    // the relay rules trigger each other: suspended, and the relay stops flipping
    await devices.command(devices.resolve('relay')!.id, { state: 'ON' });
    await until(
      () => hub.hub.rules.statuses().some((status) => status.state === 'suspended' && status.id.startsWith('loop-')),
      5000,
      'a loop rule is suspended',
    );
    const flips = fired('loop-on') + fired('loop-off');
    expect(flips).toBeLessThanOrEqual(2 * 11);

    // the broker returns with the subscriber's session: what the hub sends meanwhile waits for it there
    // (the hub drains its outbox into that session before the subscriber is back, whatever its backoff)
    await broker.restart();
    const back = broker;
    await until(() => hub.link.connected && hub.bridge.outbox.size === 0, 30_000, 'the hub drained its outbox to the broker');
    await watch();
    await until(() => events.some((event) => event.includes('"rule_suspended"')), 30_000, 'the firings reached the broker');
    for (const rule of ['doorbell-bulb', 'door-switch', 'hot'])
      expect(
        events.some((event) => event.includes('"rule_fired"') && event.includes(`"rule":"${rule}"`)),
        rule,
      ).toBe(true);
    await eventually(
      async () => (JSON.parse((await retainedOn(back.url, `hearth/zb/${zwaveSwitch}`)) ?? '{}') as { state?: string }).state === 'OFF',
      10_000,
      'switch state',
    );
    // bridge/rules is republished once a burst of firings is quiet: the list with the last of them follows the events
    const hotFirings = async () =>
      (JSON.parse((await retainedOn(back.url, 'hearth/zb/bridge/rules')) ?? '[]') as { id: string; firings: number }[]).find(
        (rule) => rule.id === 'hot',
      )?.firings;
    await eventually(async () => (await hotFirings()) === 2, 10_000, 'bridge/rules on the broker with both firings of hot');
    expect(await hotFirings()).toBe(2);
  }, 240_000);
});
