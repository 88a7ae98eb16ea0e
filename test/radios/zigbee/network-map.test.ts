/**
 * The network map over MQTT (`bridge/request/networkmap`, Zigbee2MQTT's shape) of a 3-level
 * mesh on the simulated network: herdsman's Mgmt_Lqi_req / Mgmt_Rtg_req to each router (paged
 * answers), links from neighbour tables, routes, a router that does not answer marked failed;
 * raw checked against Zigbee2MQTT's Zigbee2MQTTNetworkMap, graphviz and plantuml as text.
 */
import { describe, expect, it } from 'vitest';
import { networkMapResponse, okResponse } from '../../uplink/conformance/z2m-tools-api.js';
import type { SimulatedZigbeeDevice } from '../../../src/radios/zigbee/simulator/simulated-device.js';
import { idOf, startZigbeeHub } from './support.js';
import { askBridge } from './tools-support.js';

interface RawMap {
  nodes: { ieeeAddr: string; friendlyName: string; type: string; failed?: string[]; definition?: { model: string } }[];
  links: {
    source: { ieeeAddr: string };
    target: { ieeeAddr: string };
    depth: number;
    relationship: number;
    routes: { destinationAddress: number }[];
  }[];
}

describe('Zigbee network map', () => {
  it('maps a 3-level mesh of routers and end devices, raw and graphviz, marking the router that does not answer', async () => {
    const hub = await startZigbeeHub(['bulb', 'plug', 'door', 'ambiance', 'climate', 'widget']);
    const { network } = hub;
    const [bulb, plug, door, ambiance, climate, widget] = (['bulb', 'plug', 'door', 'ambiance', 'climate', 'widget'] as const).map((kind) =>
      network.byKind(kind),
    ) as [
      SimulatedZigbeeDevice,
      SimulatedZigbeeDevice,
      SimulatedZigbeeDevice,
      SimulatedZigbeeDevice,
      SimulatedZigbeeDevice,
      SimulatedZigbeeDevice,
    ];
    // coordinator ─ bulb ─ plug ─ door; coordinator ─ ambiance ─ climate, widget (silent)
    network.mesh.place(bulb);
    network.mesh.place(plug, bulb);
    network.mesh.place(door, plug);
    network.mesh.place(ambiance);
    network.mesh.place(climate, ambiance);
    network.mesh.place(widget, ambiance);
    hub.devices.renameDevice(idOf(plug), 'hall/plug');
    widget.fault = 'silent';

    const raw = await askBridge(hub, 'networkmap', { type: 'raw', routes: true }, 30_000);
    const data = okResponse(networkMapResponse).parse(raw).data;
    expect(data).toMatchObject({ type: 'raw', routes: true });
    const map = data.value as RawMap;
    const node = (ieee: string) => map.nodes.find((n) => n.ieeeAddr === ieee);
    expect(map.nodes).toHaveLength(7);
    expect(node(network.coordinatorIeee)).toMatchObject({ type: 'Coordinator', friendlyName: 'Coordinator', failed: [] });
    expect(node(plug.ieeeAddress)).toMatchObject({
      type: 'Router',
      friendlyName: 'hall/plug',
      failed: [],
      definition: { model: 'SP 234' },
    });
    expect(node(door.ieeeAddress)).toMatchObject({ type: 'EndDevice', friendlyName: idOf(door) });
    expect(node(door.ieeeAddress)?.failed).toBeUndefined(); // end devices are not asked
    expect(node(widget.ieeeAddress)?.failed).toEqual(['lqi', 'routingTable']);

    // every link is a neighbour-table entry: source the neighbour, target the router that listed it
    const edges = map.links.map((l) => `${l.source.ieeeAddr}>${l.target.ieeeAddr}`);
    for (const [child, parent] of [
      [bulb, undefined],
      [plug, bulb],
      [door, plug],
      [ambiance, undefined],
      [climate, ambiance],
      [widget, ambiance],
    ] as const) {
      const parentIeee = parent?.ieeeAddress ?? network.coordinatorIeee;
      expect(edges, `${child.kind} listed by its parent`).toContain(`${child.ieeeAddress}>${parentIeee}`);
      if (child.mains && child.fault === undefined)
        expect(edges, `${child.kind} lists its parent`).toContain(`${parentIeee}>${child.ieeeAddress}`);
    }
    expect(edges.filter((e) => e.endsWith(`>${widget.ieeeAddress}`))).toEqual([]); // it answered nothing
    const doorLink = map.links.find((l) => l.source.ieeeAddr === door.ieeeAddress);
    expect(doorLink).toMatchObject({ depth: 3, relationship: 1 });
    // the coordinator reaches the plug (level 2) through the bulb: that route rides the bulb's link
    const bulbLink = map.links.find((l) => l.source.ieeeAddr === bulb.ieeeAddress && l.target.ieeeAddr === network.coordinatorIeee);
    expect(bulbLink?.routes.map((r) => r.destinationAddress)).toEqual([bulb.networkAddress, plug.networkAddress]);

    const graph = await askBridge(hub, 'networkmap', { type: 'graphviz', routes: false }, 30_000);
    const text = okResponse(networkMapResponse).parse(graph).data.value as string;
    expect(text.startsWith('digraph G {\n')).toBe(true);
    expect(text.trimEnd().endsWith('}')).toBe(true);
    expect(text).toContain(`"${door.ieeeAddress}" -> "${plug.ieeeAddress}"`);
    expect(text).toContain(`"${plug.ieeeAddress}" [style="rounded, filled"`);
    expect(text).toContain('hall/plug|');
    expect(text).toContain('failed: lqi');
    expect(text.split('\n').filter((line) => line.includes(' -> '))).toHaveLength(map.links.length);

    const uml = await askBridge(hub, 'networkmap', { type: 'plantuml', routes: false }, 30_000);
    const umlText = okResponse(networkMapResponse).parse(uml).data.value as string;
    expect(umlText).toContain('@startuml');
    expect(umlText).toContain(`${door.ieeeAddress} --> ${plug.ieeeAddress}`);

    expect(await askBridge(hub, 'networkmap', { type: 'svg' })).toMatchObject({ status: 'error', error: { code: 'PAYLOAD_INVALID' } });
  }, 90_000);
});
