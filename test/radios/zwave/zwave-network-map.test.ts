/**
 * The Z-Wave network map (`bridge/request/zwave/networkmap`) on zwave-js's mock controller: the
 * neighbours come from Get Routing Info (the simulator's controller behaviour answers it: every
 * node that acknowledges hears the others and the controller), the routes from zwave-js's node
 * statistics. Every node is on the map with its role, status and friendly name; a node out of
 * range has no neighbours and is nobody's neighbour.
 */
import { describe, expect, it } from 'vitest';
import { bridgeRequest, nodeIdOf, startZWaveHub } from './support.js';
import { until } from '../../support/until.js';

interface MapNode {
  id: string;
  node_id: number;
  type: string;
  status: string;
  friendly_name: string;
  neighbours: number[];
  last_working_route?: { repeaters: number[]; protocol_data_rate?: string };
}

interface NetworkMap {
  nodes: MapNode[];
  links: { source: number; target: number }[];
}

describe('the Z-Wave network map', () => {
  it("draws every node with its neighbours from the controller's routing table and its last working route", async () => {
    const hub = await startZWaveHub(['relay', 'switch', 'door']);
    for (const id of [2, 3]) await until(() => hub.devices.device(nodeIdOf(id)) !== undefined, 20_000, `node ${id} is registered`);
    hub.devices.renameDevice(nodeIdOf(2), 'hall/relay');
    // a command that reaches node 2 gives zwave-js a last working route for it
    expect((await bridgeRequest(hub, 'zwave/node/ping', { device: 'hall/relay' })).data).toMatchObject({ alive: true });

    const answer = await bridgeRequest(hub, 'zwave/networkmap', {});
    expect(answer.status, JSON.stringify(answer)).toBe('ok');
    const map = answer.data as unknown as NetworkMap;
    expect(map.nodes.map((node) => node.node_id)).toEqual([1, 2, 3, 4]);
    expect(map.nodes[0]).toMatchObject({ node_id: 1, type: 'Controller', friendly_name: 'Controller', neighbours: [2, 3, 4] });
    expect(map.nodes[1]).toMatchObject({ id: nodeIdOf(2), type: 'Router', friendly_name: 'hall/relay', status: 'Alive' });
    expect(map.nodes[1]?.neighbours).toContain(1);
    expect(map.nodes[1]?.neighbours).toContain(3);
    // direct, as the simulator's transmit report says
    expect(map.nodes[1]?.last_working_route).toEqual({ repeaters: [], protocol_data_rate: 'ZWave_100k' });
    // the sleeping door sensor: an end device the controller's table lists all the same
    expect(map.nodes[3]).toMatchObject({ node_id: 4, type: 'EndDevice', neighbours: [1, 2, 3] });
    expect(map.links).toContainEqual({ source: 1, target: 2 });
    expect(map.links).toContainEqual({ source: 2, target: 3 });

    // node 3 out of range: it hears nobody, and nobody lists it
    hub.network.device(3).setReachable(false);
    const after = (await bridgeRequest(hub, 'zwave/networkmap', {})).data as unknown as NetworkMap;
    expect(after.nodes.find((node) => node.node_id === 3)?.neighbours).toEqual([]);
    expect(after.links.some((link) => link.source === 3 || link.target === 3)).toBe(false);
    expect(after.links).toContainEqual({ source: 1, target: 2 });
  });
});
