/**
 * A radio as a part of the hub: starts and stops it, and joins it to the devices part. Devices
 * the radio announces are registered (or their record updated: model, firmware, capabilities;
 * never the friendly name or options a user set), reports and availability go to each
 * device's actor, devices that leave are removed, and the devices part sends commands through
 * the radio. A report for a device the registry does not know is logged and dropped: a radio
 * announces a device before it reports.
 */
import type { Logger } from 'pino';
import type { DeviceRecord } from '../devices/device-record.js';
import { friendlyNameProblem } from '../devices/device-record.js';
import type { DeviceService } from '../devices/device-service.js';
import { describeError, ErrorCode, HearthError } from '../errors.js';
import type { Part, PartHealth } from '../lifecycle/part.js';
import type { Radio, RadioDevice, RadioListener } from './radio.js';

export interface RadioPartOptions {
  radio: Radio;
  devices: DeviceService;
  log: Logger;
  /** Publishes a `bridge/event`. */
  bridgeEvent(type: string, data: Record<string, unknown>): void;
}

/** What the bridge requests ask of the radios: joining and leaving. */
export interface RadioControl {
  permitJoin(seconds: number): Promise<void>;
  exclusion(seconds: number): Promise<void>;
}

/** permit_join and exclusion on every running radio that has them; RADIO_UNAVAILABLE when none does. */
export function radioControl(radios: readonly RadioPart[]): RadioControl {
  const running = () => radios.filter((part) => part.health().status !== 'stopped');
  return {
    permitJoin: async (seconds) => {
      const parts = running();
      if (parts.length === 0) throw new HearthError(ErrorCode.RadioUnavailable, 'no radio is running that devices could join');
      await Promise.all(parts.map((part) => part.radio.permitJoin(seconds)));
    },
    exclusion: async (seconds) => {
      const excluding = running().flatMap((part) => (part.radio.exclude === undefined ? [] : [part.radio.exclude(seconds)]));
      if (excluding.length === 0) throw new HearthError(ErrorCode.RadioUnavailable, 'no running radio takes devices out by exclusion (Z-Wave does)');
      await Promise.all(excluding);
    },
  };
}

export class RadioPart implements Part {
  readonly name: string;
  private started = false;
  /** Devices the radio itself reported gone: their removal needs no word to the radio. */
  private readonly leaving = new Set<string>();

  constructor(private readonly options: RadioPartOptions) {
    this.name = `radios.${options.radio.kind}`;
  }

  get radio(): Radio {
    return this.options.radio;
  }

  async start(signal: AbortSignal): Promise<void> {
    const { radio, devices, log } = this.options;
    await radio.start(this.listener(), signal);
    devices.onLifecycle((change) => {
      if (change.type !== 'removed' || change.record.radio !== radio.kind || !this.started) return;
      if (this.leaving.delete(change.record.id)) return;
      radio.forget(change.record.id).catch((error: unknown) => log.warn({ err: error, device: change.record.id }, `${radio.kind}: could not take ${change.record.id} out of the network: ${describeError(error)}`));
    });
    devices.attachRadio(radio.kind, {
      send: async (id, payload) => {
        const outcome = await radio.send(id, payload);
        if (outcome.status === 'queued') {
          throw new HearthError(ErrorCode.DeviceAsleepQueued, `${id} is asleep: the command waits in the ${radio.kind} radio's queue and is carried out when it wakes up`);
        }
      },
    });
    this.started = true;
  }

  private listener(): RadioListener {
    const { devices, log, radio } = this.options;
    const guarded =
      <A extends unknown[]>(what: string, fn: (...args: A) => unknown) =>
      (...args: A): void => {
        try {
          const result = fn(...args);
          if (result instanceof Promise) result.catch((error: unknown) => log.warn({ err: error }, `${radio.kind}: ${what} failed: ${describeError(error)}`));
        } catch (error) {
          log.warn({ err: error }, `${radio.kind}: ${what} failed: ${describeError(error)}`);
        }
      };
    return {
      deviceAnnounced: guarded('registering a device', (device: RadioDevice) => this.register(device)),
      deviceLeft: guarded('removing a device', async (id: string) => {
        const record = devices.device(id);
        if (record === undefined) return;
        this.leaving.add(id);
        await devices.removeDevice(id);
        this.options.bridgeEvent('device_leave', { id, friendly_name: record.friendlyName });
      }),
      report: guarded('a report', (id: string, values: Record<string, unknown>) => {
        if (devices.device(id) === undefined) {
          log.debug({ device: id }, `${radio.kind}: a report from a device not in the registry; dropped`);
          return;
        }
        return devices.report(id, values);
      }),
      availability: guarded('availability', (id: string, online: boolean) => {
        if (devices.device(id) !== undefined) devices.availability(id, online);
      }),
      event: (type, data) => this.options.bridgeEvent(type, data),
    };
  }

  /** Registers a new device, or updates what the radio knows of a known one. */
  private register(device: RadioDevice): void {
    const { devices, radio } = this.options;
    const known = devices.device(device.id);
    const record: DeviceRecord = { ...known, id: device.id, friendlyName: known?.friendlyName ?? this.nameFor(device), radio: radio.kind, capabilities: device.capabilities };
    for (const key of ['model', 'vendor', 'firmware'] as const) {
      const value = device[key];
      if (value !== undefined) record[key] = value;
    }
    devices.addDevice(record);
    if (known === undefined) this.options.bridgeEvent('device_joined', { id: device.id, friendly_name: record.friendlyName });
  }

  /** The device's own name when it is a valid friendly name and free, else its id. */
  private nameFor(device: RadioDevice): string {
    const name = device.name;
    if (name === undefined || friendlyNameProblem(name) !== undefined || this.options.devices.resolve(name) !== undefined) return device.id;
    return name;
  }

  async stop(): Promise<void> {
    this.started = false;
    this.options.devices.detachRadio(this.options.radio.kind);
    await this.options.radio.stop();
  }

  health(): PartHealth {
    if (!this.started) return { status: 'stopped' };
    return this.options.radio.health();
  }
}
