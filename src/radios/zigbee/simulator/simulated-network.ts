/**
 * A simulated Zigbee network: a coordinator and simulated devices (simulated-device.ts), which
 * herdsman's real `Controller` reaches through the simulated adapter (simulated-adapter.ts).
 * A controller opens it like a stick, by its serial path `simulated:<name>` (see
 * adapter-hook.ts); the network answers ZDO (node, active-endpoint and simple descriptors,
 * leave) from its devices' models, binds and the mesh's tables from simulated-mesh.ts (groups:
 * group-frames.ts),
 * and hands ZCL frames to the device addressed.
 *
 * Devices that are "already paired" join when the controller starts and does not know them
 * yet; a device put in pairing mode joins when joining is permitted. Faults: the coordinator
 * can fail (every call throws), hang (no call answers) or be unplugged (its adapter reports
 * itself disconnected); a device can go silent or fail.
 */
import { Zcl, Zdo } from 'zigbee-herdsman';
import type { ZclPayload } from 'zigbee-herdsman/dist/adapter/events.js';
import type { SimulatedAdapter } from './simulated-adapter.js';
import { SimulatedZigbeeDevice } from './simulated-device.js';
import { SimulatedMesh } from './simulated-mesh.js';
import { zdoResponse, zdoTsn } from './zdo-frames.js';
import type { SimulatedKind } from './simulated-models.js';

/**
 * How the coordinator misbehaves: `fail` throws on every call, `hang` answers nothing,
 * `unplugged` fails every call as a vanished serial port does (its open: no such file).
 */
export type CoordinatorFault = 'fail' | 'hang' | 'unplugged' | undefined;

/** What the simulated adapter needs of its network. */
export interface SimulatedNetworkCore {
  readonly coordinatorIeee: string;
  readonly fault: CoordinatorFault;
  readonly maxWaitMs: number;
  readonly frameCounter: number;
  attach(adapter: SimulatedAdapter, formedBefore: string | undefined): 'resumed' | 'reset';
  detach(adapter: SimulatedAdapter): void;
  device(ieee: string): SimulatedZigbeeDevice | undefined;
  /** Every device of the network (a group frame reaches the members among them). */
  readonly all: SimulatedZigbeeDevice[];
  zdo(ieee: string, networkAddress: number, clusterId: Zdo.ClusterId, payload: Buffer): unknown;
  zcl(ieee: string, endpoint: number, frame: Zcl.Frame): Zcl.Frame[] | undefined;
  payloadFrom(ieee: string, endpoint: number, frame: Zcl.Frame, destinationEndpoint: number): ZclPayload;
  permitJoin(seconds: number, networkAddress?: number): void;
}

export interface SimulatedNetworkOptions {
  /** How long a call waits for an answer that never comes before it times out (a real adapter waits the call's own timeout). */
  maxWaitMs?: number;
}

const COORDINATOR_IEEE = '0x00124b00fee1c0de';

export class SimulatedZigbeeNetwork implements SimulatedNetworkCore {
  readonly coordinatorIeee = COORDINATOR_IEEE;
  fault: CoordinatorFault;
  readonly maxWaitMs: number;
  frameCounter = 0;
  private adapter: SimulatedAdapter | undefined;
  private readonly members = new Map<string, SimulatedZigbeeDevice>();
  /** Devices waiting for joining to be permitted. */
  private readonly pairing: SimulatedZigbeeDevice[] = [];
  /** The network parameters the coordinator was formed with (a real one keeps them in its NV memory). */
  private formedWith: string | undefined;
  private joinUntil = 0;
  /** The router the last permit-join went through (its network address), undefined for the coordinator (tests). */
  joinVia: number | undefined;
  private nextAddress = 1;
  /** Parents, binds, groups (simulated-mesh.ts). */
  readonly mesh = new SimulatedMesh(this);

  constructor(kinds: readonly SimulatedKind[], options: SimulatedNetworkOptions = {}) {
    this.maxWaitMs = options.maxWaitMs ?? 10_000;
    for (const kind of kinds) this.add(kind);
  }

  /** The IEEE address of the n-th device created (0x00158d00000000nn style, stable across runs). */
  private newDevice(kind: SimulatedKind): SimulatedZigbeeDevice {
    const n = this.nextAddress++;
    const ieee = `0x00158d00${n.toString(16).padStart(8, '0')}`;
    const device = new SimulatedZigbeeDevice(kind, ieee, 0x1000 + (n & 0xefff), (sender, endpoint, frame) =>
      this.fromDevice(sender, endpoint, frame),
    );
    device.onReboot = () => this.announce(device);
    return device;
  }

  /** A device already paired to the network: it joins when a controller that does not know it starts. */
  add(kind: SimulatedKind): SimulatedZigbeeDevice {
    const device = this.newDevice(kind);
    this.members.set(device.ieeeAddress, device);
    return device;
  }

  /** A new device in pairing mode: it joins as soon as joining is permitted. */
  pair(kind: SimulatedKind): SimulatedZigbeeDevice {
    const device = this.newDevice(kind);
    this.pairing.push(device);
    if (this.joinUntil > Date.now()) this.admitPairing();
    return device;
  }

  get all(): SimulatedZigbeeDevice[] {
    return [...this.members.values()];
  }

  device(ieee: string): SimulatedZigbeeDevice | undefined {
    return this.members.get(ieee);
  }

  byKind(kind: SimulatedKind): SimulatedZigbeeDevice {
    const device = this.all.find((member) => member.kind === kind);
    if (device === undefined) throw new Error(`no simulated ${kind} in the network`);
    return device;
  }

  /** A controller opened the network: it resumes the network formed before when the parameters match, else forms it anew (`reset`). */
  attach(adapter: SimulatedAdapter, formedBefore: string | undefined): 'resumed' | 'reset' {
    this.adapter = adapter;
    const options = adapter.options;
    const parameters = networkParameters(options.panID, options.extendedPanID, options.channelList, options.networkKey);
    const result = (this.formedWith ?? formedBefore) === parameters ? 'resumed' : 'reset';
    this.formedWith = parameters;
    return result;
  }

  detach(adapter: SimulatedAdapter): void {
    if (this.adapter === adapter) this.adapter = undefined;
  }

  /** Devices paired before that the controller does not know (yet) join now, one by one. */
  joinUnknown(known: (ieee: string) => boolean): void {
    for (const device of this.members.values())
      if (!known(device.ieeeAddress)) this.adapter?.announceJoin(device.ieeeAddress, device.networkAddress, device.mains);
  }

  /** The stick is pulled out: the adapter reports itself disconnected, and every call (a reopen too) fails until it is plugged in. */
  unplug(): void {
    this.fault = 'unplugged';
    this.adapter?.disconnect();
  }

  plugIn(): void {
    this.fault = undefined;
  }

  /** The device leaves the network (its user reset it). */
  leave(device: SimulatedZigbeeDevice): void {
    this.members.delete(device.ieeeAddress);
    this.adapter?.announceLeave(device.ieeeAddress, device.networkAddress);
  }

  /** The device (re)announces itself (power cycled). */
  announce(device: SimulatedZigbeeDevice): void {
    this.adapter?.announceJoin(device.ieeeAddress, device.networkAddress, device.mains);
  }

  permitJoin(seconds: number, networkAddress?: number): void {
    this.joinVia = networkAddress;
    this.joinUntil = seconds > 0 ? Date.now() + seconds * 1000 : 0;
    if (seconds > 0) setImmediate(() => this.admitPairing());
  }

  private admitPairing(): void {
    while (this.pairing.length > 0 && this.adapter !== undefined) {
      const device = this.pairing.shift() as SimulatedZigbeeDevice;
      this.members.set(device.ieeeAddress, device);
      this.adapter.announceJoin(device.ieeeAddress, device.networkAddress, device.mains);
    }
  }

  private fromDevice(device: SimulatedZigbeeDevice, endpoint: number, frame: Zcl.Frame): void {
    if (device.fault === 'silent' || this.adapter === undefined || !this.members.has(device.ieeeAddress)) return;
    // a bound command goes to its targets directly; the coordinator hears it when bound there (or nothing is bound)
    const toCoordinator = this.mesh.route(device, endpoint, frame, (target, targetEndpoint) =>
      this.zcl(target.ieeeAddress, targetEndpoint, frame),
    );
    if (toCoordinator) this.adapter.deliver(this.payloadFrom(device.ieeeAddress, endpoint, frame, 1));
  }

  /** A frame from a device as the adapter hands it to herdsman: its bytes, parsed again. */
  payloadFrom(ieee: string, endpoint: number, frame: Zcl.Frame, destinationEndpoint: number): ZclPayload {
    const device = this.members.get(ieee);
    const data = frame.toBuffer();
    this.frameCounter++;
    return {
      clusterID: frame.cluster.ID,
      address: device?.networkAddress ?? 0,
      header: Zcl.Header.fromBuffer(data),
      data,
      endpoint,
      linkquality: 200,
      groupID: 0,
      wasBroadcast: false,
      destinationEndpoint,
    };
  }

  zcl(ieee: string, endpoint: number, frame: Zcl.Frame): Zcl.Frame[] | undefined {
    const device = this.members.get(ieee);
    if (device === undefined) return undefined;
    return device.handle(endpoint, frame);
  }

  /** The answer to a ZDO request, as herdsman's ZDO parser reads it from the bytes (zdo-frames.ts); `silent` when the device does not answer. */
  zdo(ieee: string, networkAddress: number, clusterId: Zdo.ClusterId, payload: Buffer): unknown {
    const tsn = zdoTsn(payload);
    if (networkAddress === 0 || ieee === this.coordinatorIeee)
      return this.mesh.zdo(this.coordinatorIeee, clusterId, payload) ?? this.coordinatorZdo(clusterId, payload);
    const device = this.members.get(ieee);
    if (device === undefined || device.fault === 'silent') return 'silent';
    const meshAnswer = this.mesh.zdo(ieee, clusterId, payload);
    if (meshAnswer !== undefined) return meshAnswer;
    const model = device.model;
    switch (clusterId) {
      case Zdo.ClusterId.NODE_DESCRIPTOR_REQUEST:
        return zdoResponse.nodeDescriptor(tsn, {
          nwkAddress: networkAddress,
          logicalType: model.logicalType === 'router' ? 1 : 2,
          manufacturerCode: model.manufacturerCode,
        });
      case Zdo.ClusterId.ACTIVE_ENDPOINTS_REQUEST:
        return zdoResponse.activeEndpoints(
          tsn,
          networkAddress,
          model.endpoints.map((endpoint) => endpoint.id),
        );
      case Zdo.ClusterId.SIMPLE_DESCRIPTOR_REQUEST: {
        // [transaction sequence number, nwk address (2), endpoint]
        const endpoint = model.endpoints.find((candidate) => candidate.id === payload[3]);
        return zdoResponse.simpleDescriptor(
          tsn,
          endpoint === undefined
            ? undefined
            : {
                nwkAddress: networkAddress,
                endpoint: endpoint.id,
                profileId: endpoint.profileId,
                deviceId: endpoint.deviceId,
                inClusters: endpoint.inputs.map(clusterId_),
                outClusters: endpoint.outputs.map(clusterId_),
              },
        );
      }
      case Zdo.ClusterId.LEAVE_REQUEST:
        this.members.delete(ieee);
        return zdoResponse.status(clusterId, tsn);
      case Zdo.ClusterId.IEEE_ADDRESS_REQUEST:
      case Zdo.ClusterId.NETWORK_ADDRESS_REQUEST:
        return zdoResponse.address(clusterId, tsn, ieee, networkAddress);
      default:
        // permit joining and the like: taken
        return zdoResponse.status(clusterId, tsn);
    }
  }

  private coordinatorZdo(clusterId: Zdo.ClusterId, payload: Buffer): unknown {
    const tsn = zdoTsn(payload);
    switch (clusterId) {
      case Zdo.ClusterId.NODE_DESCRIPTOR_REQUEST:
        return zdoResponse.nodeDescriptor(tsn, { nwkAddress: 0, logicalType: 0, manufacturerCode: Zcl.ManufacturerCode.RESERVED_10 });
      case Zdo.ClusterId.ACTIVE_ENDPOINTS_REQUEST:
        return zdoResponse.activeEndpoints(tsn, 0, [1]);
      case Zdo.ClusterId.SIMPLE_DESCRIPTOR_REQUEST:
        return zdoResponse.simpleDescriptor(tsn, {
          nwkAddress: 0,
          endpoint: payload[3] ?? 1,
          profileId: 0x0104,
          deviceId: 0x0005,
          inClusters: [0, 6, 0x0a, 0x19, 0x0501],
          outClusters: [0, 3, 4, 5, 6, 8, 0x0300, 0x0500],
        });
      default:
        return zdoResponse.status(clusterId, tsn);
    }
  }
}

/** The parameters a coordinator forms its network with, as one comparable string. */
export function networkParameters(
  panId: number | undefined,
  extendedPanId: number[] | undefined,
  channels: number[] | undefined,
  key: number[] | undefined,
): string {
  return JSON.stringify([panId, extendedPanId, channels?.[0], key]);
}

function clusterId_(name: string): number {
  return Zcl.Utils.getCluster(name, undefined, {}).ID;
}
