/**
 * The network maps as one kind of graph for the map page: the Zigbee mesh (`networkmap`, raw)
 * and the Z-Wave network (`zwave/networkmap`) turned into nodes and links, and a simple layout
 * of our own: the coordinator or controller in the middle, routers on a ring around it, end
 * devices on an outer ring beside the node they hang from.
 */

export type NodeRole = 'Coordinator' | 'Router' | 'EndDevice';

export interface GraphNode {
  key: string;
  role: NodeRole;
  label: string;
  /** The hub's device id, when the node is one of its devices. */
  deviceId?: string;
  failed: boolean;
  /** A line for a person (a tooltip): its status, its route. */
  title?: string;
}

export interface GraphLink {
  a: string;
  b: string;
  label: string;
  weak: boolean;
  /** On a node's last working route to the controller (Z-Wave). */
  route: boolean;
}

export interface Graph {
  nodes: GraphNode[];
  links: GraphLink[];
}

export interface Placed extends GraphNode {
  x: number;
  y: number;
}

export const SIZE = 640;
const CENTER = SIZE / 2;

/** Places the nodes: the centre node, routers on a ring, end devices on an outer ring near a neighbour. */
export function layout(graph: Graph): Placed[] {
  const centre = graph.nodes.filter((node) => node.role === 'Coordinator');
  const routers = graph.nodes.filter((node) => node.role === 'Router');
  const ends = graph.nodes.filter((node) => node.role === 'EndDevice');
  const placed: Placed[] = centre.map((node) => ({ ...node, x: CENTER, y: CENTER }));
  const ring = (nodes: GraphNode[], radius: number, offset: number): void =>
    nodes.forEach((node, index) => {
      const angle = offset + (2 * Math.PI * index) / Math.max(1, nodes.length);
      placed.push({ ...node, x: CENTER + radius * Math.cos(angle), y: CENTER + radius * Math.sin(angle) });
    });
  ring(routers, 150, -Math.PI / 2);
  // an end device next to the router it links to: order the outer ring by that router's angle
  const angleOf = (node: GraphNode): number => {
    for (const link of graph.links) {
      const other = link.a === node.key ? link.b : link.b === node.key ? link.a : undefined;
      const router = placed.find((known) => known.key === other && known.role === 'Router');
      if (router !== undefined) return Math.atan2(router.y - CENTER, router.x - CENTER);
    }
    return 0;
  };
  ring(
    [...ends].sort((a, b) => angleOf(a) - angleOf(b)),
    270,
    -Math.PI / 2 + 0.3,
  );
  return placed;
}

interface ZigbeeNode {
  ieeeAddr: string;
  type: string;
  friendlyName?: string;
  failed?: string[];
}

interface ZigbeeLink {
  source: { ieeeAddr: string };
  target: { ieeeAddr: string };
  linkquality?: number;
  lqi?: number;
}

export interface ZigbeeMap {
  nodes: ZigbeeNode[];
  links: ZigbeeLink[];
}

/** The Zigbee mesh: one line per pair of nodes (each side reports its neighbour), labelled with the link qualities both sides saw. */
export function zigbeeGraph(map: ZigbeeMap, deviceOf: (ieee: string) => { id: string; friendly_name: string } | undefined): Graph {
  const pairs = new Map<string, { a: string; b: string; qualities: number[] }>();
  for (const link of map.links) {
    const [a, b] = [link.source.ieeeAddr, link.target.ieeeAddr].sort() as [string, string];
    const pair = pairs.get(`${a} ${b}`) ?? { a, b, qualities: [] };
    pair.qualities.push(link.linkquality ?? link.lqi ?? 0);
    pairs.set(`${a} ${b}`, pair);
  }
  return {
    nodes: map.nodes.map((node) => {
      const device = deviceOf(node.ieeeAddr);
      const role: NodeRole = node.type === 'Coordinator' ? 'Coordinator' : node.type === 'Router' ? 'Router' : 'EndDevice';
      return {
        key: node.ieeeAddr,
        role,
        label: node.friendlyName ?? device?.friendly_name ?? node.ieeeAddr,
        ...(device === undefined ? {} : { deviceId: device.id }),
        failed: (node.failed?.length ?? 0) > 0,
      };
    }),
    links: [...pairs.values()].map((pair) => ({
      a: pair.a,
      b: pair.b,
      label: [...new Set(pair.qualities)].join('/'),
      weak: Math.min(...pair.qualities) < 80,
      route: false,
    })),
  };
}

export interface ZWaveRoute {
  repeaters: number[];
  protocol_data_rate?: string;
  rssi_dbm?: number;
}

export interface ZWaveMapNode {
  id: string;
  node_id: number;
  friendly_name: string;
  type: 'Controller' | 'Router' | 'EndDevice';
  status: string;
  neighbours: number[];
  error?: string;
  last_working_route?: ZWaveRoute;
}

export interface ZWaveMap {
  nodes: ZWaveMapNode[];
  links: { source: number; target: number }[];
}

/** A route in words: "direct, 100 kbit/s" or "via 3, 5". */
export function routeWords(route: ZWaveRoute | undefined): string {
  if (route === undefined) return 'none yet';
  const path = route.repeaters.length === 0 ? 'direct' : `via ${route.repeaters.join(', ')}`;
  const rate = /(\d+(?:\.\d+)?)k/.exec(route.protocol_data_rate ?? '')?.[1];
  return [path, rate === undefined ? undefined : `${rate} kbit/s`, route.rssi_dbm === undefined ? undefined : `${route.rssi_dbm} dBm`]
    .filter((part) => part !== undefined)
    .join(', ');
}

/** The Z-Wave network: its neighbour links, those on a node's last working route to the controller marked. */
export function zwaveGraph(map: ZWaveMap, known: (id: string) => boolean): Graph {
  const controller = map.nodes.find((node) => node.type === 'Controller')?.node_id;
  const key = (a: number, b: number): string => (a < b ? `${a} ${b}` : `${b} ${a}`);
  const links = new Map<string, GraphLink>();
  for (const link of map.links)
    links.set(key(link.source, link.target), { a: String(link.source), b: String(link.target), label: '', weak: false, route: false });
  for (const node of map.nodes) {
    const route = node.last_working_route;
    if (route === undefined || controller === undefined) continue;
    const hops = [node.node_id, ...route.repeaters, controller];
    for (let i = 0; i + 1 < hops.length; i++) {
      const [a, b] = [hops[i] as number, hops[i + 1] as number];
      const link = links.get(key(a, b)) ?? { a: String(a), b: String(b), label: '', weak: false, route: false };
      links.set(key(a, b), { ...link, route: true });
    }
  }
  return {
    nodes: map.nodes.map((node) => ({
      key: String(node.node_id),
      role: node.type === 'Controller' ? 'Coordinator' : node.type,
      label: node.friendly_name,
      ...(known(node.id) ? { deviceId: node.id } : {}),
      failed: node.status === 'Dead' || node.error !== undefined,
      title: `node ${node.node_id}, ${node.status}${node.type === 'Controller' ? '' : `; route: ${routeWords(node.last_working_route)}`}`,
    })),
    links: [...links.values()],
  };
}
