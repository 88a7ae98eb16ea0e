/**
 * What the Z-Wave radio offers beyond the common Radio: its daily tools (configuration
 * parameters, associations, node care, the controller's NVM, firmware updates), as plain data, so that the
 * bridge requests (src/uplink/requests/zwave-*-requests.ts) use them without importing
 * zwave-js or the radio class. The radio implements it in src/radios/zwave/.
 */
import type { Radio } from './radio.js';

/** A parameter by its number (and partial bitmask), or by its label (case and spacing ignored). */
export type ParameterRef = number | string;

/** One configuration parameter of a device, from zwave-js's config database or the Configuration CC's own discovery. */
export interface ConfigParameter {
  parameter: number;
  /** A partial parameter's bitmask. */
  bitmask?: number;
  endpoint: number;
  /** Its key in the device's state and in `<device>/set` (`led_indicator`). */
  property: string;
  label?: string;
  description?: string;
  unit?: string;
  min?: number;
  max?: number;
  default?: number;
  /** Named values, by value. */
  states?: Record<string, string>;
  /** Bytes. */
  value_size?: number;
  /** False when only the named values are allowed. */
  manual_entry: boolean;
  read_only: boolean;
  write_only: boolean;
  value: unknown;
}

export interface AssociationTarget {
  node_id: number;
  /** Multi Channel Association: the endpoint on the target node. */
  endpoint?: number;
}

export interface AssociationGroupInfo {
  group: number;
  label: string;
  max_nodes: number;
  is_lifeline: boolean;
  multi_channel: boolean;
  associations: AssociationTarget[];
}

export interface LifelineHealth {
  /** 0 (unusable) to 10 (perfect), zwave-js's rating. */
  rating: number;
  rounds: number;
  results: Record<string, unknown>[];
}

/** A node's zwave-js statistics, in the bridge's spelling. */
export interface ZWaveNodeStatistics {
  commands_tx: number;
  commands_rx: number;
  commands_dropped_tx: number;
  commands_dropped_rx: number;
  timeout_response: number;
  rtt_ms?: number;
  rssi_dbm?: number;
  /** The last working route: its repeaters (node ids) and data rate. */
  last_working_route?: { repeaters: number[]; protocol_data_rate?: string };
  last_seen?: string;
}

/** A route from the controller to a node: the repeaters on the way (none: direct), as zwave-js's statistics last saw it. */
export interface ZWaveMapRoute {
  repeaters: number[];
  protocol_data_rate?: string;
  /** The RSSI of the node's acknowledgement at the controller. */
  rssi_dbm?: number;
  /** The two nodes between which a frame on this route failed lately. */
  failed_between?: number[];
}

/** One node of the Z-Wave network map. */
export interface ZWaveMapNode {
  /** Its device id (`zwave:<home id>:<node id>`). */
  id: string;
  node_id: number;
  type: 'Controller' | 'Router' | 'EndDevice';
  /** zwave-js's NodeStatus by name: Alive, Asleep, Awake, Dead, Unknown. */
  status: string;
  /** Its neighbours' node ids, from the controller's routing table. */
  neighbours: number[];
  /** Why its neighbours could not be read. */
  error?: string;
  last_working_route?: ZWaveMapRoute;
  next_to_last_working_route?: ZWaveMapRoute;
}

/** The Z-Wave network map: every node, and one link per pair of neighbours (by node id). */
export interface ZWaveNetworkMap {
  nodes: ZWaveMapNode[];
  links: { source: number; target: number }[];
}

/** A firmware image: a file under `radios.zwave.firmware.folder`, or base64 bytes with the file name that tells their format. */
export type FirmwareSource = { file: string } | { data: string; filename: string };

/** How a firmware update ended, in the bridge's spelling (zwave-js's FirmwareUpdateResult). */
export interface FirmwareUpdateOutcome {
  /** zwave-js's FirmwareUpdateStatus by name (`OK_NoRestart`, `Error_Timeout`, …). */
  status: string;
  /** The local image's size in bytes (none for an update from the firmware update service). */
  bytes?: number;
  /** zwave-js interviews the device again (after `wait_time_s`). */
  reinterview: boolean;
  wait_time_s?: number;
}

/** An update zwave-js's firmware update service offers for a device. */
export interface AvailableFirmware {
  version: string;
  changelog: string;
  channel: string;
  downgrade: boolean;
}

export interface ZWaveTools {
  configParameters(deviceId: string): ConfigParameter[];
  /** Reads the parameter from the device (Configuration Get). */
  configGet(deviceId: string, ref: ParameterRef, bitmask?: number): Promise<ConfigParameter>;
  /** Writes it (Configuration Set); a value outside its range is a CONFIG_VALUE_OUT_OF_RANGE error naming the range. */
  configSet(deviceId: string, ref: ParameterRef, value: number | string, bitmask?: number): Promise<ConfigParameter>;
  associations(deviceId: string, endpoint?: number): AssociationGroupInfo[];
  addAssociations(deviceId: string, group: number, targets: AssociationTarget[], endpoint?: number): Promise<AssociationGroupInfo[]>;
  removeAssociations(deviceId: string, group: number, targets: AssociationTarget[], endpoint?: number): Promise<AssociationGroupInfo[]>;
  /** Whether the controller is in the lifeline group; with `repair`, puts it there when it is not. */
  lifeline(deviceId: string, repair: boolean): Promise<{ ok: boolean; repaired: boolean; group?: number }>;
  ping(deviceId: string): Promise<boolean>;
  refreshValues(deviceId: string): Promise<void>;
  reinterview(deviceId: string): Promise<void>;
  removeFailed(deviceId: string): Promise<void>;
  replaceFailed(deviceId: string): Promise<boolean>;
  /** One node's routes; resolves with whether the rebuild succeeded. */
  rebuildNodeRoutes(deviceId: string): Promise<boolean>;
  /** The whole network's routes, with `zwave_rebuild_routes` progress events; resolves when done, by node id. */
  rebuildRoutes(): Promise<Record<string, string>>;
  /** True while routes are being rebuilt (the mesh is busy: timeouts count against no breaker). */
  readonly meshBusy: boolean;
  lifelineHealth(deviceId: string, rounds: number): Promise<LifelineHealth>;
  statistics(deviceId: string): ZWaveNodeStatistics | undefined;
  /** Every node's statistics, by device id. */
  allStatistics(): Record<string, ZWaveNodeStatistics>;
  /** The network map: each node's neighbours (the controller's routing table) and last working routes. */
  networkMap(): Promise<ZWaveNetworkMap>;
  /** The controller's NVM, raw (zwave-js backupNVMRaw). */
  backupNVM(): Promise<Uint8Array>;
  /** Writes an NVM backup back (refused while devices are being included). */
  restoreNVM(data: Uint8Array): Promise<void>;
  /**
   * Updates a device's firmware from a local image (zwave-js `updateFirmware`), with
   * `zwave_firmware_update` events and the device's `update` state meanwhile; resolves when the
   * device reported the end (FIRMWARE_UPDATE_FAILED when it failed or stopped answering).
   */
  updateFirmware(deviceId: string, source: FirmwareSource, target?: number): Promise<FirmwareUpdateOutcome>;
  /** What the online firmware update service offers for the device (FIRMWARE_SERVICE_DISABLED unless configured). */
  availableFirmware(deviceId: string): Promise<AvailableFirmware[]>;
  /** Installs one of those, by version, as updateFirmware does. */
  updateFirmwareFromService(deviceId: string, version: string): Promise<FirmwareUpdateOutcome>;
}

/** The radio's Z-Wave tools, or undefined when it has none. */
export function zwaveToolsOf(radio: Radio): ZWaveTools | undefined {
  return (radio as { zwaveTools?: ZWaveTools }).zwaveTools;
}
