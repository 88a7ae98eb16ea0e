/**
 * The simulated network's mesh: who is whose parent (a tree of routers and end devices under
 * the coordinator, a star until tests place devices), each device's binding table (ZDO bind and
 * unbind requests, parsed from herdsman's bytes; a group bind reaches the members in
 * group-frames.ts's tables), and the tables a router answers Mgmt_Lqi_req and Mgmt_Rtg_req
 * with, paged as real stacks do.
 * A device's own cluster command (a remote's button) goes where its binds say: to bound
 * devices and group members directly, without the coordinator, or to the coordinator when it is
 * bound there or nothing is bound for that cluster.
 */
import { Zcl, Zdo } from 'zigbee-herdsman';
import type { SimulatedZigbeeDevice } from './simulated-device.js';
import { groupsOf } from './group-frames.js';
import { parse, Writer, zdoResponse } from './zdo-frames.js';

export type BindTarget = { ieee: string; endpoint: number } | { group: number };

export interface SimulatedBind {
  sourceEndpoint: number;
  clusterId: number;
  target: BindTarget;
}

/** A command a device sent straight to another through a bind (tests). */
export interface BoundDelivery {
  from: string;
  to: string;
  endpoint: number;
  cluster: string;
  command: string;
}

export interface MeshNetwork {
  readonly coordinatorIeee: string;
  readonly all: SimulatedZigbeeDevice[];
  device(ieee: string): SimulatedZigbeeDevice | undefined;
}

/** Entries per Mgmt_Lqi_rsp / Mgmt_Rtg_rsp frame (real stacks fit 2–3 neighbours in one). */
const LQI_PAGE = 3;
const ROUTES_PAGE = 5;
const UNICAST_BINDING = 3;
const MULTICAST_BINDING = 1;

function readIeee(payload: Buffer, at: number): string {
  return `0x${Buffer.from(payload.subarray(at, at + 8))
    .reverse()
    .toString('hex')}`;
}

function parseBind(payload: Buffer): { source: string; bind: SimulatedBind } | undefined {
  // [tsn] [source IEEE (8)] [source endpoint] [cluster (2)] [address mode] [group (2) | IEEE (8) + endpoint]
  if (payload.length < 14) return undefined;
  const source = readIeee(payload, 1);
  const sourceEndpoint = payload[9] as number;
  const clusterId = payload.readUInt16LE(10);
  const mode = payload[12];
  if (mode === MULTICAST_BINDING) return { source, bind: { sourceEndpoint, clusterId, target: { group: payload.readUInt16LE(13) } } };
  if (mode === UNICAST_BINDING && payload.length >= 22)
    return { source, bind: { sourceEndpoint, clusterId, target: { ieee: readIeee(payload, 13), endpoint: payload[21] as number } } };
  return undefined;
}

function sameBind(a: SimulatedBind, b: SimulatedBind): boolean {
  return a.sourceEndpoint === b.sourceEndpoint && a.clusterId === b.clusterId && JSON.stringify(a.target) === JSON.stringify(b.target);
}

export class SimulatedMesh {
  private readonly parents = new Map<string, string>();
  readonly binds = new Map<string, SimulatedBind[]>();
  readonly boundDeliveries: BoundDelivery[] = [];

  constructor(private readonly network: MeshNetwork) {}

  /** Places `child` under `parent` (a router; undefined: the coordinator). */
  place(child: SimulatedZigbeeDevice, parent?: SimulatedZigbeeDevice): void {
    if (parent !== undefined && !parent.mains) throw new Error(`simulated ${parent.kind} is an end device: it cannot be a parent`);
    this.parents.set(child.ieeeAddress, parent?.ieeeAddress ?? this.network.coordinatorIeee);
  }

  private parentOf(ieee: string): string {
    return this.parents.get(ieee) ?? this.network.coordinatorIeee;
  }

  private childrenOf(ieee: string): SimulatedZigbeeDevice[] {
    return this.network.all.filter((device) => this.parentOf(device.ieeeAddress) === ieee);
  }

  private depthOf(ieee: string): number {
    let depth = 0;
    for (let at = ieee; at !== this.network.coordinatorIeee && depth < 64; at = this.parentOf(at)) depth++;
    return depth;
  }

  /** The group's members, as `ieee/endpoint`, from the devices' group tables (group-frames.ts). */
  groupMembers(group: number): string[] {
    return this.network.all.flatMap((device) =>
      device.model.endpoints.filter((e) => groupsOf(device, e.id).includes(group)).map((e) => `${device.ieeeAddress}/${e.id}`),
    );
  }

  /** A ZDO request the mesh answers (bind, unbind, LQI, routing); undefined for the others. */
  zdo(ieee: string, clusterId: Zdo.ClusterId, payload: Buffer): unknown {
    const tsn = payload[0] ?? 0;
    switch (clusterId) {
      case Zdo.ClusterId.BIND_REQUEST:
      case Zdo.ClusterId.UNBIND_REQUEST: {
        const parsed = parseBind(payload);
        if (parsed === undefined || parsed.source !== ieee) return zdoResponse.status(clusterId, tsn, Zdo.Status.INV_REQUESTTYPE);
        const table = this.binds.get(ieee) ?? [];
        const index = table.findIndex((bind) => sameBind(bind, parsed.bind));
        if (clusterId === Zdo.ClusterId.BIND_REQUEST) {
          if (index < 0) table.push(parsed.bind);
          this.binds.set(ieee, table);
          return zdoResponse.status(clusterId, tsn);
        }
        if (index < 0) return zdoResponse.status(clusterId, tsn, Zdo.Status.NO_ENTRY);
        table.splice(index, 1);
        return zdoResponse.status(clusterId, tsn);
      }
      case Zdo.ClusterId.LQI_TABLE_REQUEST:
        return this.lqiTable(ieee, tsn, payload[1] ?? 0);
      case Zdo.ClusterId.ROUTING_TABLE_REQUEST:
        return this.routingTable(ieee, tsn, payload[1] ?? 0);
      default:
        return undefined;
    }
  }

  private isRouter(ieee: string): boolean {
    return ieee === this.network.coordinatorIeee || this.network.device(ieee)?.mains === true;
  }

  private lqiTable(ieee: string, tsn: number, start: number): unknown {
    if (!this.isRouter(ieee)) return zdoResponse.status(Zdo.ClusterId.LQI_TABLE_REQUEST, tsn, Zdo.Status.NOT_SUPPORTED);
    const neighbours: { ieee: string; networkAddress: number; type: number; relationship: number }[] = [];
    if (ieee !== this.network.coordinatorIeee) {
      const parent = this.parentOf(ieee);
      const type = parent === this.network.coordinatorIeee ? 0 : 1;
      neighbours.push({ ieee: parent, networkAddress: this.network.device(parent)?.networkAddress ?? 0, type, relationship: 0 });
    }
    for (const child of this.childrenOf(ieee))
      neighbours.push({ ieee: child.ieeeAddress, networkAddress: child.networkAddress, type: child.mains ? 1 : 2, relationship: 1 });
    const page = neighbours.slice(start, start + LQI_PAGE);
    const frame = new Writer().u8(tsn).u8(Zdo.Status.SUCCESS).u8(neighbours.length).u8(start).u8(page.length);
    for (const neighbour of page) {
      const rxOnWhenIdle = neighbour.type === 2 ? 0 : 1;
      const depth = this.depthOf(neighbour.ieee);
      for (let i = 0; i < 8; i++) frame.u8(0xdd); // extended PAN id
      frame
        .ieee(neighbour.ieee)
        .u16(neighbour.networkAddress)
        .u8(neighbour.type | (rxOnWhenIdle << 2) | (neighbour.relationship << 4))
        .u8(2) // permit joining: unknown
        .u8(depth)
        .u8(Math.max(40, 250 - 30 * depth)); // farther from the coordinator, weaker
    }
    return parse(Zdo.ClusterId.LQI_TABLE_REQUEST, frame);
  }

  /** Every router below `ieee` (beyond its children) is reached through the child on the way down. */
  private routingTable(ieee: string, tsn: number, start: number): unknown {
    if (!this.isRouter(ieee)) return zdoResponse.status(Zdo.ClusterId.ROUTING_TABLE_REQUEST, tsn, Zdo.Status.NOT_SUPPORTED);
    const routes: { destination: number; nextHop: number }[] = [];
    const below = (hop: SimulatedZigbeeDevice, at: SimulatedZigbeeDevice): void => {
      if (!at.mains) return;
      routes.push({ destination: at.networkAddress, nextHop: hop.networkAddress });
      for (const child of this.childrenOf(at.ieeeAddress)) below(hop, child);
    };
    for (const child of this.childrenOf(ieee)) below(child, child);
    const page = routes.slice(start, start + ROUTES_PAGE);
    const frame = new Writer().u8(tsn).u8(Zdo.Status.SUCCESS).u8(routes.length).u8(start).u8(page.length);
    for (const route of page) frame.u16(route.destination).u8(0).u16(route.nextHop); // status 0: active
    return parse(Zdo.ClusterId.ROUTING_TABLE_REQUEST, frame);
  }

  /**
   * Where a device's own cluster command goes: the devices it is bound to get it (`deliver`),
   * and the answer says whether the coordinator hears it too (bound there, or nothing bound).
   */
  route(
    device: SimulatedZigbeeDevice,
    endpoint: number,
    frame: Zcl.Frame,
    deliver: (to: SimulatedZigbeeDevice, endpoint: number) => void,
  ): boolean {
    if (frame.header.isGlobal || frame.header.frameControl.direction !== Zcl.Direction.CLIENT_TO_SERVER) return true;
    const binds = (this.binds.get(device.ieeeAddress) ?? []).filter(
      (b) => b.sourceEndpoint === endpoint && b.clusterId === frame.cluster.ID,
    );
    if (binds.length === 0) return true;
    let toCoordinator = false;
    const send = (ieee: string, targetEndpoint: number): void => {
      if (ieee === this.network.coordinatorIeee) return void (toCoordinator = true);
      const target = this.network.device(ieee);
      if (target === undefined || target.fault === 'silent') return;
      this.boundDeliveries.push({
        from: device.ieeeAddress,
        to: ieee,
        endpoint: targetEndpoint,
        cluster: frame.cluster.name,
        command: frame.command.name,
      });
      deliver(target, targetEndpoint);
    };
    for (const { target } of binds) {
      if ('group' in target)
        for (const member of this.groupMembers(target.group)) {
          const [ieee, ep] = member.split('/') as [string, string];
          send(ieee, Number(ep));
        }
      else send(target.ieee, target.endpoint);
    }
    return toCoordinator;
  }
}
