/**
 * What the Zigbee radio offers a bridge request beyond the common Radio interface: binds, the
 * network map, reconfigure and interview, and the converters' per-device options, in
 * Zigbee2MQTT's shapes (lib/types/api.ts). Types only: the uplink reaches them through
 * `Radio.zigbee` without importing the Zigbee radio.
 */

/** A bind or unbind: from a device's endpoint to a device's endpoint, a group (by id), or the coordinator. */
export interface BindRequest {
  /** The source device's hearth id. */
  from: string;
  /** An endpoint id or name; `default` (or absent): the definition's default endpoint, else the first. */
  fromEndpoint?: string | number;
  /** A device id, or a Zigbee group id (a number). */
  to: { device: string; endpoint?: string | number } | { group: number } | { coordinator: true };
  /** Cluster names; absent: every cluster Zigbee2MQTT tries (genOnOff, genLevelCtrl, …) the two sides share. */
  clusters?: readonly string[];
  /** Unbind only: leave the target's reporting to the hub alone. */
  skipDisableReporting?: boolean;
}

export interface BindResult {
  fromEndpoint: number;
  toEndpoint: number | undefined;
  clusters: string[];
  failed: string[];
}

export interface NetworkMapNode {
  ieeeAddr: string;
  /** hearth's device id (the request module names it by its friendly name). */
  id: string | undefined;
  type: string;
  networkAddress: number;
  manufacturerName?: string;
  modelID?: string;
  /** Which of the tables (`lqi`, `routingTable`) the router did not answer. */
  failed?: string[];
  lastSeen?: number;
  definition?: { model: string; vendor: string; supports: string; description: string };
}

/** A routing table entry as herdsman parses it (Mgmt_Rtg_rsp). */
export interface NetworkMapRoute {
  destinationAddress: number;
  status: string;
  memoryConstrained: number;
  manyToOne: number;
  routeRecordRequired: number;
  reserved1: number;
  nextHopAddress: number;
}

export interface NetworkMapLink {
  source: { ieeeAddr: string; networkAddress: number };
  target: { ieeeAddr: string; networkAddress: number };
  deviceType: number;
  rxOnWhenIdle: number;
  relationship: number;
  permitJoining: number;
  depth: number;
  lqi: number;
  routes: NetworkMapRoute[];
}

export interface NetworkMap {
  nodes: NetworkMapNode[];
  links: NetworkMapLink[];
}

/** The converters' options of one device: before and after a change. */
export interface ConverterOptionsChange {
  from: Record<string, unknown>;
  to: Record<string, unknown>;
}

/** An OTA check's answer (Zigbee2MQTT's `bridge/response/device/ota_update/check` data, hearth's names). */
export interface OtaCheckResult {
  updateAvailable: boolean;
  installedVersion: number;
  latestVersion: number;
  source?: string;
  releaseNotes?: string;
}

/** An OTA update's tuning (Zigbee2MQTT's `image_block_request_timeout`, … request fields); the config's when absent. */
export interface OtaUpdateOptions {
  downgrade: boolean;
  requestTimeoutMs?: number | undefined;
  responseDelayMs?: number | undefined;
  maximumDataSize?: number | undefined;
}

/** A firmware before or after an update, in Zigbee2MQTT's shape. */
export interface OtaFirmware {
  file_version: number;
  software_build_id?: string;
  date_code?: string;
}

export interface OtaUpdateResult {
  from: OtaFirmware;
  to: OtaFirmware;
}

export interface ZigbeeTools {
  bind(request: BindRequest): Promise<BindResult>;
  unbind(request: BindRequest): Promise<BindResult>;
  /** Scans every router's (and the coordinator's) neighbour table, and their routing tables with `routes`. */
  networkMap(routes: boolean): Promise<NetworkMap>;
  /** Runs the definition's `configure` again (binds and reporting to the hub). */
  configure(deviceId: string): Promise<void>;
  /** Interviews the device again; resolves when the interview and the configure after it are done. */
  interview(deviceId: string): Promise<void>;
  /**
   * Merges options the converters read (`temperature_calibration`, `transition`, …; the names its
   * definition's `options` list, others refused); null removes one.
   */
  setConverterOptions(deviceId: string, options: Record<string, unknown>): Promise<ConverterOptionsChange>;
  converterOptions(deviceId: string): Record<string, unknown>;
  /** Asks the device its firmware version and the configured OTA sources for a newer (or, downgrading, older) one. */
  otaCheck(deviceId: string, downgrade: boolean): Promise<OtaCheckResult>;
  /** Updates the device's firmware from the configured OTA sources; resolves once it runs the new image. */
  otaUpdate(deviceId: string, options: OtaUpdateOptions): Promise<OtaUpdateResult>;
}
