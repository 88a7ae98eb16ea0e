/**
 * TOGGLE on a real Zigbee bulb (herdsman's Controller, the converters, the simulated bulb that
 * reports its On/Off attribute as it takes the command): the hub's state after each toggle is
 * the bulb's, never the opposite, on the command's answer, in the actor and on MQTT.
 */
import { describe, expect, it } from 'vitest';
import { until } from '../../support/until.js';
import { idOf, startZigbeeHub } from './support.js';

describe('a Zigbee TOGGLE', () => {
  it('leaves the hub showing what the bulb is, toggle after toggle', async () => {
    const hub = await startZigbeeHub(['bulb']);
    const bulb = hub.network.byKind('bulb');
    const id = idOf(bulb);
    await until(() => hub.devices.device(id) !== undefined, 30_000, 'the bulb is registered');
    await hub.devices.command(id, { state: 'OFF' });
    for (let n = 0; n < 6; n++) {
      const view = await hub.devices.command(id, { state: 'TOGGLE' });
      const lit = bulb.attribute('genOnOff', 'onOff') === 1;
      expect(lit, `toggle ${n}: the bulb`).toBe(n % 2 === 0);
      expect(view.state.state, `toggle ${n}: the answer`).toBe(lit ? 'ON' : 'OFF');
      // the bulb's own report of the change may come after the answer: the state stays the bulb's
      await new Promise((resolve) => setTimeout(resolve, 0));
      const settled = await hub.devices.get(id);
      expect(settled.state.state, `toggle ${n}: the actor`).toBe(lit ? 'ON' : 'OFF');
    }
    const last = await hub.devices.get(id);
    await hub.watch.waitFor(hub.topic(bulb), (payload) => (JSON.parse(payload) as { state?: string }).state === last.state.state);
  });
});
