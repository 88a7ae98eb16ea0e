/**
 * The network map as Zigbee2MQTT publishes it: the raw map (its `Zigbee2MQTTNetworkMap`: nodes
 * with `friendlyName`, links with the neighbour-table fields, their routes, and the fields
 * Zigbee2MQTT still sends for older readers: `linkquality`, `sourceIeeeAddr`, …), and the same
 * map as a graphviz digraph or a plantuml diagram: one node per device (coordinator, router,
 * end device styled apart; a device that did not answer says which tables it missed), one edge
 * per link labelled with its LQI and the routes through it.
 */
import type { NetworkMap } from '../../radios/zigbee-tools-api.js';

type Link = NetworkMap['links'][number];

export interface RawNetworkMap {
  nodes: (Omit<NetworkMap['nodes'][number], 'id'> & { friendlyName: string })[];
  links: (Link & { linkquality: number; sourceIeeeAddr: string; targetIeeeAddr: string; sourceNwkAddr: number })[];
}

export function rawMap(map: NetworkMap, nameOf: (id: string | undefined) => string | undefined): RawNetworkMap {
  return {
    nodes: map.nodes.map(({ id, ...node }) => ({
      ...node,
      friendlyName: node.type === 'Coordinator' ? 'Coordinator' : (nameOf(id) ?? node.ieeeAddr),
    })),
    links: map.links.map((link) => ({
      ...link,
      linkquality: link.lqi,
      sourceIeeeAddr: link.source.ieeeAddr,
      targetIeeeAddr: link.target.ieeeAddr,
      sourceNwkAddr: link.source.networkAddress,
    })),
  };
}

const hex = (address: number): string => `0x${address.toString(16).padStart(4, '0')}`;

/** A label safe inside double quotes (graphviz and plantuml alike). */
function quoted(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/[\r\n]+/g, ' ');
}

function nodeLines(node: RawNetworkMap['nodes'][number]): string[] {
  const lines = [
    node.friendlyName,
    `${node.ieeeAddr} (${hex(node.networkAddress)})${node.failed?.length ? ` failed: ${node.failed.join(',')}` : ''}`,
  ];
  if (node.type !== 'Coordinator')
    lines.push(
      node.definition === undefined ? 'unsupported' : `${node.definition.vendor} ${node.definition.description} (${node.definition.model})`,
    );
  return lines;
}

function edgeLabel(link: RawNetworkMap['links'][number]): string {
  return link.routes.length === 0 ? `${link.lqi}` : `${link.lqi} (routes: ${link.routes.map((r) => hex(r.destinationAddress)).join(',')})`;
}

const STYLES: Record<string, string> = {
  Coordinator: 'style="bold, filled", fillcolor="#e04e5d", fontcolor="#ffffff"',
  Router: 'style="rounded, filled", fillcolor="#4ea3e0", fontcolor="#ffffff"',
  EndDevice: 'style="rounded, dashed, filled", fillcolor="#fff8ce", fontcolor="#000000"',
};

export function graphviz(map: RawNetworkMap): string {
  let text = 'digraph G {\nnode[shape=record];\n';
  for (const node of map.nodes) {
    const style = STYLES[node.type] ?? STYLES.EndDevice;
    text += `  "${quoted(node.ieeeAddr)}" [${style}, label="{${nodeLines(node).map(quoted).join('|')}}"];\n`;
  }
  for (const link of map.links) {
    const weight = link.routes.length === 0 ? 'penwidth=0.5, weight=0, color="#994444"' : 'penwidth=2, weight=1, color="#009900"';
    text += `  "${quoted(link.source.ieeeAddr)}" -> "${quoted(link.target.ieeeAddr)}" [${weight}, label="${edgeLabel(link)}"];\n`;
  }
  return `${text}}`;
}

export function plantuml(map: RawNetworkMap): string {
  const lines = ["' paste into https://www.planttext.com/", '', '@startuml'];
  for (const node of [...map.nodes].sort((a, b) => a.friendlyName.localeCompare(b.friendlyName))) {
    lines.push(`card ${node.ieeeAddr} [`, ...nodeLines(node).flatMap((line, i) => (i === 0 ? [line] : ['---', line])), ']', '');
  }
  for (const link of map.links) lines.push(`${link.source.ieeeAddr} --> ${link.target.ieeeAddr}: ${edgeLabel(link)}`);
  lines.push('', '@enduml');
  return lines.join('\n');
}
