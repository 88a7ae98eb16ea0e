/**
 * The GPIO radio: the pins declared in `radios.gpio.devices`, each a device with the id
 * `gpio:0:<BCM line>`, on a pin backend (onoff over sysfs, or the demo's in-process pins).
 * Outputs (relay, LED) take `state` ON/OFF/TOGGLE and start at their configured or restored
 * state; inputs report `action`, `contact` or `occupancy` (gpio-devices.ts). Nothing joins or
 * leaves: devices come and go with the config. The only radio-wide failures are the sysfs tree
 * vanishing and I/O errors (EIO); a refused command is nobody's fault.
 */
import type { Logger } from 'pino';
import type { GpioDeviceConfig, HearthConfig } from '../../config/schema.js';
import { describeError, ErrorCode, HearthError, isHearthError } from '../../errors.js';
import type { FaultScope, Radio, RadioListener, SendOutcome } from '../radio.js';
import { RadioSkeleton } from '../radio-skeleton.js';
import type { BoardProfile } from '../../hardware/board-profile.js';
import { capabilitiesOf, inputLogic, isOutput, type InputLogic } from './gpio-devices.js';
import type { OutputPin, PinBackend } from './pin-backend.js';
import { planPins, type PlannedPin } from '../../config/pin-plan.js';

export type GpioConfig = HearthConfig['radios']['gpio'];

export interface GpioRadioOptions {
  config: GpioConfig;
  /** The board's profile (detected, configured, or the simulation's). */
  board: () => Promise<BoardProfile>;
  /** A fresh backend for each start. */
  backend: (profile: BoardProfile) => PinBackend;
  log: Logger;
  /** The `state` the hub kept for a device (its actor's), for outputs that restore it. */
  restoredState?: (id: string) => Promise<unknown>;
}

interface OpenOutput {
  pin: PlannedPin;
  output: OutputPin;
  state: 'ON' | 'OFF';
}

/** The least time an input is left to settle before its level at start is read. */
const SETTLE_MS = 50;

/** A backend's failure as the radio's coded error (a HearthError passes as it is). */
function ioFailure(what: string, error: unknown): HearthError {
  return isHearthError(error) ? error : new HearthError(ErrorCode.GpioIoFailed, `${what}: ${describeError(error)}`, { cause: error });
}

const RADIO_CODES: ReadonlySet<string> = new Set([ErrorCode.GpioIoFailed, ErrorCode.GpioSysfsMissing]);

export class GpioRadio extends RadioSkeleton<'gpio'> implements Radio {
  private backend: PinBackend | undefined;
  private pins = new Map<string, PlannedPin>();
  private readonly outputs = new Map<string, OpenOutput>();
  private readonly inputs: InputLogic[] = [];

  constructor(private readonly options: GpioRadioOptions) {
    super('gpio', options.log);
  }

  async start(listener: RadioListener, _signal: AbortSignal): Promise<void> {
    const { config, log } = this.options;
    this.starting(listener);
    const profile = await this.options.board();
    const planned = planPins(config.devices, profile);
    const backend = this.options.backend(profile);
    this.backend = backend;
    await backend.open();
    log.info({ board: profile.id, pins: planned.length }, `gpio: ${profile.name}, ${backend.description}`);
    for (const pin of planned) {
      if (pin.caution !== undefined) log.warn({ device: pin.id }, `gpio: GPIO${pin.line} (${pin.device.type}): ${pin.caution}`);
      this.pins.set(pin.id, pin);
      listener.deviceAnnounced({
        id: pin.id,
        vendor: 'hearth',
        model: `GPIO ${pin.device.type}`,
        capabilities: capabilitiesOf(pin.device),
        ...(pin.device.name === undefined ? {} : { name: pin.device.name }),
      });
      if (isOutput(pin.device)) await this.openOutput(pin, backend, listener);
      else await this.openInput(pin, backend, listener);
      listener.availability(pin.id, true);
    }
    this.becameReady();
  }

  private async initialOf(pin: PlannedPin): Promise<'ON' | 'OFF'> {
    const { initial } = pin.device;
    if (initial === 'on') return 'ON';
    if (initial === 'off') return 'OFF';
    const kept = await this.options.restoredState?.(pin.id).catch(() => undefined);
    return kept === 'ON' ? 'ON' : 'OFF';
  }

  private async openOutput(pin: PlannedPin, backend: PinBackend, listener: RadioListener): Promise<void> {
    const state = await this.initialOf(pin);
    const output = await backend.output(pin.line, { activeLow: pin.device.activeLow, initial: state === 'ON' ? 1 : 0 });
    this.outputs.set(pin.id, { pin, output, state });
    listener.report(pin.id, { state });
  }

  private async openInput(pin: PlannedPin, backend: PinBackend, listener: RadioListener): Promise<void> {
    const { config } = this.options;
    const device: GpioDeviceConfig = pin.device;
    const logic = inputLogic(
      device,
      {
        doubleClickMs: device.doubleClickMs ?? config.doubleClickMs,
        longPressMs: device.longPressMs ?? config.longPressMs,
        occupancyHoldS: device.occupancyHoldS ?? config.occupancyHoldS,
      },
      (values) => listener.report(pin.id, values),
    );
    const debounceMs = device.debounceMs ?? config.debounceMs;
    let edgeSeen = false;
    const input = await backend.input(pin.line, {
      activeLow: device.activeLow,
      debounceMs,
      onEdge: (value) => {
        edgeSeen = true;
        logic.level(value);
      },
      onError: (error) =>
        listener.failed(
          new HearthError(ErrorCode.GpioIoFailed, `GPIO${pin.line}: watching the line failed: ${describeError(error)}`, { cause: error }),
        ),
    });
    // the level at start is taken once the freshly configured line had time to settle (as an
    // edge is, after the debounce); an edge meanwhile has already said it. The radio may still be
    // opening its other pins then (sysfs exports are slow on a busy board): the level is reported
    // all the same, as the outputs' states are while starting; only a stopped radio says nothing
    const settle = setTimeout(
      () => {
        if (!edgeSeen && this.phase !== 'stopped') logic.initial(input.read());
      },
      Math.max(debounceMs, SETTLE_MS),
    );
    this.inputs.push({ ...logic, stop: () => (clearTimeout(settle), logic.stop()) });
  }

  async stop(): Promise<void> {
    this.stopping();
    for (const logic of this.inputs.splice(0)) logic.stop();
    this.outputs.clear();
    this.pins = new Map();
    const backend = this.backend;
    this.backend = undefined;
    await backend?.close();
  }

  async send(deviceId: string, payload: Record<string, unknown>): Promise<SendOutcome> {
    this.requireReady();
    const open = this.outputs.get(deviceId);
    if (open === undefined) {
      if (this.pins.has(deviceId))
        throw new HearthError(
          ErrorCode.CommandInvalid,
          `${deviceId} is an input (${this.pins.get(deviceId)?.device.type}): it takes no commands`,
        );
      throw new HearthError(ErrorCode.DeviceNotFound, `${deviceId} is not a configured GPIO pin`);
    }
    const keys = Object.keys(payload).filter((key) => key !== 'state');
    if (keys.length > 0)
      throw new HearthError(
        ErrorCode.CommandInvalid,
        `${deviceId}: a GPIO ${open.pin.device.type} takes only state, not ${keys.join(', ')}`,
      );
    const wanted = String(payload.state).toUpperCase();
    const state = wanted === 'TOGGLE' ? (open.state === 'ON' ? 'OFF' : 'ON') : wanted;
    if (state !== 'ON' && state !== 'OFF')
      throw new HearthError(ErrorCode.CommandInvalid, `${deviceId}: state must be ON, OFF or TOGGLE, got ${JSON.stringify(payload.state)}`);
    await open.output.write(state === 'ON' ? 1 : 0).catch((error: unknown) => {
      throw ioFailure(`GPIO${open.pin.line}: writing the value failed`, error);
    });
    open.state = state;
    this.listener?.report(deviceId, { state });
    return { status: 'done' };
  }

  /** Nothing joins a GPIO radio: its devices are the configured pins. */
  async permitJoin(_seconds: number): Promise<void> {}

  /** The pin stays configured; the device comes back at the next start unless the config drops it. */
  forget(deviceId: string): Promise<void> {
    this.options.log.info(
      { device: deviceId },
      `gpio: ${deviceId} was removed; it returns at the next start unless radios.gpio.devices drops it`,
    );
    return Promise.resolve();
  }

  protected healthDetail(): Record<string, unknown> {
    return { pins: this.pins.size, backend: this.backend?.description };
  }

  /** I/O failures and a vanished sysfs tree are the radio's; everything else as the hub says. */
  override faultScope(error: unknown): FaultScope {
    if (isHearthError(error) && RADIO_CODES.has(error.code)) return 'radio';
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'EIO' || code === 'ENOENT') return 'radio';
    return super.faultScope(error);
  }

  /** The sysfs tree is still there. */
  async probe(): Promise<void> {
    this.requireReady();
    await (this.backend as PinBackend).probe().catch((error: unknown) => {
      throw ioFailure('the GPIO pins do not answer', error);
    });
  }

  /** The pin's value can be read. */
  async ping(deviceId: string): Promise<void> {
    const pin = this.pins.get(deviceId);
    if (pin === undefined || this.backend === undefined)
      throw new HearthError(ErrorCode.DeviceNotFound, `${deviceId} is not a configured GPIO pin`);
    await this.backend.ping(pin.line).catch((error: unknown) => {
      throw ioFailure(`GPIO${pin.line} cannot be read`, error);
    });
  }
}
