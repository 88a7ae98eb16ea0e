/**
 * The Zigbee radio on a real zigbee-herdsman `Controller`, over a coordinator's serial port,
 * `tcp://host:port`, or the simulator (serial path `simulated:<name>`). Devices are described
 * by zigbee-herdsman-converters' definitions (definitions.ts): announced with their exposes as
 * capabilities once interviewed (or restored from herdsman's database), their messages turned
 * into state by the fromZigbee converters, commands carried out by the toZigbee converters.
 * Joins, interviews, announces, leaves: registry changes, `bridge/event`s, availability
 * (availability.ts); who may join: join-policy.ts; floods: report-throttle.ts; coordinator
 * backups: coordinator-backups.ts; binds, network map, reconfigure, options: zigbee-tools.ts.
 */
import { Controller, Zcl, type Events, type Models } from 'zigbee-herdsman';
// herdsman internals (not public API; checked against zigbee-herdsman 10.9.5)
import { Device as HerdsmanDevice, InterviewState } from 'zigbee-herdsman/dist/controller/model/device.js';
import { Group as HerdsmanGroup } from 'zigbee-herdsman/dist/controller/model/group.js';
import type { Definition } from 'zigbee-herdsman-converters';
import { zigbeeId } from '../../model/device-id.js';
import { describeError, ErrorCode, HearthError, isHearthError } from '../../errors.js';
import type { DeviceDetails, FaultScope, Radio, RadioDevice, RadioListener, SendOutcome } from '../radio.js';
import { RadioSkeleton } from '../radio-skeleton.js';
import { Availability } from './availability.js';
import { CoordinatorBackups } from './coordinator-backups.js';
import { HERDSMAN_SAVE_MS, writeDatabaseForFlash } from './database-writes.js';
import { applyGet, applySet, convertIncoming, resolveDefinition } from './definitions.js';
import { routeHerdsmanLogs } from './herdsman-logger.js';
import { askCoordinator, deviceFailure } from './failures.js';
import { joinHandler, OPEN_JOIN_POLICY, unlisted, type JoinRefusal } from './join-policy.js';
import { ReportThrottle } from './report-throttle.js';
import type { ZigbeeAccess } from './zigbee-access.js';
import { zigbeeDeviceDetails } from './zigbee-details.js';
import { zigbeeGroups } from './zigbee-groups.js';
import type { ControllerSettings, ZigbeeRadioOptions } from './zigbee-radio-options.js';
import { HerdsmanTools } from './zigbee-tools.js';
import { otaCapabilities } from './zigbee-ota.js';

type Device = Models.Device;
export type { ControllerSettings };

export type { ZigbeeRadioOptions };

interface Known {
  definition: Definition | undefined;
  supported: boolean;
  /** The state the converters last produced (converters read it, e.g. for a toggle). */
  state: Record<string, unknown>;
  /** Messages of this device are converted one after the other; a /get waits for its answers here. */
  chain: Promise<void>;
}

export class ZigbeeRadio extends RadioSkeleton<'zigbee'> implements Radio {
  private controller: Controller | undefined;
  databaseWrites: ReturnType<typeof writeDatabaseForFlash> | undefined; // herdsman's, skipped when unchanged (database-writes.ts)
  private readonly known = new Map<string, Known>();
  private availability: Availability | undefined;
  private throttle: ReportThrottle | undefined;
  private backups: CoordinatorBackups | undefined;
  /** Groups (zigbee-groups.ts) and `bridge/devices` fields (zigbee-details.ts) on the controller and the definitions known. */
  private readonly access: ZigbeeAccess = { controller: () => this.herdsman, known: (id) => this.known.get(id) };
  readonly groups = zigbeeGroups(this.access);
  readonly zigbee = new HerdsmanTools(this, this.log);

  constructor(private readonly options: ZigbeeRadioOptions) {
    super('zigbee', options.log);
  }

  /** `radios.zigbee.ota`, for the OTA tools (zigbee-ota.ts). */
  get otaSettings(): ZigbeeRadioOptions['ota'] {
    return this.options.ota;
  }

  /** A state change the tools make (an OTA update's `update`), handed to the device's actor. */
  reportState(deviceId: string, values: Record<string, unknown>): void {
    this.listener?.report(deviceId, values);
  }

  /** The controller, for the simulator, tests, the helpers on `access` and the tools (zigbee-tools.ts). */
  get herdsman(): Controller {
    if (this.controller === undefined) throw new Error('the Zigbee radio has not started');
    return this.controller;
  }

  async start(listener: RadioListener, signal: AbortSignal): Promise<void> {
    const { log } = this.options;
    this.starting(listener);
    routeHerdsmanLogs(this.options.herdsmanLog ?? log);
    const settings = typeof this.options.controller === 'function' ? await this.options.controller() : this.options.controller;
    const policy = this.options.joinPolicy ?? OPEN_JOIN_POLICY;
    const refused = (ieee: string, { reason, message }: JoinRefusal): void => {
      log.warn({ ieee_address: ieee, reason }, `Zigbee device ${ieee} refused: ${message}; sent away`);
      listener.event('device_refused', { id: zigbeeId(ieee), ieee_address: ieee, radio: 'zigbee', reason, message });
    };
    const known = (ieee: string): boolean => this.controller?.getDeviceByIeeeAddr(ieee) !== undefined;
    const devices = (): number => [...(this.controller?.getDevicesIterator((d) => d.type !== 'Coordinator') ?? [])].length;
    const controller = new Controller({ ...settings, acceptJoiningDeviceHandler: joinHandler(policy, { known, devices, refused }) });
    this.controller = controller;
    this.backups = new CoordinatorBackups(controller, settings.backupPath, log);
    const availability = new Availability({
      ...this.options.availability,
      ping: (id) => this.ping(id),
      changed: (id, online) => listener.availability(id, online),
    });
    this.availability = availability;
    this.throttle = new ReportThrottle(this.options.maxReportsPerS, (id, values) => listener.report(id, values));
    this.wire(controller, listener);
    try {
      const result = await controller.start(signal);
      log.info(
        { result, channel: settings.network.channelList[0], panId: settings.network.panID },
        `Zigbee coordinator started (${result})`,
      );
    } catch (error) {
      await controller.stop().catch(() => undefined);
      this.controller = undefined;
      this.stopping();
      const path = settings.serialPort.path ?? 'the auto-detected port';
      throw new HearthError(ErrorCode.RadioUnavailable, `the Zigbee radio could not start on ${path}: ${describeError(error)}`, {
        cause: error,
      });
    }
    this.databaseWrites = writeDatabaseForFlash(controller, this.options.databaseSaveIntervalMs ?? HERDSMAN_SAVE_MS);
    this.becameReady();
    // devices the lists no longer allow leave (as Zigbee2MQTT does); the others are announced
    for (const [ieee, refusal] of unlisted(
      policy,
      [...controller.getDevicesIterator((d) => d.type !== 'Coordinator')].map((d) => d.ieeeAddr),
    )) {
      refused(ieee, refusal);
      await this.forget(zigbeeId(ieee)).then(() => listener.deviceLeft(zigbeeId(ieee)));
    }
    for (const device of controller.getDevicesIterator((d) => d.type !== 'Coordinator' && d.interviewState === InterviewState.Successful))
      await this.describe(device);
    availability.start();
    this.backups.schedule(this.options.backupIntervalMs);
    this.options.afterStart?.(this);
  }

  private wire(controller: Controller, listener: RadioListener): void {
    const { log } = this.options;
    controller.on('deviceJoined', ({ device }) => {
      listener.deviceJoined(zigbeeId(device.ieeeAddr), { ieee_address: device.ieeeAddr });
    });
    controller.on('deviceInterview', ({ status, device }) => this.onInterview(status, device));
    controller.on('deviceAnnounce', ({ device }) => {
      const id = zigbeeId(device.ieeeAddr);
      listener.event('device_announce', { id, ieee_address: device.ieeeAddr });
      this.availability?.seen(id);
    });
    controller.on('deviceLeave', ({ ieeeAddr }) => {
      const id = zigbeeId(ieeeAddr);
      this.known.delete(id);
      this.availability?.forget(id);
      this.throttle?.forget(id);
      listener.deviceLeft(id);
    });
    controller.on('lastSeenChanged', ({ device }) => this.availability?.seen(zigbeeId(device.ieeeAddr)));
    controller.on('permitJoinChanged', ({ permitted, time }) =>
      listener.event('permit_join_changed', { radio: 'zigbee', value: permitted, ...(time === undefined ? {} : { time }) }),
    );
    controller.on('message', (message) => this.onMessage(message));
    controller.on('adapterDisconnected', () => {
      if (this.died(new HearthError(ErrorCode.RadioUnavailable, 'the Zigbee coordinator disconnected')))
        log.error('the Zigbee coordinator disconnected');
    });
  }

  onInterview(status: Events.DeviceInterviewPayload['status'], device: Device): void {
    const id = zigbeeId(device.ieeeAddr);
    const listener = this.listener;
    if (listener === undefined) return;
    if (status === 'started') {
      listener.event('device_interview', { id, ieee_address: device.ieeeAddr, status: 'started' });
      return;
    }
    if (status === 'failed') {
      this.options.log.warn({ device: id }, `Zigbee device ${id}: interview failed`);
      listener.event('device_interview', { id, ieee_address: device.ieeeAddr, status: 'failed' });
      return;
    }
    void this.describe(device, true)
      .then(async (known) => {
        const definition = known.definition;
        listener.event('device_interview', {
          id,
          ieee_address: device.ieeeAddr,
          status: 'successful',
          supported: known.supported,
          definition:
            definition === undefined ? null : { model: definition.model, vendor: definition.vendor, description: definition.description },
        });
        // as Zigbee2MQTT does once a device is interviewed: bind and configure reporting
        if (known.supported && definition?.configure !== undefined) {
          const coordinator = this.controller?.getDevicesByType('Coordinator')[0]?.endpoints[0];
          if (coordinator !== undefined) await definition.configure(device, coordinator, definition);
        }
      })
      .catch((error: unknown) =>
        this.options.log.warn({ err: error, device: id }, `Zigbee device ${id}: configuring failed: ${describeError(error)}`),
      );
  }

  /** Finds the device's definition and announces it with its capabilities. */
  private async describe(device: Device, fresh = false): Promise<Known> {
    const id = zigbeeId(device.ieeeAddr);
    const resolved = await resolveDefinition(device);
    const previous = this.known.get(id);
    const known: Known = {
      definition: resolved.definition,
      supported: resolved.supported,
      state: fresh ? {} : (previous?.state ?? {}),
      chain: previous?.chain ?? Promise.resolve(),
    };
    this.known.set(id, known);
    if (!resolved.supported)
      this.options.log.warn(
        { device: id, model: device.modelID, vendor: device.manufacturerName },
        `Zigbee device ${id} (${device.manufacturerName ?? '?'} ${device.modelID ?? '?'}) is not supported by zigbee-herdsman-converters; it gets generic capabilities from its clusters`,
      );
    const announced: RadioDevice = { id, capabilities: [...resolved.capabilities, ...otaCapabilities(resolved.definition)] };
    const model = resolved.supported ? resolved.definition?.model : device.modelID;
    const vendor = resolved.supported ? resolved.definition?.vendor : device.manufacturerName;
    if (model !== undefined) announced.model = model;
    if (vendor !== undefined) announced.vendor = vendor;
    if (device.softwareBuildID !== undefined) announced.firmware = device.softwareBuildID;
    const name = this.options.nameOf?.(device.ieeeAddr);
    if (name !== undefined) announced.name = name;
    this.listener?.deviceAnnounced(announced);
    const online = this.availability?.track(id, device.powerSource !== 'Battery' && device.type === 'Router', device.lastSeen) ?? true;
    this.listener?.availability(id, online);
    return known;
  }

  private onMessage(message: Events.MessagePayload): void {
    const id = zigbeeId(message.device.ieeeAddr);
    const known = this.known.get(id);
    if (known?.definition === undefined) return;
    const definition = known.definition;
    const publish = (values: Record<string, unknown>): void => this.throttle?.offer(id, values);
    known.chain = known.chain
      .then(async () => {
        const values = await convertIncoming(definition, message as never, known.state, publish);
        if (Object.keys(values).length === 0) return;
        Object.assign(known.state, values);
        this.throttle?.offer(id, { ...values, linkquality: message.linkquality });
      })
      .catch((error: unknown) =>
        this.options.log.warn({ err: error, device: id }, `Zigbee device ${id}: a message could not be converted: ${describeError(error)}`),
      );
  }

  device(deviceId: string): Device {
    const device = this.controller?.getDeviceByIeeeAddr(this.ownId(deviceId).ieeeAddress);
    if (device === undefined) throw this.notFound(deviceId);
    return device;
  }

  private definedDevice(deviceId: string): { device: Device; known: Known & { definition: Definition } } {
    this.requireReady();
    const device = this.device(deviceId);
    const known = this.known.get(deviceId);
    if (known?.definition === undefined) throw this.stillInterviewing(deviceId);
    return { device, known: known as Known & { definition: Definition } };
  }

  async send(deviceId: string, payload: Record<string, unknown>): Promise<SendOutcome> {
    const { device, known } = this.definedDevice(deviceId);
    const applied = (state: Record<string, unknown>): void => {
      if (Object.keys(state).length === 0) return;
      Object.assign(known.state, state);
      this.listener?.report(deviceId, state);
    };
    const operation = this.classified(deviceId, () =>
      applySet(known.definition, device, deviceId, payload, known.state, (values) => this.throttle?.offer(deviceId, values)),
    );
    // a sleeping end device: herdsman keeps a request it did not take and sends it at its next check-in
    if (device.type === 'EndDevice' && device.pendingRequestTimeout > 0) {
      let timer: NodeJS.Timeout | undefined;
      const asleep = new Promise<'asleep'>((resolve) => (timer = setTimeout(() => resolve('asleep'), this.options.sleepyAnswerMs ?? 5000)));
      const first = await Promise.race([operation, asleep]).finally(() => clearTimeout(timer));
      if (first === 'asleep') {
        this.followQueued(deviceId, operation, 'checked in', applied);
        return { status: 'queued' };
      }
      applied(first);
      return { status: 'done' };
    }
    applied(await operation);
    return { status: 'done' };
  }

  /** A `/get`: the converters read the attributes; resolves once their answers are state. */
  async read(deviceId: string, keys: readonly string[]): Promise<void> {
    const { device, known } = this.definedDevice(deviceId);
    await this.classified(deviceId, () =>
      applyGet(known.definition, device, deviceId, keys, known.state, (values) => this.throttle?.offer(deviceId, values)),
    );
    await known.chain;
  }

  /** Runs a device operation; a failure comes out coded by whose it is (failures.ts). */
  private async classified<T>(deviceId: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      if (isHearthError(error)) throw error;
      const coordinatorAnswers = await this.probe().then(
        () => true,
        () => false,
      );
      if (!coordinatorAnswers) this.lastError = describeError(error);
      throw deviceFailure(error, deviceId, coordinatorAnswers);
    }
  }

  async permitJoin(seconds: number, viaDeviceId?: string): Promise<void> {
    const controller = this.herdsman;
    const via = viaDeviceId === undefined ? undefined : this.device(viaDeviceId);
    if (via !== undefined && via.type !== 'Router')
      throw new HearthError(
        ErrorCode.CommandInvalid,
        `${viaDeviceId} is not a router: devices can only join through a router or the coordinator`,
      );
    // herdsman caps a window at 254 s; it closes it itself
    await controller.permitJoin(Math.min(254, Math.max(0, seconds)), via);
  }

  async forget(deviceId: string): Promise<void> {
    const device = this.device(deviceId);
    this.known.delete(deviceId);
    this.availability?.forget(deviceId);
    this.throttle?.forget(deviceId);
    try {
      await device.removeFromNetwork();
    } catch (error) {
      // it does not answer (gone, or asleep): it leaves herdsman's database anyway
      this.options.log.warn(
        { device: deviceId },
        `${deviceId} did not take the leave request (${describeError(error)}); removed from the database only`,
      );
      device.removeFromDatabase();
    }
  }

  /** A fresh coordinator backup (open-coordinator-backup format), as written to the state directory; its keys only when asked for. */
  async backup(options: { includeKeys?: boolean } = {}): Promise<unknown> {
    this.requireReady();
    return (this.backups as CoordinatorBackups).fresh(options);
  }

  async stop(): Promise<void> {
    this.stopping();
    this.failQueued(); // herdsman keeps a sleeping device's commands in memory only
    const backups = this.backups;
    backups?.stop();
    this.availability?.stop();
    this.throttle?.stop();
    const controller = this.controller;
    this.controller = undefined;
    this.known.clear();
    // herdsman's stop closes joining, saves the database and writes the coordinator backup
    await controller?.stop().catch((error: unknown) => {
      // a dead coordinator takes no backup (the database was saved); herdsman's stop left its caches: a restart reads the database
      this.options.log.warn({ err: error }, `the Zigbee controller did not stop cleanly: ${describeError(error)}`);
      HerdsmanDevice.resetCache();
      HerdsmanGroup.resetCache();
    });
    await backups?.protect();
    this.options.afterStop?.();
  }

  override faultScope(error: unknown): FaultScope {
    if (error instanceof Zcl.StatusError) return 'device';
    return super.faultScope(error);
  }

  /** Asks the coordinator for its version: a round trip to the stick that no device takes part in. */
  async probe(): Promise<void> {
    this.requireReady();
    await askCoordinator(this.herdsman, this.options.probeTimeoutMs ?? 5000);
    this.lastError = undefined; // it answers again
  }

  /** Reads one genBasic attribute (herdsman's ping); a sleeping battery device counts as answering. */
  async ping(deviceId: string): Promise<void> {
    const device = this.device(deviceId);
    if (device.type === 'EndDevice') return;
    try {
      await device.ping(true);
    } catch (error) {
      throw new HearthError(ErrorCode.DeviceUnreachable, `${deviceId} did not answer a ping: ${describeError(error)}`, { cause: error });
    }
  }

  deviceDetails(deviceId: string): DeviceDetails | undefined {
    return zigbeeDeviceDetails(this.access, deviceId);
  }

  protected healthDetail(): Record<string, unknown> {
    const unsupported = [...this.known.values()].filter((known) => !known.supported).length;
    return { devices: this.known.size, unsupported, merged_reports: this.throttle?.merged ?? 0 };
  }
}
