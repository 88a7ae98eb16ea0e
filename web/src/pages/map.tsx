/**
 * The network map (`networkmap`, raw): the Zigbee mesh drawn as an SVG graph by a simple
 * layout of our own — the coordinator in the middle, routers on a ring around it, end devices
 * on an outer ring beside the router they hang from — each link labelled with its link quality.
 */
import { useState } from 'preact/hooks';
import { request } from '../api';
import { Outcome, useAction } from '../parts/notice';
import { hrefOf } from '../route';
import type { HubState } from '../live';

interface MapNode {
  ieeeAddr: string;
  type: string;
  friendlyName?: string;
  failed?: string[];
}

interface MapLink {
  source: { ieeeAddr: string };
  target: { ieeeAddr: string };
  linkquality?: number;
  lqi?: number;
  relationship?: number;
}

interface RawMap {
  nodes: MapNode[];
  links: MapLink[];
}

interface Placed extends MapNode {
  x: number;
  y: number;
}

const SIZE = 640;
const CENTER = SIZE / 2;

/** Places the nodes: coordinator at the centre, routers on a ring, end devices on an outer ring near their parent. */
export function layout(map: RawMap): Placed[] {
  const coordinator = map.nodes.filter((node) => node.type === 'Coordinator');
  const routers = map.nodes.filter((node) => node.type === 'Router');
  const ends = map.nodes.filter((node) => node.type !== 'Coordinator' && node.type !== 'Router');
  const placed: Placed[] = coordinator.map((node) => ({ ...node, x: CENTER, y: CENTER }));
  const ring = (nodes: MapNode[], radius: number, offset: number): void =>
    nodes.forEach((node, index) => {
      const angle = offset + (2 * Math.PI * index) / Math.max(1, nodes.length);
      placed.push({ ...node, x: CENTER + radius * Math.cos(angle), y: CENTER + radius * Math.sin(angle) });
    });
  ring(routers, 150, -Math.PI / 2);
  // an end device next to its parent: order the outer ring by the parent's angle
  const parentOf = (node: MapNode): string | undefined =>
    map.links.find((link) => link.source.ieeeAddr === node.ieeeAddr && (link.relationship === 1 || link.relationship === undefined))?.target
      .ieeeAddr;
  const angleOf = (ieee: string | undefined): number => {
    const parent = placed.find((known) => known.ieeeAddr === ieee);
    return parent === undefined || parent.type === 'Coordinator' ? 0 : Math.atan2(parent.y - CENTER, parent.x - CENTER);
  };
  ring(
    [...ends].sort((a, b) => angleOf(parentOf(a)) - angleOf(parentOf(b))),
    270,
    -Math.PI / 2 + 0.3,
  );
  return placed;
}

/** Links by pair of nodes (each side reports its neighbour: two links, one line), with the link qualities both sides saw. */
export function pairsOf(links: readonly MapLink[]): { a: string; b: string; qualities: number[] }[] {
  const pairs = new Map<string, { a: string; b: string; qualities: number[] }>();
  for (const link of links) {
    const [a, b] = [link.source.ieeeAddr, link.target.ieeeAddr].sort() as [string, string];
    const pair = pairs.get(`${a} ${b}`) ?? { a, b, qualities: [] };
    pair.qualities.push(link.linkquality ?? link.lqi ?? 0);
    pairs.set(`${a} ${b}`, pair);
  }
  return [...pairs.values()];
}

export function MapPage({ hub }: { hub: HubState }) {
  const [map, setMap] = useState<RawMap | undefined>(undefined);
  const action = useAction();
  const scan = (): void => {
    void action.run(async () => {
      const answer = await request<{ value: RawMap }>('networkmap', { type: 'raw', routes: false });
      setMap(answer.value);
    });
  };
  const placed = map === undefined ? [] : layout(map);
  const at = new Map(placed.map((node) => [node.ieeeAddr, node]));
  const deviceOf = (ieee: string) => hub.devices.find((device) => device.ieee_address === ieee || device.id === `zigbee:${ieee}`);
  return (
    <section aria-labelledby="map-title">
      <h1 id="map-title">Network map</h1>
      <p class="small">
        The Zigbee mesh as the routers see it: each line a neighbour link, labelled with its link quality (0–255). A scan asks every router,
        and takes a few seconds.
      </p>
      <button type="button" onClick={scan} disabled={action.busy}>
        {action.busy ? 'Scanning…' : map === undefined ? 'Scan the network' : 'Scan again'}
      </button>
      <Outcome action={action} />
      {map === undefined ? null : (
        <svg
          class="map"
          viewBox={`0 0 ${SIZE} ${SIZE}`}
          role="img"
          aria-label={`Zigbee network: ${map.nodes.length} nodes, ${map.links.length} links`}
        >
          {pairsOf(map.links).map((pair) => {
            const from = at.get(pair.a);
            const to = at.get(pair.b);
            if (from === undefined || to === undefined) return null;
            const weakest = Math.min(...pair.qualities);
            return (
              <g key={`${pair.a}-${pair.b}`} class={`link ${weakest < 80 ? 'weak' : ''}`}>
                <line x1={from.x} y1={from.y} x2={to.x} y2={to.y} />
                <text x={(from.x + to.x) / 2} y={(from.y + to.y) / 2 - 4}>
                  {[...new Set(pair.qualities)].join('/')}
                </text>
              </g>
            );
          })}
          {placed.map((node) => {
            const device = deviceOf(node.ieeeAddr);
            const label = node.friendlyName ?? device?.friendly_name ?? node.ieeeAddr;
            const circle = (
              <g class={`node ${node.type.toLowerCase()} ${(node.failed?.length ?? 0) > 0 ? 'failed' : ''}`}>
                <circle cx={node.x} cy={node.y} r={node.type === 'Coordinator' ? 16 : node.type === 'Router' ? 11 : 8} />
                <text x={node.x} y={node.y + 26}>
                  {label}
                </text>
              </g>
            );
            return device === undefined ? (
              <g key={node.ieeeAddr}>{circle}</g>
            ) : (
              <a key={node.ieeeAddr} href={hrefOf({ page: 'device', id: device.id })}>
                {circle}
              </a>
            );
          })}
        </svg>
      )}
      {map === undefined ? null : (
        <p class="small">
          {map.nodes.length} nodes, {map.links.length} links. Large circles: coordinator; medium: routers; small: end devices. A red node
          did not answer the scan.
        </p>
      )}
    </section>
  );
}
