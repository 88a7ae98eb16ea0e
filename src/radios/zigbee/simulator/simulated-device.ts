/**
 * One simulated Zigbee device: its addresses, its model (simulated-models.ts), live attribute
 * tables per endpoint, and the command handlers that change them (on/off, level, colour
 * temperature). It answers the ZCL frames herdsman sends it (read, write, configure reporting,
 * cluster commands) with response frames built by herdsman's own `Zcl.Frame`, reports
 * attribute changes as a real device does, and keeps every frame it received for tests. It can
 * be told to go silent (answers nothing), to fail (answers every command with FAILURE), or to
 * flood (a burst of reports).
 */
import { Zcl } from 'zigbee-herdsman';
import { simulatedModel, type SimulatedKind, type SimulatedModel } from './simulated-models.js';
import { groupsCommand } from './group-frames.js';
import { SimulatedOtaClient } from './ota-client.js';

/** A frame the device received, decoded. */
export interface ReceivedCommand {
  endpoint: number;
  cluster: string;
  command: string;
  payload: unknown;
}

/** How the device misbehaves: `silent` answers nothing, `fail` answers FAILURE. */
export type DeviceFault = 'silent' | 'fail' | undefined;

/** What the device sends on its own (a report, a button's command): handed to the network. */
export type Emit = (device: SimulatedZigbeeDevice, endpoint: number, frame: Zcl.Frame) => void;

type Frame = Zcl.Frame;

/**
 * The last ZCL transaction number each address sent, for the whole process. The converters drop a
 * frame whose transaction number its address used in the last 10 s (zigbee-herdsman-converters'
 * `hasAlreadyProcessedMessage`, a record of their own that lives as long as the process: a
 * remote's press, a meter's report): a real device goes on counting across the hub's restarts,
 * and so does a simulated one across the networks built in one process (a test worker builds the
 * same addresses again file after file; counting from 1 each time, a press repeated the last
 * file's number and was dropped). On `globalThis`: a test worker evaluates this module afresh for
 * every file, the converters only once.
 */
const lastTsn = ((globalThis as { [key: symbol]: unknown })[Symbol.for('hearth.simulatedZigbeeTsn')] ??= new Map()) as Map<string, number>;

const UNSUPPORTED_ATTRIBUTE = 0x86;
/** The firmware a simulated device with the OTA cluster runs before any update, and its image type. */
export const SIMULATED_FILE_VERSION = 0x01000000;
export const SIMULATED_IMAGE_TYPE = 0x2101;

export class SimulatedZigbeeDevice {
  readonly model: SimulatedModel;
  /** Attribute tables by endpoint id. */
  readonly attributes = new Map<number, Record<string, Record<string, unknown>>>();
  readonly received: ReceivedCommand[] = [];
  fault: DeviceFault;
  /** The OTA upgrade client (ota-client.ts), on a device whose model has the OTA cluster as a client. */
  readonly ota: SimulatedOtaClient | undefined;
  /** What the network does when the device reboots (it announces itself). */
  onReboot: () => void = () => undefined;

  constructor(
    readonly kind: SimulatedKind,
    readonly ieeeAddress: string,
    readonly networkAddress: number,
    private readonly emit: Emit,
  ) {
    this.model = simulatedModel(kind);
    for (const endpoint of this.model.endpoints) this.attributes.set(endpoint.id, structuredClone(endpoint.attributes));
    const otaEndpoint = this.model.endpoints.find((endpoint) => endpoint.outputs.includes('genOta'));
    this.ota =
      otaEndpoint === undefined
        ? undefined
        : new SimulatedOtaClient(
            {
              manufacturerCode: this.model.manufacturerCode,
              send: (command, payload) => this.command('genOta', command, payload, otaEndpoint.id),
              dropOut: () => (this.fault = 'silent'),
              rebooted: (fileVersion) => {
                const basic = this.attributes.get(otaEndpoint.id)?.genBasic;
                if (basic !== undefined) basic.swBuildId = `ota-${fileVersion}`;
                this.onReboot();
              },
            },
            { fileVersion: SIMULATED_FILE_VERSION, imageType: SIMULATED_IMAGE_TYPE },
          );
  }

  get mains(): boolean {
    return this.model.logicalType === 'router';
  }

  get firstEndpoint(): number {
    return (this.model.endpoints[0] as { id: number }).id;
  }

  /** The current value of an attribute (tests). */
  attribute(cluster: string, name: string, endpoint = this.firstEndpoint): unknown {
    return this.attributes.get(endpoint)?.[cluster]?.[name];
  }

  private nextTsn(): number {
    const tsn = ((lastTsn.get(this.ieeeAddress) ?? 0) + 1) & 0xff;
    lastTsn.set(this.ieeeAddress, tsn);
    return tsn;
  }

  /** Sets attributes and reports them, as a device does when its state changes. */
  report(cluster: string, values: Record<string, unknown>, endpoint = this.firstEndpoint): void {
    const table = (this.attributes.get(endpoint) ?? {})[cluster] ?? {};
    Object.assign(table, values);
    const clusterDef = Zcl.Utils.getCluster(cluster, this.model.manufacturerCode, {});
    const records = Object.entries(values).map(([name, value]) => {
      const attribute = Zcl.Utils.getClusterAttribute(clusterDef, name, this.model.manufacturerCode);
      if (attribute === undefined) throw new Error(`simulated ${this.kind}: no attribute ${cluster}.${name}`);
      return { attrId: attribute.ID, dataType: attribute.type, attrData: value };
    });
    const frame = Zcl.Frame.create(
      Zcl.FrameType.GLOBAL,
      Zcl.Direction.SERVER_TO_CLIENT,
      true,
      undefined,
      this.nextTsn(),
      'report',
      cluster,
      records,
      {},
    );
    this.emit(this, endpoint, frame);
  }

  /** Sends a cluster command to the coordinator (a remote's button press). */
  command(cluster: string, command: string, payload: Record<string, unknown> = {}, endpoint = this.firstEndpoint): void {
    const frame = Zcl.Frame.create(
      Zcl.FrameType.SPECIFIC,
      Zcl.Direction.CLIENT_TO_SERVER,
      true,
      undefined,
      this.nextTsn(),
      command,
      cluster,
      payload,
      {},
    );
    this.emit(this, endpoint, frame);
  }

  /** `count` reports of `cluster.attribute`, the value counting up from `from`, as fast as they can go. */
  flood(cluster: string, attribute: string, count: number, from = 0): void {
    for (let i = 0; i < count; i++) this.report(cluster, { [attribute]: from + i });
  }

  /**
   * Answers a frame herdsman sent: the response frames (none when silent, or when the command
   * has no response and no default response was asked for). State changes are reported after.
   */
  handle(endpoint: number, request: Frame): Frame[] {
    const header = request.header;
    this.received.push({ endpoint, cluster: request.cluster.name, command: request.command.name, payload: request.payload });
    if (this.fault === 'silent') return [];
    const table = this.attributes.get(endpoint) ?? {};
    const cluster = request.cluster;
    const answer = (command: string, payload: unknown, frameType = Zcl.FrameType.GLOBAL): Frame =>
      Zcl.Frame.create(
        frameType,
        Zcl.Direction.SERVER_TO_CLIENT,
        true,
        header.manufacturerCode,
        header.transactionSequenceNumber,
        command,
        cluster.name,
        payload,
        {},
      );
    const failed = this.fault === 'fail';
    if (header.isGlobal) {
      const records = request.payload as { attrId: number; attrData?: unknown }[];
      switch (request.command.name) {
        case 'read':
          return [
            answer(
              'readRsp',
              records.map(({ attrId }) => {
                const attribute = Zcl.Utils.getClusterAttribute(cluster, attrId, header.manufacturerCode);
                const value = attribute === undefined ? undefined : table[cluster.name]?.[attribute.name];
                if (failed || attribute === undefined || value === undefined) return { attrId, status: UNSUPPORTED_ATTRIBUTE };
                return { attrId, status: Zcl.Status.SUCCESS, dataType: attribute.type, attrData: value };
              }),
            ),
          ];
        case 'write':
        case 'writeUndiv':
          if (!failed) {
            for (const { attrId, attrData } of records) {
              const attribute = Zcl.Utils.getClusterAttribute(cluster, attrId, header.manufacturerCode);
              if (attribute !== undefined) (table[cluster.name] ??= {})[attribute.name] = attrData;
            }
          }
          return [answer('writeRsp', [{ status: failed ? Zcl.Status.FAILURE : Zcl.Status.SUCCESS }])];
        case 'configReport':
          return [answer('configReportRsp', [{ status: failed ? Zcl.Status.FAILURE : Zcl.Status.SUCCESS }])];
        default:
          return header.frameControl.disableDefaultResponse
            ? []
            : [answer('defaultRsp', { cmdId: header.commandIdentifier, statusCode: Zcl.Status.UNSUP_COMMAND })];
      }
    }
    if (cluster.name === 'genOta' && this.ota?.handle(request) === true) return [];
    if (cluster.name === 'genGroups') {
      const groupAnswer = groupsCommand(this, endpoint, request, failed);
      if (groupAnswer !== undefined) return [groupAnswer];
    }
    const changed = failed ? undefined : this.apply(table, cluster.name, request.command.name, request.payload as Record<string, unknown>);
    const frames: Frame[] = [];
    if (!header.frameControl.disableDefaultResponse) {
      const status = failed ? Zcl.Status.FAILURE : changed === undefined ? Zcl.Status.UNSUP_COMMAND : Zcl.Status.SUCCESS;
      frames.push(answer('defaultRsp', { cmdId: header.commandIdentifier, statusCode: status }));
    }
    if (changed !== undefined && Object.keys(changed).length > 0) {
      // a real light reports what the command changed (it is bound and configured to)
      queueMicrotask(() => {
        for (const [clusterName, values] of Object.entries(changed)) this.report(clusterName, values, endpoint);
      });
    }
    return frames;
  }

  /** Carries out a cluster command on the attribute table; the attributes it changed, or undefined when unknown. */
  private apply(
    table: Record<string, Record<string, unknown>>,
    cluster: string,
    command: string,
    payload: Record<string, unknown>,
  ): Record<string, Record<string, unknown>> | undefined {
    const onOff = table.genOnOff;
    const level = table.genLevelCtrl;
    const set = (clusterName: string, values: Record<string, unknown>): Record<string, Record<string, unknown>> => {
      Object.assign((table[clusterName] ??= {}), values);
      return { [clusterName]: values };
    };
    if (cluster === 'genOnOff' && onOff !== undefined) {
      if (command === 'on' || command === 'onWithTimedOff') return set('genOnOff', { onOff: 1 });
      if (command === 'off' || command === 'offWithEffect') return set('genOnOff', { onOff: 0 });
      if (command === 'toggle') return set('genOnOff', { onOff: onOff.onOff === 1 ? 0 : 1 });
    }
    if (cluster === 'genLevelCtrl' && level !== undefined) {
      if (command === 'moveToLevel' || command === 'moveToLevelWithOnOff') {
        const target = Math.max(1, Math.min(254, Number(payload.level)));
        const changed = set('genLevelCtrl', { currentLevel: target });
        if (command === 'moveToLevelWithOnOff' && onOff !== undefined)
          Object.assign(changed, set('genOnOff', { onOff: Number(payload.level) > 0 ? 1 : 0 }));
        return changed;
      }
      if (command === 'step' || command === 'stepWithOnOff') {
        const delta = (payload.stepmode === 0 ? 1 : -1) * Number(payload.stepsize);
        return set('genLevelCtrl', { currentLevel: Math.max(1, Math.min(254, Number(level.currentLevel) + delta)) });
      }
      if (command === 'stop' || command === 'stopWithOnOff' || command === 'move' || command === 'moveWithOnOff') return {};
    }
    if (cluster === 'lightingColorCtrl' && table.lightingColorCtrl !== undefined) {
      if (command === 'moveToColorTemp') return set('lightingColorCtrl', { colorTemperature: Number(payload.colortemp), colorMode: 2 });
      if (command === 'stopMoveStep') return {};
    }
    if (cluster === 'genIdentify' || cluster === 'genScenes' || cluster === 'genGroups') return {};
    return undefined;
  }
}
