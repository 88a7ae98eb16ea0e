/**
 * Conformance with Zigbee2MQTT's documented shapes (./api-schemas.ts, from its lib/types/api.ts):
 * `bridge/devices` (Zigbee devices through herdsman's real Controller and the converters, and a
 * GPIO relay), `bridge/groups`, and each group request's response, all read off a real
 * Mosquitto. Also the size of `bridge/devices` per device, for the README's figure.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { retainedOn } from '../../support/mqtt-watch.js';
import { bridgeRequest, RELAY, zigbeeHubWithRelay } from '../../radios/zigbee/groups-support.js';
import { idOf } from '../../radios/zigbee/support.js';
import { groupResponseData, okResponse, zigbee2mqttDevice, zigbee2mqttGroup } from './api-schemas.js';

const checked = <T extends z.ZodType>(schema: T, value: unknown): z.infer<T> => {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Error(`${z.prettifyError(parsed.error)}\n${JSON.stringify(value).slice(0, 2000)}`);
  return parsed.data;
};

describe("Zigbee2MQTT's API shapes", () => {
  it('bridge/devices, bridge/groups and every group response validate against api.ts', async () => {
    const hub = await zigbeeHubWithRelay(['bulb', 'plug', 'door', 'widget']);
    const { watch, network, broker } = hub;
    const bulb = network.byKind('bulb');
    const plug = network.byKind('plug');
    const answer = async (command: keyof typeof groupResponseData, payload: Record<string, unknown>) => {
      const response = await bridgeRequest(watch, command, payload);
      return checked(okResponse(groupResponseData[command]), response).data;
    };

    expect(await answer('group/add', { friendly_name: 'kitchen' })).toEqual({ friendly_name: 'kitchen', id: 1 });
    expect(await answer('group/add', { friendly_name: 'spare', id: '9' })).toEqual({ friendly_name: 'spare', id: 9 });
    await answer('group/members/add', { group: 'kitchen', device: idOf(bulb), endpoint: 'default' });
    await answer('group/members/add', { group: 'kitchen', device: idOf(plug), endpoint: 1 });
    await answer('group/members/add', { group: 'kitchen', device: RELAY });
    await answer('group/rename', { from: 'kitchen', to: 'kitchen lights' });
    await answer('group/options', { id: 'kitchen lights', options: { off_state: 'last_member_state' } });
    await answer('group/members/remove', { group: 'kitchen lights', device: idOf(plug), endpoint: 1 });
    await answer('group/members/remove_all', { device: RELAY });
    await answer('group/remove', { id: 'spare' });

    await watch.waitFor('hearth/zb/bridge/groups', (p) => p.includes('kitchen lights') && !p.includes('spare') && !p.includes(RELAY));
    const groups = checked(z.array(zigbee2mqttGroup), JSON.parse((await retainedOn(broker.url, 'hearth/zb/bridge/groups')) ?? 'null'));
    expect(groups).toEqual([
      expect.objectContaining({
        id: 1,
        friendly_name: 'kitchen lights',
        members: [expect.objectContaining({ ieee_address: bulb.ieeeAddress, endpoint: 1 })],
      }),
    ]);

    const text = (await retainedOn(broker.url, 'hearth/zb/bridge/devices')) ?? 'null';
    const devices = checked(z.array(zigbee2mqttDevice), JSON.parse(text));
    const byId = new Map(devices.map((device) => [device.id as string, device]));
    expect(byId.get(idOf(bulb))).toMatchObject({
      ieee_address: bulb.ieeeAddress,
      type: 'Router',
      network_address: bulb.networkAddress,
      supported: true,
      interview_completed: true,
      interview_state: 'SUCCESSFUL',
      definition: { model: 'LED1545G12', vendor: 'IKEA', source: 'native' },
      radio: 'zigbee',
    });
    const endpoint = (byId.get(idOf(bulb))?.endpoints as Record<string, { clusters: { input: string[] }; bindings: unknown[] }>)['1'];
    expect(endpoint?.clusters.input).toEqual(expect.arrayContaining(['genOnOff', 'genLevelCtrl']));
    expect(byId.get(idOf(network.byKind('door')))).toMatchObject({ type: 'EndDevice', power_source: 'Battery' });
    expect(byId.get(idOf(network.byKind('widget')))).toMatchObject({ supported: false, definition: { source: 'generated' } });
    expect(byId.get(RELAY)).toMatchObject({
      ieee_address: RELAY,
      radio: 'gpio',
      interview_state: 'SUCCESSFUL',
      definition: { model: 'GPIO relay' },
    });
    console.log(
      `bridge/devices: ${devices.length} devices, ${text.length} bytes, ${Math.round(text.length / devices.length)} B per device`,
    );
  });
});
