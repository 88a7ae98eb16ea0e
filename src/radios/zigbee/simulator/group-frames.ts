/**
 * Groups in the simulated network, as real Zigbee devices keep them: each device's endpoints
 * have a group table, filled by genGroups `add` and emptied by `remove` / `removeAll` (answered
 * with addRsp / removeRsp, as herdsman's `addToGroup` waits for), and a frame sent to a group
 * (herdsman's `sendZclFrameToGroup`) is one frame on the air that each member endpoint carries
 * out. Every group frame is logged per network, for tests that check one command was one frame.
 */
import { Zcl } from 'zigbee-herdsman';
import type { SimulatedZigbeeDevice } from './simulated-device.js';

/** A frame sent to a group, decoded. */
export interface GroupFrame {
  groupId: number;
  cluster: string;
  command: string;
  payload: unknown;
  /** The member endpoints that carried it out, as `ieee/endpoint`. */
  reached: string[];
}

/** Group tables by device: endpoint → group ids. */
const tables = new WeakMap<SimulatedZigbeeDevice, Map<number, Set<number>>>();
/** Group frames by network (anything that owns devices). */
const logs = new WeakMap<object, GroupFrame[]>();

function tableOf(device: SimulatedZigbeeDevice, endpoint: number): Set<number> {
  let byEndpoint = tables.get(device);
  if (byEndpoint === undefined) tables.set(device, (byEndpoint = new Map<number, Set<number>>()));
  let groups = byEndpoint.get(endpoint);
  if (groups === undefined) byEndpoint.set(endpoint, (groups = new Set<number>()));
  return groups;
}

/** The groups an endpoint of the device is in (tests). */
export function groupsOf(device: SimulatedZigbeeDevice, endpoint = device.firstEndpoint): number[] {
  return [...tableOf(device, endpoint)].sort((a, b) => a - b);
}

/** Every group frame the network carried, oldest first (tests). */
export function groupFramesOf(network: object): readonly GroupFrame[] {
  return logs.get(network) ?? [];
}

/**
 * A genGroups command to one endpoint: the device's group table changes; the answer frame
 * (addRsp, removeRsp), or undefined for a command without one.
 */
export function groupsCommand(device: SimulatedZigbeeDevice, endpoint: number, request: Zcl.Frame, failed: boolean): Zcl.Frame | undefined {
  const payload = request.payload as { groupid?: number };
  const table = tableOf(device, endpoint);
  const answer = (command: string, body: Record<string, unknown>): Zcl.Frame =>
    Zcl.Frame.create(
      Zcl.FrameType.SPECIFIC,
      Zcl.Direction.SERVER_TO_CLIENT,
      true,
      request.header.manufacturerCode,
      request.header.transactionSequenceNumber,
      command,
      'genGroups',
      body,
      {},
    );
  const status = failed ? Zcl.Status.FAILURE : Zcl.Status.SUCCESS;
  switch (request.command.name) {
    case 'add':
      if (!failed) table.add(Number(payload.groupid));
      return answer('addRsp', { status, groupid: payload.groupid });
    case 'remove': {
      const known = table.delete(Number(payload.groupid));
      return answer('removeRsp', { status: failed ? status : known ? Zcl.Status.SUCCESS : Zcl.Status.NOT_FOUND, groupid: payload.groupid });
    }
    case 'removeAll':
      if (!failed) table.clear();
      return undefined;
    default:
      return undefined;
  }
}

/**
 * A frame to group `groupId`: one frame on the air, carried out by every member endpoint
 * (their answers are not sent: a group command has none); logged for `groupFramesOf`.
 */
export function deliverGroupFrame(
  network: object,
  devices: Iterable<SimulatedZigbeeDevice>,
  groupId: number,
  frame: Zcl.Frame,
): GroupFrame {
  // on the air: the members get the frame as bytes and parse it, as real ones do
  const sent = frame.toBuffer();
  const received = Zcl.Frame.fromBuffer(frame.cluster.ID, Zcl.Header.fromBuffer(sent), sent, {});
  const reached: string[] = [];
  for (const device of devices) {
    for (const [endpoint, groups] of tables.get(device) ?? []) {
      if (!groups.has(groupId)) continue;
      reached.push(`${device.ieeeAddress}/${endpoint}`);
      device.handle(endpoint, received);
    }
  }
  const logged: GroupFrame = {
    groupId,
    cluster: received.cluster.name,
    command: received.command.name,
    payload: received.payload,
    reached,
  };
  let log = logs.get(network);
  if (log === undefined) logs.set(network, (log = []));
  log.push(logged);
  return logged;
}
