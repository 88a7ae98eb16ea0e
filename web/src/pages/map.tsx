/**
 * The network map page: the Zigbee mesh (`networkmap`, raw: each link labelled with its link
 * quality) or the Z-Wave network (`zwave/networkmap`: each neighbour link, a node's last working
 * route to the controller drawn bold, and a table of the routes), drawn as an SVG graph
 * (./map-graph.ts lays it out).
 */
import { useState } from 'preact/hooks';
import { request } from '../api';
import { Outcome, useAction } from '../parts/notice';
import { hrefOf } from '../route';
import type { HubState } from '../live';
import { radioName } from '../words';
import { layout, routeWords, SIZE, zigbeeGraph, zwaveGraph, type Graph, type ZigbeeMap, type ZWaveMap } from './map-graph';

const MAPPED = ['zigbee', 'zwave'];

type Scanned = { radio: 'zigbee'; graph: Graph } | { radio: 'zwave'; graph: Graph; map: ZWaveMap };

const ABOUT: Record<string, string> = {
  zigbee:
    'The Zigbee mesh as the routers see it: each line a neighbour link, labelled with its link quality (0–255). A scan asks every router, and takes a few seconds.',
  zwave:
    "The Z-Wave network as the controller's routing table knows it: each line two nodes that hear each other; a bold line is on a node's last working route to the controller. Sleeping devices are not woken.",
};

export function MapPage({ hub }: { hub: HubState }) {
  const radios = MAPPED.filter((radio) => hub.devices.some((device) => device.radio === radio));
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const radio = chosen ?? radios[0] ?? 'zigbee';
  const [scanned, setScanned] = useState<Scanned | undefined>(undefined);
  const action = useAction();
  const deviceOf = (ieee: string) => hub.devices.find((device) => device.ieee_address === ieee || device.id === `zigbee:${ieee}`);
  const scan = (): void => {
    void action.run(async () => {
      if (radio === 'zwave') {
        const map = await request<ZWaveMap>('zwave/networkmap', {});
        setScanned({ radio, map, graph: zwaveGraph(map, (id) => hub.devices.some((device) => device.id === id)) });
      } else {
        const answer = await request<{ value: ZigbeeMap }>('networkmap', { type: 'raw', routes: false });
        setScanned({ radio: 'zigbee', graph: zigbeeGraph(answer.value, deviceOf) });
      }
    });
  };
  const shown = scanned?.radio === radio ? scanned : undefined;
  return (
    <section aria-labelledby="map-title">
      <h1 id="map-title">Network map</h1>
      {radios.length > 1 ? (
        <p class="inline">
          <label for="map-network">Network</label>{' '}
          <select id="map-network" value={radio} onChange={(e) => setChosen(e.currentTarget.value)} name="network">
            {radios.map((kind) => (
              <option key={kind} value={kind}>
                {radioName(kind)}
              </option>
            ))}
          </select>
        </p>
      ) : null}
      <p class="small">{ABOUT[radio]}</p>
      <button type="button" onClick={scan} disabled={action.busy}>
        {action.busy ? 'Scanning…' : shown === undefined ? 'Scan the network' : 'Scan again'}
      </button>
      <Outcome action={action} />
      {shown === undefined ? null : <GraphView graph={shown.graph} name={radioName(shown.radio)} />}
      {shown === undefined ? null : (
        <p class="small">
          {shown.graph.nodes.length} nodes, {shown.graph.links.length} links. Large circles:{' '}
          {shown.radio === 'zwave' ? 'controller' : 'coordinator'}; medium: routers; small: end devices. A red node{' '}
          {shown.radio === 'zwave' ? 'is dead or could not be read' : 'did not answer the scan'}.
        </p>
      )}
      {shown?.radio === 'zwave' ? <ZWaveRoutes map={shown.map} /> : null}
    </section>
  );
}

function GraphView({ graph, name }: { graph: Graph; name: string }) {
  const placed = layout(graph);
  const at = new Map(placed.map((node) => [node.key, node]));
  return (
    <svg
      class="map"
      viewBox={`0 0 ${SIZE} ${SIZE}`}
      role="img"
      aria-label={`${name} network: ${graph.nodes.length} nodes, ${graph.links.length} links`}
    >
      {graph.links.map((link) => {
        const from = at.get(link.a);
        const to = at.get(link.b);
        if (from === undefined || to === undefined) return null;
        return (
          <g key={`${link.a}-${link.b}`} class={`link${link.weak ? ' weak' : ''}${link.route ? ' route' : ''}`}>
            <line x1={from.x} y1={from.y} x2={to.x} y2={to.y} />
            {link.label === '' ? null : (
              <text x={(from.x + to.x) / 2} y={(from.y + to.y) / 2 - 4}>
                {link.label}
              </text>
            )}
          </g>
        );
      })}
      {placed.map((node) => {
        const circle = (
          <g class={`node ${node.role === 'Coordinator' ? 'coordinator' : node.role.toLowerCase()}${node.failed ? ' failed' : ''}`}>
            {node.title === undefined ? null : <title>{node.title}</title>}
            <circle cx={node.x} cy={node.y} r={node.role === 'Coordinator' ? 16 : node.role === 'Router' ? 11 : 8} />
            <text x={node.x} y={node.y + 26}>
              {node.label}
            </text>
          </g>
        );
        return node.deviceId === undefined ? (
          <g key={node.key}>{circle}</g>
        ) : (
          <a key={node.key} href={hrefOf({ page: 'device', id: node.deviceId })}>
            {circle}
          </a>
        );
      })}
    </svg>
  );
}

function ZWaveRoutes({ map }: { map: ZWaveMap }) {
  return (
    <table class="devices routes" aria-label="Z-Wave routes">
      <thead>
        <tr>
          <th>Node</th>
          <th>Status</th>
          <th>Neighbours</th>
          <th>Last working route</th>
        </tr>
      </thead>
      <tbody>
        {map.nodes.map((node) => (
          <tr key={node.node_id} data-node={node.node_id}>
            <td>
              {node.friendly_name} <span class="small">({node.node_id})</span>
            </td>
            <td>{node.status}</td>
            <td>{node.error ?? (node.neighbours.length === 0 ? 'none' : node.neighbours.join(', '))}</td>
            <td>{node.type === 'Controller' ? '—' : routeWords(node.last_working_route)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
