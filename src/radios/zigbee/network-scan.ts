/**
 * The network map's scan, as Zigbee2MQTT's networkMap extension makes it: each router's and the
 * coordinator's neighbour table (ZDO Mgmt_Lqi_req, herdsman's `Device.lqi`) and, with
 * `routes`, its routing table (Mgmt_Rtg_req, `Device.routingTable`), one device after the
 * other; a device that does not answer is marked `failed` with the tables it missed. End
 * devices are not asked (they sleep); they show as the neighbours their parents list.
 */
import type { Models } from 'zigbee-herdsman';
import { zigbeeId } from '../../model/device-id.js';
import type { NetworkMap, NetworkMapLink, NetworkMapNode } from '../zigbee-tools-api.js';
import type { ResolvedDefinition } from './definitions.js';

type Device = Models.Device;
type LqiEntry = Awaited<ReturnType<Device['lqi']>>[number];
type RouteEntry = Awaited<ReturnType<Device['routingTable']>>[number];

export interface ScanEnvironment {
  devices(): Device[];
  definition(device: Device): Promise<ResolvedDefinition>;
  warn(message: string): void;
}

/** One retry, as Zigbee2MQTT does (a congested network drops a request now and then). */
async function twice<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch {
    return await request();
  }
}

export async function scanNetwork(env: ScanEnvironment, routes: boolean): Promise<NetworkMap> {
  const devices = env.devices().filter((d) => d.type !== 'GreenPower');
  const lqis = new Map<Device, LqiEntry[]>();
  const routing = new Map<Device, RouteEntry[]>();
  const failed = new Map<Device, string[]>();
  for (const device of devices.filter((d) => d.type !== 'EndDevice')) {
    const failures: string[] = [];
    failed.set(device, failures);
    try {
      lqis.set(device, await twice(() => device.lqi()));
    } catch (error) {
      failures.push('lqi');
      env.warn(`${device.ieeeAddr} did not answer its neighbour table request (${String(error)})`);
    }
    if (!routes) continue;
    try {
      routing.set(device, await twice(() => device.routingTable()));
    } catch (error) {
      failures.push('routingTable');
      env.warn(`${device.ieeeAddr} did not answer its routing table request (${String(error)})`);
    }
  }
  const nodes: NetworkMapNode[] = [];
  for (const device of devices) {
    const node: NetworkMapNode = {
      ieeeAddr: device.ieeeAddr,
      id: device.type === 'Coordinator' ? undefined : zigbeeId(device.ieeeAddr),
      type: device.type,
      networkAddress: device.networkAddress,
    };
    if (device.manufacturerName !== undefined) node.manufacturerName = device.manufacturerName;
    if (device.modelID !== undefined) node.modelID = device.modelID;
    const failures = failed.get(device);
    if (failures !== undefined) node.failed = failures;
    if (device.lastSeen !== undefined) node.lastSeen = device.lastSeen;
    if (device.type !== 'Coordinator') {
      const resolved = await env.definition(device);
      const definition = resolved.supported ? resolved.definition : undefined;
      if (definition !== undefined)
        node.definition = {
          model: definition.model,
          vendor: definition.vendor,
          description: definition.description,
          supports: [...new Set(resolved.capabilities.map((c) => ('name' in c ? c.name : c.type)))].join(', '),
        };
    }
    nodes.push(node);
  }
  const links: NetworkMapLink[] = [];
  for (const [device, table] of lqis) {
    for (const neighbour of table) {
      if (neighbour.relationship > 3) continue; // not an active neighbour
      // some devices list a neighbour's IEEE address as zeros: found by its network address
      const ieee =
        neighbour.eui64 === '0x0000000000000000'
          ? (devices.find((d) => d.networkAddress === neighbour.nwkAddress)?.ieeeAddr ?? neighbour.eui64)
          : neighbour.eui64;
      const link: NetworkMapLink = {
        source: { ieeeAddr: ieee, networkAddress: neighbour.nwkAddress },
        target: { ieeeAddr: device.ieeeAddr, networkAddress: device.networkAddress },
        deviceType: neighbour.deviceType,
        rxOnWhenIdle: neighbour.rxOnWhenIdle,
        relationship: neighbour.relationship,
        permitJoining: neighbour.permitJoining,
        depth: neighbour.depth,
        lqi: neighbour.lqi,
        routes: [],
      };
      for (const route of routing.get(device) ?? []) if (route.nextHopAddress === neighbour.nwkAddress) link.routes.push({ ...route });
      links.push(link);
    }
  }
  return { nodes, links };
}
