/**
 * Every `bridge/event` the hub publishes, by type, with the shape of its `data`: the one list
 * the radios, the device side and the uplink publish from, and that the README's list is
 * checked against (test/events/bridge-events.test.ts). A radio's own fields beside the common
 * ones are named here too, so two events of one type cannot drift apart.
 */
import type { BreakerState } from '../model/breaker-state.js';
import type { RadioKind } from '../model/device-id.js';

/** Why the name a device carries itself was not used (a coded error of the name rule). */
interface RefusedName {
  code: string;
  message: string;
}

interface DeviceRef {
  id: string;
  friendly_name?: string;
  ieee_address?: string;
}

export interface BridgeEventMap {
  /** A device joined the network (once per device, before its interview). */
  device_joined: DeviceRef & { radio: RadioKind; friendly_name: string; node_id?: number; refused_name?: RefusedName };
  /** The name a device carries itself (known after its interview) broke the name rule or was taken: it keeps its id as its name. */
  device_name_refused: DeviceRef & { friendly_name: string; refused_name: RefusedName };
  device_leave: DeviceRef & { friendly_name: string };
  device_interview: DeviceRef & {
    status: 'started' | 'successful' | 'failed';
    supported?: boolean;
    definition?: { model: string; vendor: string; description: string } | null;
    message?: string;
  };
  device_announce: DeviceRef;
  /** A joining device the join policy turned away (radios.zigbee.passlist / blocklist / maxDevices). */
  device_refused: DeviceRef & { radio: RadioKind; reason: 'blocklist' | 'passlist' | 'max_devices'; message: string };
  permit_join_changed: { radio: RadioKind; value: boolean; time?: number };
  exclusion_changed: { radio: RadioKind; value: boolean };
  command_failed: { device: string; code: string; message: string };
  command_queued: { device: string; code: string; message: string };
  radio_state: { radio: RadioKind; state: string; error?: string; attempts?: number; retry_in_ms?: number };
  breaker_state: {
    radio: RadioKind;
    scope: 'radio' | 'device';
    state: BreakerState;
    device?: string;
    friendly_name?: string;
    error?: string;
    retry_in_ms?: number;
  };
  zwave_grant_security: { radio: 'zwave'; requested_classes: string[]; client_side_auth: boolean; answer_with: string };
  zwave_validate_dsk: { radio: 'zwave'; dsk: string; answer_with: string };
  zwave_inclusion_aborted: { radio: 'zwave' };
  /** A local rule's trigger matched and its conditions held: its actions run. */
  rule_fired: { rule: string; cause: string };
  /** One of a rule's actions failed (the rule keeps running); `action` is its index, -1 for the rule as a whole. */
  rule_failed: { rule: string; action: number; code: string; message: string };
  /** A rule fired more than ruleSettings.maxFiringsPerS times in a second and stopped until rule/enable. */
  rule_suspended: { rule: string; firings_per_s: number };
  /** Rebuilding the network's routes: each node's status (pending, done, failed, skipped) so far; `done` at the end. */
  zwave_rebuild_routes: { radio: 'zwave'; done: boolean; progress: Record<string, string> };
  /** A Z-Wave device's firmware update: started, its progress (percent and fragments), and how it ended (zwave-js's status). */
  zwave_firmware_update: DeviceRef & {
    radio: 'zwave';
    status: 'started' | 'progress' | 'succeeded' | 'failed';
    progress?: number;
    sent_fragments?: number;
    total_fragments?: number;
    result?: string;
  };
}

export type BridgeEventType = keyof BridgeEventMap;

/** A `bridge/event` message: `{"type":…,"data":…}`. */
export type BridgeEvent = { [K in BridgeEventType]: { type: K; data: BridgeEventMap[K] } }[BridgeEventType];

/** Every type, at run time (a key missing here does not compile). */
const TYPES: Record<BridgeEventType, true> = {
  device_joined: true,
  device_name_refused: true,
  device_leave: true,
  device_interview: true,
  device_announce: true,
  device_refused: true,
  permit_join_changed: true,
  exclusion_changed: true,
  command_failed: true,
  command_queued: true,
  radio_state: true,
  breaker_state: true,
  zwave_grant_security: true,
  zwave_validate_dsk: true,
  zwave_inclusion_aborted: true,
  rule_fired: true,
  rule_failed: true,
  rule_suspended: true,
  zwave_rebuild_routes: true,
  zwave_firmware_update: true,
};
export const BRIDGE_EVENT_TYPES = Object.keys(TYPES) as BridgeEventType[];

/** Builds a typed bridge event. */
export function bridgeEvent<K extends BridgeEventType>(type: K, data: BridgeEventMap[K]): BridgeEvent {
  return { type, data } as BridgeEvent;
}
