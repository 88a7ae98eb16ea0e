/**
 * A herdsman `Adapter` whose radio is the simulated network (simulated-network.ts) instead of a
 * coordinator on a serial port. herdsman's real `Controller` runs on top of it unchanged: its
 * interview, its request queues, its ZCL parsing, and zigbee-herdsman-converters above that.
 * ZCL goes both ways as real frames (`Zcl.Frame`, serialised and parsed again); ZDO requests are
 * answered with response bytes read by herdsman's own ZDO parser (zdo-frames.ts).
 *
 * NOT PUBLIC API: `zigbee-herdsman/dist/adapter/adapter` (the abstract `Adapter`) and the
 * shape of its methods are herdsman internals; this subclass was written and checked against
 * zigbee-herdsman 10.9.5. A herdsman upgrade must re-check it (the Zigbee tests fail loudly when
 * something moved).
 */
import { Adapter } from 'zigbee-herdsman/dist/adapter/adapter.js';
import type { ZclPayload } from 'zigbee-herdsman/dist/adapter/events.js';
import type * as TsType from 'zigbee-herdsman/dist/adapter/tstype.js';
import type { Backup } from 'zigbee-herdsman/dist/models/backup.js';
import { readFileSync } from 'node:fs';
import { Zcl, Zdo } from 'zigbee-herdsman';
import { networkParameters, type SimulatedNetworkCore } from './simulated-network.js';
import { zdoResponse } from './zdo-frames.js';
import { deliverGroupFrame } from './group-frames.js';

interface Waiter {
  matches(payload: ZclPayload): boolean;
  resolve(payload: ZclPayload): void;
}

/** An error a real adapter would throw when the coordinator does not answer or the send fails. */
export class SimulatedAdapterError extends Error {
  override readonly name = 'SimulatedAdapterError';
}

export class SimulatedAdapter extends Adapter {
  private readonly waiters = new Set<Waiter>();
  private started = false;

  constructor(
    private readonly network: SimulatedNetworkCore,
    networkOptions: TsType.NetworkOptions,
    serialPortOptions: TsType.SerialPortOptions,
    backupPath: string,
    adapterOptions: TsType.AdapterOptions,
  ) {
    super(networkOptions, serialPortOptions, backupPath, adapterOptions);
  }

  /** The network's parameters, as herdsman configured them. */
  get options(): TsType.NetworkOptions {
    return this.networkOptions;
  }

  /**
   * Every call into the coordinator goes through here: `fail` throws, `hang` answers nothing: the
   * call times out after its own timeout (capped at the network's `maxWaitMs`), or never returns
   * when it has none (a version query: the caller's own timeout must catch it).
   */
  private async coordinator(what: string, timeoutMs = 10_000): Promise<void> {
    const fault = this.network.fault;
    if (fault === 'fail') throw new SimulatedAdapterError(`simulated coordinator failure: ${what}`);
    // what serialport says when the stick is gone: a page or a log tells a pulled stick by it
    if (fault === 'unplugged')
      throw new SimulatedAdapterError(`Error: No such file or directory, cannot open the simulated stick (${what})`);
    if (fault === 'hang') {
      if (!Number.isFinite(timeoutMs)) await new Promise(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, Math.min(timeoutMs, this.network.maxWaitMs)).unref());
      throw new SimulatedAdapterError(`Timeout - the coordinator did not answer ${what} within ${timeoutMs} ms`);
    }
    if (!this.started && what !== 'start') throw new SimulatedAdapterError(`the coordinator is not started (${what})`);
  }

  async start(): Promise<TsType.StartResult> {
    await this.coordinator('start');
    this.started = true;
    return this.network.attach(this, this.formedBefore());
  }

  /**
   * The parameters of the network this coordinator formed on an earlier run, from the backup
   * herdsman wrote (a real coordinator keeps them in its NV memory): the simulated coordinator
   * resumes that network when they match what herdsman asks for.
   */
  private formedBefore(): string | undefined {
    try {
      const backup = JSON.parse(readFileSync(this.backupPath, 'utf8')) as {
        pan_id?: string;
        extended_pan_id?: string;
        channel?: number;
        network_key?: { key?: string };
      };
      const extended = backup.extended_pan_id === undefined ? undefined : [...Buffer.from(backup.extended_pan_id, 'hex')];
      const key = backup.network_key?.key === undefined ? undefined : [...Buffer.from(backup.network_key.key, 'hex')];
      return networkParameters(
        backup.pan_id === undefined ? undefined : parseInt(backup.pan_id, 16),
        extended,
        backup.channel === undefined ? undefined : [backup.channel],
        key,
      );
    } catch {
      return undefined;
    }
  }

  async stop(): Promise<void> {
    this.started = false;
    this.network.detach(this);
    // whoever still waits times out, as on a closed port
    this.waiters.clear();
    return Promise.resolve();
  }

  async getCoordinatorIEEE(): Promise<string> {
    await this.coordinator('getCoordinatorIEEE');
    return this.network.coordinatorIeee;
  }

  async getCoordinatorVersion(): Promise<TsType.CoordinatorVersion> {
    await this.coordinator('getCoordinatorVersion', Number.POSITIVE_INFINITY);
    return { type: 'hearth-simulated', meta: { revision: 1 } };
  }

  async reset(): Promise<void> {
    await this.coordinator('reset');
  }

  supportsBackup(): Promise<boolean> {
    return Promise.resolve(true);
  }

  async backup(ieeeAddressesInDatabase: string[]): Promise<Backup> {
    await this.coordinator('backup');
    const options = this.networkOptions;
    return {
      networkOptions: {
        panId: options.panID,
        extendedPanId: Buffer.from(options.extendedPanID ?? [0, 0, 0, 0, 0, 0, 0, 0]),
        channelList: options.channelList,
        networkKey: Buffer.from(options.networkKey ?? []),
        networkKeyDistribute: false,
      },
      logicalChannel: options.channelList[0] ?? 11,
      networkKeyInfo: { sequenceNumber: 0, frameCounter: this.network.frameCounter },
      securityLevel: 5,
      networkUpdateId: 0,
      coordinatorIeeeAddress: Buffer.from(this.network.coordinatorIeee.slice(2), 'hex'),
      devices: ieeeAddressesInDatabase
        .filter((ieee) => ieee !== this.network.coordinatorIeee)
        .map((ieee) => ({
          networkAddress: this.network.device(ieee)?.networkAddress ?? null,
          ieeeAddress: Buffer.from(ieee.slice(2), 'hex'),
          isDirectChild: true,
        })),
    };
  }

  async getNetworkParameters(): Promise<TsType.NetworkParameters> {
    await this.coordinator('getNetworkParameters');
    const extended = Buffer.from(this.networkOptions.extendedPanID ?? []).toString('hex');
    return {
      panID: this.networkOptions.panID,
      extendedPanID: `0x${extended}`,
      channel: this.networkOptions.channelList[0] ?? 11,
      nwkUpdateID: 0,
    };
  }

  async addInstallCode(): Promise<void> {
    await this.coordinator('addInstallCode');
  }

  waitFor(
    networkAddress: number,
    endpoint: number,
    frameType: Zcl.FrameType,
    direction: Zcl.Direction,
    transactionSequenceNumber: number | undefined,
    clusterId: number,
    commandId: number,
    _defaultRspCommandId: number | undefined,
    timeout: number,
  ): { promise: Promise<ZclPayload>; cancel: () => void } {
    let waiter: Waiter | undefined;
    let timer: NodeJS.Timeout | undefined;
    const promise = new Promise<ZclPayload>((resolve, reject) => {
      waiter = {
        matches: (payload) =>
          payload.address === networkAddress &&
          payload.endpoint === endpoint &&
          payload.clusterID === clusterId &&
          payload.header?.frameControl.frameType === frameType &&
          payload.header.frameControl.direction === direction &&
          payload.header.commandIdentifier === commandId &&
          (transactionSequenceNumber === undefined || payload.header.transactionSequenceNumber === transactionSequenceNumber),
        resolve: (payload) => {
          clearTimeout(timer);
          resolve(payload);
        },
      };
      this.waiters.add(waiter);
      timer = setTimeout(() => {
        if (waiter !== undefined) this.waiters.delete(waiter);
        reject(
          new SimulatedAdapterError(
            `Timeout - ${networkAddress} - ${endpoint} - cluster ${clusterId} - command ${commandId} after ${timeout} ms`,
          ),
        );
      }, timeout);
      timer.unref();
    });
    return {
      promise,
      cancel: () => {
        clearTimeout(timer);
        if (waiter !== undefined) this.waiters.delete(waiter);
      },
    };
  }

  /** A frame from a device reaches the coordinator: herdsman hears it, and whoever waits for it. */
  deliver(payload: ZclPayload): void {
    for (const waiter of this.waiters) {
      if (waiter.matches(payload)) {
        this.waiters.delete(waiter);
        waiter.resolve(payload);
      }
    }
    this.emit('zclPayload', payload);
  }

  /** A device joined (or rejoined) and announced itself. */
  announceJoin(ieeeAddr: string, networkAddress: number, router: boolean): void {
    this.emit('deviceJoined', { ieeeAddr, networkAddress });
    this.emit('zdoResponse', Zdo.ClusterId.END_DEVICE_ANNOUNCE, zdoResponse.announce(ieeeAddr, networkAddress, router) as never);
  }

  /** The serial port vanished: what a real adapter emits when it loses its stick. */
  disconnect(): void {
    this.started = false;
    this.emit('disconnected');
  }

  announceLeave(ieeeAddr: string, networkAddress: number): void {
    this.emit('deviceLeave', { ieeeAddr, networkAddress });
  }

  // herdsman overloads sendZdo on the cluster id; one implementation serves them all
  async sendZdo(
    ieeeAddress: string,
    networkAddress: number,
    clusterId: Zdo.ClusterId,
    payload: Buffer,
    disableResponse: boolean,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
  ): Promise<any> {
    await this.coordinator(`ZDO ${Zdo.ClusterId[clusterId]} to ${ieeeAddress}`);
    const response = this.network.zdo(ieeeAddress, networkAddress, clusterId, payload);
    if (response === 'silent') {
      if (disableResponse) return undefined;
      await new Promise((resolve) => setTimeout(resolve, this.network.maxWaitMs).unref());
      throw new SimulatedAdapterError(`Timeout - no ZDO ${Zdo.ClusterId[clusterId]} response from ${ieeeAddress} (${networkAddress})`);
    }
    return disableResponse ? undefined : response;
  }

  async permitJoin(seconds: number, networkAddress?: number): Promise<void> {
    await this.coordinator('permitJoin');
    this.network.permitJoin(seconds, networkAddress);
  }

  async sendZclFrameToEndpoint(
    ieeeAddr: string,
    networkAddress: number,
    endpoint: number,
    zclFrame: Zcl.Frame,
    timeout: number,
    disableResponse: boolean,
    _disableRecovery: boolean,
    sourceEndpoint?: number,
  ): Promise<ZclPayload | undefined> {
    await this.coordinator(`ZCL ${zclFrame.cluster.name}.${zclFrame.command.name} to ${ieeeAddr}`, timeout);
    // on the air: the device gets the frame as bytes and parses it, as a real one does
    const sent = zclFrame.toBuffer();
    const request = Zcl.Frame.fromBuffer(zclFrame.cluster.ID, Zcl.Header.fromBuffer(sent), sent, {});
    const responses = this.network.zcl(ieeeAddr, endpoint, request);
    if (responses === undefined)
      throw new SimulatedAdapterError(`Delivery failed for ${ieeeAddr} (${networkAddress}): no route to the device (MAC no ACK)`);
    const expected = this.expectedResponse(zclFrame);
    let answer: ZclPayload | undefined;
    for (const response of responses) {
      const payload = this.network.payloadFrom(ieeeAddr, endpoint, response, sourceEndpoint ?? 1);
      if (
        expected !== undefined &&
        response.header.commandIdentifier === expected.commandId &&
        response.header.isGlobal === expected.global
      )
        answer = payload;
      // a real adapter hands herdsman every frame it receives, the awaited response too (a read's answer becomes a message)
      this.deliver(payload);
    }
    if (disableResponse || expected === undefined) return undefined;
    if (answer !== undefined) return answer;
    await new Promise((resolve) => setTimeout(resolve, Math.min(timeout, this.network.maxWaitMs)).unref());
    throw new SimulatedAdapterError(
      `Timeout - ${ieeeAddr} - ${endpoint} - ${zclFrame.cluster.name}.${zclFrame.command.name} got no response within ${timeout} ms`,
    );
  }

  /** Which response a real adapter waits for: the command's own, or a default response unless it was turned off. */
  private expectedResponse(frame: Zcl.Frame): { commandId: number; global: boolean } | undefined {
    const command = frame.command as { response?: number };
    if (command.response !== undefined) return { commandId: command.response, global: frame.header.isGlobal };
    if (!frame.header.frameControl.disableDefaultResponse) return { commandId: Zcl.Foundation.defaultRsp.ID, global: true };
    return undefined;
  }

  /** One frame to a group; each member carries it out (group-frames.ts). */
  async sendZclFrameToGroup(groupId: number, zclFrame: Zcl.Frame): Promise<void> {
    await this.coordinator('sendZclFrameToGroup');
    deliverGroupFrame(this.network, this.network.all, groupId, zclFrame);
  }

  async sendZclFrameToAll(): Promise<void> {
    await this.coordinator('sendZclFrameToAll');
  }

  async setChannelInterPAN(): Promise<void> {
    await this.coordinator('setChannelInterPAN');
  }

  async sendZclFrameInterPANToIeeeAddr(): Promise<void> {
    await this.coordinator('sendZclFrameInterPANToIeeeAddr');
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- overloaded on disableResponse in herdsman
  async sendZclFrameInterPANBroadcast(): Promise<any> {
    await this.coordinator('sendZclFrameInterPANBroadcast');
    throw new SimulatedAdapterError('Timeout - no device answered the inter-PAN broadcast');
  }

  async restoreChannelInterPAN(): Promise<void> {
    await this.coordinator('restoreChannelInterPAN');
  }
}
