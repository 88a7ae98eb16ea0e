/**
 * The Z-Wave radio on a real zwave-js `Driver`, over a serial port, `tcp://host:port`, or the
 * simulator's mock serial binding. It announces every node once its interview is done (or
 * restored from zwave-js's cache), with capabilities from the node's values (value-mapping.ts);
 * turns value updates and notifications into reports; dead/alive into availability; inclusion
 * and exclusion into devices joining and leaving. Commands become `node.setValue` on the right
 * endpoint; a sleeping node's command is kept durably (queued-commands.ts) until it wakes up.
 */
import { isZWaveError } from '@zwave-js/core';
import { GetControllerIdRequest } from '@zwave-js/serial';
import { Driver, InclusionStrategy, NodeStatus, ZWaveErrorCodes, type ValueID, type ZWaveNode } from 'zwave-js';
import { zwaveId } from '../../model/device-id.js';
import { describeError, ErrorCode, HearthError } from '../../errors.js';
import { within } from '../../lifecycle/part.js';
import type { FaultScope, InclusionAnswer, Radio, RadioListener, SendOutcome } from '../radio.js';
import { RadioSkeleton } from '../radio-skeleton.js';
import { InclusionPrompts } from './inclusion-prompts.js';
import { PinoTransport } from './log-transport.js';
import { bindNode, valueIdKey, type NodeValue, type ValueBinding } from './value-mapping.js';
import { describeNode } from './node-description.js';
import { QueuedCommands } from './queued-commands.js';
import { nodeWrites, writeToNode } from './node-commands.js';
import { PendingCommands } from '../../store/pending-commands.js';
import { noteDriverDestroyed } from './expected-zwave-rejection.js';
import { JoinWindows } from './join-windows.js';
import { nodesAnnounced } from './nodes-announced.js';
import { zwaveToolkit } from './tools/zwave-toolkit.js';
import { NvmBackups } from './tools/nvm-backups.js';
import type { ZWaveRadioOptions } from './zwave-radio-options.js';

export type { ZWavePort, ZWaveRadioOptions } from './zwave-radio-options.js';

/** zwave-js errors that mean the controller or its port is sick, not one node. */
const RADIO_FAULTS = new Set<ZWaveErrorCodes>([
  ZWaveErrorCodes.Controller_Timeout, // no ACK, response or callback from the controller
  ZWaveErrorCodes.Controller_Jammed,
  ZWaveErrorCodes.Controller_Reset,
  ZWaveErrorCodes.Driver_Failed,
  ZWaveErrorCodes.Driver_NotReady,
  ZWaveErrorCodes.Driver_Destroyed,
  ZWaveErrorCodes.Driver_SerialPortClosed,
]);

/** zwave-js errors that mean one node did not take a command (no ACK, dead, timed out). */
const DEVICE_FAULTS = new Set<ZWaveErrorCodes>([
  ZWaveErrorCodes.Controller_CallbackNOK,
  ZWaveErrorCodes.Controller_NodeTimeout,
  ZWaveErrorCodes.Controller_ResponseNOK,
  ZWaveErrorCodes.Controller_MessageDropped,
  ZWaveErrorCodes.Controller_MessageExpired,
]);

export class ZWaveRadio extends RadioSkeleton<'zwave'> implements Radio {
  private driver: Driver | undefined;
  /** Resolves once every node of this start is ready (interviewed, or asleep with what it knows) or waits for a wake-up (nodes-announced.ts). */
  private allNodesReady: Promise<void> | undefined;
  /** The log transport of the current driver incarnation. */
  private driverTransport: PinoTransport | undefined;
  private readonly bindings = new Map<number, Map<string, ValueBinding>>();
  /** Open inclusion and exclusion windows and the timers that close them. */
  private readonly windows: JoinWindows;
  /** zwave-js's questions during an S2 inclusion, put to the user over bridge events. */
  readonly prompts = new InclusionPrompts((type, data) => this.listener?.event(type, data));

  private readonly queue: QueuedCommands;
  /** Configuration parameters, associations, node care, the NVM and firmware updates (tools/), for the bridge requests. */
  readonly zwaveTools: ReturnType<typeof zwaveToolkit>;
  private readonly nvm: NvmBackups;

  constructor(private readonly options: ZWaveRadioOptions) {
    super('zwave', options.log);
    const context = {
      driver: () => (this.requireReady(), this.zwave),
      node: (deviceId: string) => (this.requireReady(), this.node(deviceId)),
      idOf: (node: ZWaveNode) => this.idOf(node),
      event: ((type, data) => this.listener?.event(type, data)) as RadioListener['event'],
      report: (id: string, values: Record<string, unknown>) => this.listener?.report(id, values),
    };
    this.zwaveTools = zwaveToolkit(context, options.firmware);
    this.windows = new JoinWindows(options.log);
    this.queue =
      options.queuedCommands ?? new QueuedCommands({ store: new PendingCommands(undefined, options.log), maxAgeMs: 0, log: options.log });
    this.nvm = new NvmBackups(() => this.zwaveTools.backupNVM(), options.nvmBackup?.path, options.log);
    // no NVM backup configured (the simulator's mock controller has none): no backup in bridge/request/backup
    if (options.nvmBackup === undefined) Object.defineProperty(this, 'backup', { value: undefined });
  }

  /** The driver, for the simulator and tests. */
  get zwave(): Driver {
    if (this.driver === undefined) throw new Error('the Z-Wave radio has not started');
    return this.driver;
  }

  async start(listener: RadioListener, signal: AbortSignal): Promise<void> {
    const { log } = this.options;
    this.starting(listener);
    await this.queue.load();
    const driver = this.createDriver();
    this.driver = driver;
    let gaveUp: (error: unknown) => void = () => undefined;
    const failedToStart = new Promise<never>((_resolve, reject) => (gaveUp = reject));
    failedToStart.catch(() => undefined);
    driver.on('error', (error) => {
      this.lastError = describeError(error);
      log.error({ err: error }, `Z-Wave driver error: ${this.lastError}`);
      // Driver_Failed: the driver gave up and destroys itself (zwave-js does this when its serial port is gone for good)
      if (isZWaveError(error) && error.code === ZWaveErrorCodes.Driver_Failed) {
        noteDriverDestroyed();
        if (!this.died(error)) gaveUp(error);
      }
    });
    const ready = new Promise<void>((resolve) => driver.once('driver ready', resolve));
    this.allNodesReady = nodesAnnounced(driver, ready);
    try {
      await Promise.race([driver.start(), failedToStart]);
      const timeout = this.options.readyTimeoutMs ?? 60_000;
      await within(
        Promise.race([ready, failedToStart]),
        timeout,
        signal,
        () => new Error(`the Z-Wave controller did not get ready within ${timeout / 1000} s`),
      );
    } catch (error) {
      await this.destroyDriver(driver).catch(() => undefined);
      this.driver = undefined;
      this.stopping();
      throw new HearthError(
        ErrorCode.RadioUnavailable,
        `the Z-Wave radio could not start on ${typeof this.options.port === 'string' ? this.options.port : 'the simulator'}: ${describeError(error)}`,
        { cause: error },
      );
    }
    this.becameReady();
    this.followController(driver, listener);
    // the driver restarts its controller after an NVM restore: new controller and node objects to follow
    driver.on('driver ready', () => this.followController(driver, listener));
    if (this.options.nvmBackup !== undefined) this.nvm.schedule(this.options.nvmBackup.intervalMs);
    this.options.afterStart?.(driver);
  }

  /** Listens to the controller and its nodes (at start, and again when the driver restarted the controller). */
  private followController(driver: Driver, listener: RadioListener): void {
    const { log } = this.options;
    const controller = driver.controller;
    log.info({ homeId: controller.homeId?.toString(16), nodes: controller.nodes.size }, 'Z-Wave controller ready');
    controller.on('node added', (node) => {
      listener.deviceJoined(this.idOf(node), { node_id: node.id });
      this.follow(node);
      if (this.deviceLimit() !== undefined) void this.permitJoin(0).catch(() => undefined);
    });
    controller.on('node removed', (node) => {
      this.bindings.delete(node.id);
      void this.dropQueued(this.idOf(node), `${this.idOf(node)} left the Z-Wave network (excluded or removed)`);
      listener.deviceLeft(this.idOf(node));
    });
    controller.on('inclusion stopped', () => listener.event('permit_join_changed', { radio: 'zwave', value: false }));
    controller.on('exclusion started', () => listener.event('exclusion_changed', { radio: 'zwave', value: true }));
    controller.on('exclusion stopped', () => listener.event('exclusion_changed', { radio: 'zwave', value: false }));
    for (const node of controller.nodes.values()) if (!node.isControllerNode) this.follow(node);
    // commands kept for nodes that left the network while the hub was not running
    const present = new Set([...controller.nodes.values()].map((node) => this.idOf(node)));
    void this.queue
      .dropAbsent(present, (id, error) => listener.commandFailed?.(id, error))
      .catch((error: unknown) => log.warn({ err: error }, `could not write the queued Z-Wave commands: ${describeError(error)}`));
  }

  /** Drops what waits for a node that left the network, each with a `command_failed`. */
  private dropQueued(deviceId: string, why: string): Promise<void> {
    return this.queue
      .drop(deviceId, why, (error) => this.listener?.commandFailed?.(deviceId, error))
      .catch((error: unknown) =>
        this.options.log.warn({ err: error, device: deviceId }, `could not write the queued Z-Wave commands: ${describeError(error)}`),
      );
  }

  /** Every node this start knew is announced, but for those asleep before their interview is done (nodes-announced.ts). */
  announced(): Promise<void> {
    return this.allNodesReady ?? Promise.resolve();
  }

  /** A new Driver incarnation, its log going through a transport of its own. */
  private createDriver(): Driver {
    const { driverOptions, driverLog } = this.options;
    let logConfig = driverOptions.logConfig;
    if (driverLog !== undefined) {
      this.driverTransport = new PinoTransport(driverLog);
      logConfig = { ...logConfig, transports: [...(logConfig?.transports ?? []), this.driverTransport] };
    }
    return new Driver(this.options.port, {
      ...driverOptions,
      ...(logConfig === undefined ? {} : { logConfig }),
      inclusionUserCallbacks: this.prompts,
    });
  }

  /** Destroys a driver and closes its log transport with it. */
  private async destroyDriver(driver: Driver): Promise<void> {
    const transport = this.driverTransport;
    this.driverTransport = undefined;
    // what its last frames do after it is gone is no reason to stop the hub (expected-zwave-rejection.ts)
    noteDriverDestroyed();
    try {
      await driver.destroy();
    } finally {
      transport?.closeWithDriver();
    }
  }

  private idOf(node: ZWaveNode): string {
    return zwaveId(this.zwave.controller.homeId ?? 0, node.id);
  }

  /** Listens to one node; announces it when ready. */
  private follow(node: ZWaveNode): void {
    const listener = this.listener;
    if (listener === undefined) return;
    const id = this.idOf(node);
    const announce = (): void => {
      const values: NodeValue[] = node.getDefinedValueIDs().map((valueId) => ({ id: valueId, metadata: node.getValueMetadata(valueId) }));
      const bindings = bindNode(values);
      this.bindings.set(node.id, new Map(bindings.map((binding) => [valueIdKey(binding.valueId), binding])));
      listener.deviceAnnounced(describeNode(node, id, bindings));
      const state: Record<string, unknown> = {};
      for (const binding of bindings) {
        if (binding.read === undefined || binding.features.some((feature) => feature.property === 'action')) continue;
        const value = node.getValue(binding.valueId);
        if (value !== undefined) Object.assign(state, binding.read(value));
      }
      Object.assign(state, this.zwaveTools.firmware.stateOf(node));
      if (Object.keys(state).length > 0) listener.report(id, state);
      listener.availability(id, node.status !== NodeStatus.Dead);
      if (node.status !== NodeStatus.Asleep) this.deliverQueued(id);
    };
    const onValue = (valueId: ValueID, value: unknown): void => {
      const binding = this.bindings.get(node.id)?.get(valueIdKey(valueId));
      if (binding?.read === undefined) return;
      const values = binding.read(value);
      if (Object.keys(values).length > 0) listener.report(id, values);
    };
    node.on('ready', announce);
    node.on('value updated', (_node, args) => onValue(args, args.newValue));
    node.on('value notification', (_node, args) => onValue(args, args.value));
    node.on('value added', (_node, args) => {
      if (!node.ready) return;
      // a value the interview did not know: describe the node afresh
      if (!this.bindings.get(node.id)?.has(valueIdKey(args))) announce();
      else onValue(args, args.newValue);
    });
    node.on('wake up', () => this.deliverQueued(id));
    node.on('dead', () => listener.availability(id, false));
    node.on('alive', () => listener.availability(id, true));
    node.on('interview failed', (_node, args) => {
      this.options.log.warn({ node: node.id, error: args.errorMessage }, `Z-Wave node ${node.id}: interview failed: ${args.errorMessage}`);
      listener.event('device_interview', { id, status: 'failed', message: args.errorMessage });
    });
    node.on('interview completed', () => listener.event('device_interview', { id, status: 'successful' }));
    if (node.ready) announce();
  }

  private node(deviceId: string): ZWaveNode {
    const node = this.driver?.controller.nodes.get(this.ownId(deviceId).nodeId);
    if (node === undefined) throw this.notFound(deviceId);
    return node;
  }

  async send(deviceId: string, payload: Record<string, unknown>): Promise<SendOutcome> {
    this.requireReady();
    const node = this.node(deviceId);
    const writes = nodeWrites(node, this.bindingsOf(node, deviceId), deviceId, payload);
    if (node.status === NodeStatus.Asleep) {
      // kept until it wakes up, across stops and crashes (queued-commands.ts)
      await this.queue.hold(deviceId, payload);
      return { status: 'queued' };
    }
    await writeToNode(node, deviceId, writes);
    return { status: 'done' };
  }

  /** A node's value bindings; DEVICE_NOT_READY while its interview runs. */
  private bindingsOf(node: ZWaveNode, deviceId: string): Iterable<ValueBinding> {
    const known = this.bindings.get(node.id);
    if (known === undefined) throw this.stillInterviewing(deviceId);
    return known.values();
  }

  /** Carries out what waits for an awake node; a failure is a `command_failed` event. */
  private deliverQueued(deviceId: string): void {
    void this.queue.deliver(deviceId, {
      send: async (payload) => {
        this.requireReady();
        const node = this.node(deviceId);
        await writeToNode(node, deviceId, nodeWrites(node, this.bindingsOf(node, deviceId), deviceId, payload));
      },
      failed: (error) => this.listener?.commandFailed?.(deviceId, error),
      stopping: () => !this.isReady,
    });
  }

  /** Why no more devices may join (the network is full), or undefined. */
  private deviceLimit(): string | undefined {
    const max = this.options.maxDevices ?? Number.POSITIVE_INFINITY;
    const devices = this.zwave.controller.nodes.size - 1;
    return devices >= max ? `the Z-Wave network holds ${devices} devices, radios.zwave.maxDevices is ${max}` : undefined;
  }

  permitJoin(seconds: number): Promise<void> {
    const controller = this.zwave.controller;
    const full = seconds > 0 ? this.deviceLimit() : undefined;
    if (full !== undefined) return Promise.reject(new HearthError(ErrorCode.DeviceLimit, `inclusion not started: ${full}`));
    // S2 (or S0 where only that is supported) when keys are configured, else without security
    const keys = this.options.driverOptions.securityKeys ?? {};
    const secure = Object.values(keys).some((key) => key !== undefined);
    return this.windows.open(
      'inclusion',
      seconds,
      () => controller.beginInclusion(secure ? { strategy: InclusionStrategy.Default } : { strategy: InclusionStrategy.Insecure }),
      () => controller.stopInclusion(),
    );
  }

  answerInclusion(answer: InclusionAnswer): void {
    if ('grant' in answer) this.prompts.answerGrant(answer.grant);
    else this.prompts.answerDsk(answer.pin);
  }

  exclude(seconds: number): Promise<void> {
    const controller = this.zwave.controller;
    return this.windows.open(
      'exclusion',
      seconds,
      () => controller.beginExclusion(),
      () => controller.stopExclusion(),
    );
  }

  async forget(deviceId: string): Promise<void> {
    await this.dropQueued(deviceId, `${deviceId} was removed (device/remove)`);
    const node = this.node(deviceId);
    // only a node that no longer answers can be removed without its cooperation
    if (await this.zwave.controller.isFailedNode(node.id)) await this.zwave.controller.removeFailedNode(node.id);
    else this.options.log.warn({ device: deviceId }, `${deviceId} still answers: exclude it to take it out of the Z-Wave network`);
  }

  /** The controller's NVM, fresh (also written to the state directory). */
  backup(): Promise<unknown> {
    this.requireReady();
    return this.nvm.fresh();
  }

  async stop(): Promise<void> {
    this.nvm.stop();
    if (this.isReady && this.options.nvmBackup !== undefined) await this.nvm.write();
    this.stopping();
    this.prompts.close();
    this.windows.clear();
    const driver = this.driver;
    this.driver = undefined;
    if (driver !== undefined) await this.destroyDriver(driver);
    this.options.afterStop?.();
  }

  override faultScope(error: unknown): FaultScope {
    if (!isZWaveError(error)) return super.faultScope(error);
    // while routes are rebuilt the mesh is busy: a node's slowness then is no fault of its own
    if (DEVICE_FAULTS.has(error.code) && this.zwaveTools.meshBusy) return 'none';
    return RADIO_FAULTS.has(error.code) ? 'radio' : DEVICE_FAULTS.has(error.code) ? 'device' : 'none';
  }

  /** Asks the controller for its ids: a serial API round trip that no node takes part in. */
  async probe(): Promise<void> {
    this.requireReady();
    await this.zwave.sendMessage(new GetControllerIdRequest(), { supportCheck: false });
  }

  /** A NOP to the node (zwave-js's ping); a sleeping node counts as answering, it is not dead. */
  async ping(deviceId: string): Promise<void> {
    const node = this.node(deviceId);
    if (node.status === NodeStatus.Asleep) return;
    if (!(await node.ping())) throw new HearthError(ErrorCode.DeviceUnreachable, `${deviceId} did not answer a ping`);
  }

  protected healthDetail(): Record<string, unknown> {
    const statistics = Object.values(this.zwaveTools.allStatistics());
    const total = (key: 'commands_dropped_tx' | 'timeout_response'): number => statistics.reduce((sum, node) => sum + node[key], 0);
    return {
      nodes: this.zwave.controller.nodes.size - 1,
      mesh_busy: this.zwaveTools.meshBusy,
      commands_dropped_tx: total('commands_dropped_tx'),
      timeout_response: total('timeout_response'),
    };
  }
}
