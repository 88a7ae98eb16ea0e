/**
 * Helpers for the group tests: a bridge request over MQTT answered on its response topic (matched
 * by transaction), and the Zigbee hub with a GPIO relay beside the simulated network.
 */
import { InProcessPins } from '../../../src/radios/gpio/simulator/in-process-pins.js';
import { until } from '../../support/until.js';
import type { MqttWatch } from '../../support/mqtt-watch.js';
import type { SimulatedKind } from '../../../src/radios/zigbee/simulator/simulated-models.js';
import { startZigbeeHub, type ZigbeeHub, type ZigbeeHubOptions } from './support.js';

let transactions = 0;

/** Sends `bridge/request/<command>` and resolves to its parsed answer. */
export async function bridgeRequest(watch: MqttWatch, command: string, payload: Record<string, unknown>): Promise<Record<string, unknown>> {
  const transaction = `t${++transactions}`;
  const answer = watch.waitFor(`hearth/zb/bridge/response/${command}`, (p) => p.includes(`"transaction":"${transaction}"`));
  await watch.client.publishAsync(`hearth/zb/bridge/request/${command}`, JSON.stringify({ ...payload, transaction }), { qos: 1 });
  return JSON.parse((await answer).payload) as Record<string, unknown>;
}

export const RELAY = 'gpio:0:17';

export async function zigbeeHubWithRelay(
  kinds: readonly SimulatedKind[],
  again: Pick<ZigbeeHubOptions, 'stateDir' | 'network' | 'broker'> = {},
): Promise<ZigbeeHub & { pins: InProcessPins }> {
  const pins = new InProcessPins();
  const hub = await startZigbeeHub(kinds, {
    otherRadios: { gpio: { pins, board: 'pi-4b' } },
    otherProfile: { gpio: { devices: [{ type: 'relay', pin: 17, name: 'porch relay' }] } },
    ...again,
  });
  await until(() => hub.devices.device(RELAY) !== undefined, 10_000, 'the GPIO relay is registered');
  return { ...hub, pins };
}
