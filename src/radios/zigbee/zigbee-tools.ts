/**
 * The Zigbee radio's tools beyond sending and reading (src/radios/zigbee-tools-api.ts): binds
 * (zigbee-binds.ts), the network map's scan (network-scan.ts), reconfigure (the definition's
 * `configure` again), a fresh interview, and the converters' per-device options
 * (converter-options.ts). It works on the radio's running herdsman Controller.
 */
import type { Logger } from 'pino';
import type { Controller, Models } from 'zigbee-herdsman';
import { describeError, ErrorCode, HearthError } from '../../errors.js';
import type {
  BindRequest,
  BindResult,
  ConverterOptionsChange,
  NetworkMap,
  OtaCheckResult,
  OtaUpdateOptions,
  OtaUpdateResult,
  ZigbeeTools,
} from '../zigbee-tools-api.js';
import { converterOptions, mergeConverterOptions, optionNames } from './converter-options.js';
import { resolveDefinition } from './definitions.js';
import { bindOrUnbind, type BindEnvironment } from './zigbee-binds.js';
import { scanNetwork } from './network-scan.js';
import type { ZigbeeOtaSettings } from './ota-index.js';
import { ZigbeeOta } from './zigbee-ota.js';

type Device = Models.Device;

/** The radio the tools work on. */
export interface ToolsHost {
  /** The running controller (throws when the radio is not ready). */
  readonly herdsman: Controller;
  /** A known device by hearth id (DEVICE_NOT_FOUND otherwise). */
  device(deviceId: string): Device;
  /** What the radio does on herdsman's interview events (announce the device anew, configure it). */
  onInterview(status: 'started' | 'successful' | 'failed', device: Device): void;
  /** `radios.zigbee.ota`; undefined when OTA updates are off. */
  readonly otaSettings: ZigbeeOtaSettings | undefined;
  /** Hands a state change of a device (its `update`) to its actor. */
  reportState(deviceId: string, values: Record<string, unknown>): void;
}

export class HerdsmanTools implements ZigbeeTools {
  private readonly ota: ZigbeeOta;

  constructor(
    private readonly host: ToolsHost,
    private readonly log: Logger,
  ) {
    this.ota = new ZigbeeOta({
      get herdsman() {
        return host.herdsman;
      },
      get otaSettings() {
        return host.otaSettings;
      },
      device: (id) => host.device(id),
      definition: async (device) => (await resolveDefinition(device)).definition,
      reportState: (id, values) => host.reportState(id, values),
      warn: (message) => log.warn(message),
    });
  }

  private coordinatorEndpoint(): Models.Endpoint {
    const endpoint = this.host.herdsman.getDevicesByType('Coordinator')[0]?.endpoints[0];
    if (endpoint === undefined) throw new HearthError(ErrorCode.RadioUnavailable, 'the Zigbee coordinator has no endpoint yet');
    return endpoint;
  }

  private bindEnvironment(): BindEnvironment {
    const controller = this.host.herdsman;
    return {
      device: (id) => this.host.device(id),
      definition: async (device) => (await resolveDefinition(device)).definition,
      group: (id) => controller.getGroupByID(id),
      coordinatorEndpoint: () => this.coordinatorEndpoint(),
      devices: () => controller.getDevicesIterator(),
      warn: (message) => this.log.warn(message),
    };
  }

  bind(request: BindRequest): Promise<BindResult> {
    return bindOrUnbind(this.bindEnvironment(), 'bind', request);
  }

  unbind(request: BindRequest): Promise<BindResult> {
    return bindOrUnbind(this.bindEnvironment(), 'unbind', request);
  }

  networkMap(routes: boolean): Promise<NetworkMap> {
    const controller = this.host.herdsman;
    return scanNetwork(
      {
        devices: () => [...controller.getDevicesIterator()],
        definition: (device) => resolveDefinition(device),
        warn: (message) => this.log.warn(message),
      },
      routes,
    );
  }

  async configure(deviceId: string): Promise<void> {
    const device = this.host.device(deviceId);
    const { definition, supported } = await resolveDefinition(device);
    if (definition === undefined || !supported)
      throw new HearthError(ErrorCode.CommandInvalid, `${deviceId} is not supported by the converters: there is nothing to configure`);
    if (definition.configure === undefined)
      throw new HearthError(ErrorCode.CommandInvalid, `${deviceId} (${definition.model}) has no configure step`);
    try {
      await definition.configure(device, this.coordinatorEndpoint(), definition);
    } catch (error) {
      throw new HearthError(ErrorCode.DeviceUnreachable, `${deviceId}: configure failed: ${describeError(error)}`, { cause: error });
    }
  }

  async interview(deviceId: string): Promise<void> {
    const device = this.host.device(deviceId);
    // herdsman's Device.interview raises no events of its own (its Controller does, for joins)
    this.host.onInterview('started', device);
    try {
      await device.interview(true);
      this.host.onInterview('successful', device);
    } catch (error) {
      this.host.onInterview('failed', device);
      throw new HearthError(ErrorCode.DeviceUnreachable, `${deviceId}: interview failed: ${describeError(error)}`, { cause: error });
    }
  }

  async setConverterOptions(deviceId: string, options: Record<string, unknown>): Promise<ConverterOptionsChange> {
    const device = this.host.device(deviceId);
    const allowed = optionNames((await resolveDefinition(device)).definition);
    return mergeConverterOptions(device, deviceId, options, allowed);
  }

  converterOptions(deviceId: string): Record<string, unknown> {
    return converterOptions(this.host.device(deviceId));
  }

  otaCheck(deviceId: string, downgrade: boolean): Promise<OtaCheckResult> {
    return this.ota.check(deviceId, downgrade);
  }

  otaUpdate(deviceId: string, options: OtaUpdateOptions): Promise<OtaUpdateResult> {
    return this.ota.update(deviceId, options);
  }
}
