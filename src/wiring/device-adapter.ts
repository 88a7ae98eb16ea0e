/**
 * The adapter between a radio and the devices part. Devices the radio announces are
 * registered (or their record updated: model, firmware, capabilities; never the friendly name
 * or options a user set), reports and availability go to each device's actor, devices that
 * leave are removed, and the devices part sends commands, pings and reads through the radio's
 * guard (its breaker and bulkhead, src/resilience/radio-guard.ts). A report for a device the
 * registry does not know is logged and dropped: a radio announces a device before it reports.
 */
import type { Logger } from 'pino';
import type { DeviceService } from '../devices/device-service.js';
import { describeError, ErrorCode, HearthError } from '../errors.js';
import type { DeviceRecord } from '../model/device-record.js';
import { friendlyNameProblem, nameMessage } from '../model/name-rule.js';
import type { Radio, RadioDevice, RadioListener } from '../radios/radio.js';
import type { RadioGuard } from '../resilience/radio-guard.js';
import { emitBridgeEvent } from './bridge-event.js';

export interface RadioDeviceAdapterOptions {
  radio: Radio;
  devices: DeviceService;
  log: Logger;
  guard: RadioGuard;
  /** Whether the radio is running: only then do commands, pings, reads and removals reach it. */
  running: () => boolean;
  /** The RADIO_UNAVAILABLE error a command gets while the radio is not running. */
  unavailable: () => HearthError;
  /** The running radio died: it is restarted. */
  failed: (error: unknown) => void;
  /** Whether the hub is stopping the radio (not a restart after a failure). */
  stopping?: () => boolean;
}

/**
 * An event the stop of a radio itself causes (herdsman's stop closes joining, zwave-js's
 * destroy ends an inclusion): it says nothing a consumer needs, and published after the link
 * has gone it would wait in the outbox and be replayed at the next start as if it were news.
 */
function causedByStop(type: string, data: unknown): boolean {
  return (type === 'permit_join_changed' || type === 'exclusion_changed') && (data as { value?: unknown }).value === false;
}

export class RadioDeviceAdapter {
  /** Devices the radio itself reported gone: their removal needs no word to the radio. */
  private readonly leaving = new Set<string>();
  /** Devices whose join the radio reported, not registered yet. */
  private readonly joined = new Set<string>();

  constructor(private readonly options: RadioDeviceAdapterOptions) {}

  /** Joins the radio to the devices part, as `owner` on the hub's event bus. */
  attach(owner: string): void {
    const { radio, devices, log, guard, running, unavailable } = this.options;
    devices.events.on(owner, 'device.removed', ({ record }) => {
      if (record.radio !== radio.kind || !running()) return;
      if (this.leaving.delete(record.id)) return;
      radio
        .forget(record.id)
        .catch((error: unknown) =>
          log.warn(
            { err: error, device: record.id },
            `${radio.kind}: could not take ${record.id} out of the network: ${describeError(error)}`,
          ),
        );
    });
    devices.attachRadio(radio.kind, {
      send: async (id, payload) => {
        if (!running()) throw unavailable();
        const outcome = await guard.run(id, () => radio.send(id, payload));
        if (outcome.status === 'queued') {
          throw new HearthError(
            ErrorCode.DeviceAsleepQueued,
            `${id} is asleep: the command waits in the ${radio.kind} radio's queue and is carried out when it wakes up`,
          );
        }
      },
      ping: async (id) => {
        if (!running()) throw unavailable();
        await guard.run(`ping ${id}`, () => radio.ping(id));
      },
      faultScope: (error) => radio.faultScope(error),
      read: async (id, keys) => {
        if (!running()) throw unavailable();
        // a read is a device request like a command: it goes through the radio's breaker too
        await guard.run(`read ${id}`, () => radio.read?.(id, keys) ?? Promise.resolve());
      },
    });
  }

  /** What the radio tells the hub while it runs. */
  listener(): RadioListener {
    const { devices, log, radio } = this.options;
    const guarded =
      <A extends unknown[]>(what: string, fn: (...args: A) => unknown) =>
      (...args: A): void => {
        try {
          const result = fn(...args);
          if (result instanceof Promise)
            result.catch((error: unknown) => log.warn({ err: error }, `${radio.kind}: ${what} failed: ${describeError(error)}`));
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
        emitBridgeEvent(devices, 'device_leave', { id, friendly_name: record.friendlyName });
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
      deviceJoined: guarded('a join', (id: string, details: { ieee_address?: string; node_id?: number } = {}) => {
        this.joined.add(id);
        emitBridgeEvent(devices, 'device_joined', {
          id,
          friendly_name: devices.device(id)?.friendlyName ?? id,
          radio: radio.kind,
          ...details,
        });
      }),
      event: (type, data) => {
        if (this.options.stopping?.() === true && causedByStop(type, data)) {
          log.debug({ type, data }, `${radio.kind}: not published: the radio's stop caused it`);
          return;
        }
        emitBridgeEvent(devices, type, data);
      },
      commandFailed: (id, error) =>
        emitBridgeEvent(devices, 'command_failed', {
          device: devices.device(id)?.friendlyName ?? id,
          code: error.code,
          message: error.message,
        }),
      failed: (error) => this.options.failed(error),
    };
  }

  /** Registers a new device, or updates what the radio knows of a known one. */
  private register(device: RadioDevice): void {
    const { devices, radio } = this.options;
    const known = devices.device(device.id);
    const named = known === undefined ? this.nameFor(device) : { name: known.friendlyName };
    const record: DeviceRecord = {
      ...known,
      id: device.id,
      friendlyName: named.name,
      radio: radio.kind,
      capabilities: device.capabilities,
    };
    for (const key of ['model', 'vendor', 'firmware'] as const) {
      const value = device[key];
      if (value !== undefined) record[key] = value;
    }
    devices.addDevice(record);
    if (known !== undefined) return;
    const refused = named.refused === undefined ? {} : { refused_name: named.refused };
    // a radio that says when a device joins has said so already (a name it carries is known only
    // after its interview, so its refusal is an event of its own); a GPIO pin from config joins here
    if (!this.joined.delete(device.id))
      emitBridgeEvent(devices, 'device_joined', { id: device.id, friendly_name: record.friendlyName, radio: radio.kind, ...refused });
    else if (named.refused !== undefined)
      emitBridgeEvent(devices, 'device_name_refused', { id: device.id, friendly_name: record.friendlyName, refused_name: named.refused });
  }

  /**
   * A new device's friendly name: the name it carries itself when the name rule allows it and
   * no other device has it, else its id. A refused name is logged (once: only a new device is
   * named here) and said in its `device_joined` event.
   */
  private nameFor(device: RadioDevice): { name: string; refused?: { code: ErrorCode; message: string } } {
    const name = device.name;
    if (name === undefined) return { name: device.id };
    const problem = friendlyNameProblem(name, device.id);
    const holder = problem === undefined ? this.options.devices.resolve(name) : undefined;
    if (problem === undefined && (holder === undefined || holder.id === device.id)) return { name };
    const refused =
      problem === undefined
        ? { code: ErrorCode.DeviceNameTaken, message: nameMessage('friendly name', name, `taken by ${holder?.id ?? '?'}`) }
        : { code: ErrorCode.DeviceNameInvalid, message: nameMessage('friendly name', name, problem) };
    this.options.log.warn(
      { device: device.id, code: refused.code },
      `${this.options.radio.kind}: ${device.id} carries a name that is not used: ${refused.message}; it is named by its id`,
    );
    return { name: device.id, refused };
  }
}
