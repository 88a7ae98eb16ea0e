/**
 * The Z-Wave network map from zwave-js's own APIs: every node (the controller too) with its role
 * (controller, router: a listening or frequently listening node that routes, end device) and
 * status, its neighbours as the controller's routing table knows them (`getNodeNeighbors`, Get
 * Routing Info: the controller answers without waking a sleeping node), and its last working
 * route and next to last one (`statistics.lwr`/`nlwr`: the repeaters a frame from the
 * controller took, none for a direct one, and the data rate and RSSI of the answer). Links are
 * one per pair of nodes, whichever side lists the other. A node whose neighbours cannot be
 * read (a Long Range node has none) says why and keeps its place.
 */
import { getEnumMemberName, NodeStatus, ProtocolDataRate, type RouteStatistics, type ZWaveNode } from 'zwave-js';
import { describeError } from '../../../errors.js';
import type { ZWaveMapNode, ZWaveMapRoute, ZWaveNetworkMap } from '../../zwave-tools.js';
import type { ToolContext } from './tool-context.js';

/** zwave-js's RSSI: a dBm figure, or 125-127 for "no signal", "too high", "not available". */
const rssiOf = (rssi: number | undefined): number | undefined => (rssi === undefined || rssi >= 125 ? undefined : rssi);

function routeOf(route: RouteStatistics | undefined): ZWaveMapRoute | undefined {
  if (route === undefined) return undefined;
  const out: ZWaveMapRoute = { repeaters: [...route.repeaters] };
  if (route.protocolDataRate !== undefined) out.protocol_data_rate = getEnumMemberName(ProtocolDataRate, route.protocolDataRate);
  const rssi = rssiOf(route.rssi);
  if (rssi !== undefined) out.rssi_dbm = rssi;
  if (route.routeFailedBetween !== undefined) out.failed_between = [...route.routeFailedBetween];
  return out;
}

function roleOf(node: ZWaveNode): ZWaveMapNode['type'] {
  if (node.isControllerNode) return 'Controller';
  const awake = node.isListening === true || (node.isFrequentListening !== undefined && node.isFrequentListening !== false);
  return awake && node.isRouting === true ? 'Router' : 'EndDevice';
}

export async function zwaveNetworkMap(context: ToolContext): Promise<ZWaveNetworkMap> {
  const controller = context.driver().controller;
  const nodes: ZWaveMapNode[] = [];
  const pairs = new Map<string, { source: number; target: number }>();
  for (const node of [...controller.nodes.values()].sort((a, b) => a.id - b.id)) {
    const entry: ZWaveMapNode = {
      id: context.idOf(node),
      node_id: node.id,
      type: roleOf(node),
      status: getEnumMemberName(NodeStatus, node.status),
      neighbours: [],
    };
    try {
      entry.neighbours = [...(await controller.getNodeNeighbors(node.id))].sort((a, b) => a - b);
    } catch (error) {
      entry.error = describeError(error);
    }
    if (!node.isControllerNode) {
      const lwr = routeOf(node.statistics.lwr);
      if (lwr !== undefined) entry.last_working_route = lwr;
      const nlwr = routeOf(node.statistics.nlwr);
      if (nlwr !== undefined) entry.next_to_last_working_route = nlwr;
    }
    nodes.push(entry);
    for (const neighbour of entry.neighbours) {
      const [source, target] = node.id < neighbour ? [node.id, neighbour] : [neighbour, node.id];
      pairs.set(`${source}-${target}`, { source, target });
    }
  }
  const known = new Set(nodes.map((node) => node.node_id));
  // a neighbour the controller lists but no longer has (removed since) is left out
  const links = [...pairs.values()].filter((link) => known.has(link.source) && known.has(link.target));
  return { nodes, links: links.sort((a, b) => a.source - b.source || a.target - b.target) };
}
