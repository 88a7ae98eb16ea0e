/**
 * The one interface every radio (Zigbee, Z-Wave, GPIO) implements, real backend or simulator
 * alike. A radio turns its library's events into device announcements, reports in the common
 * vocabulary (`state`, `brightness`, `temperature`, …) and availability, and carries out
 * validated commands. It never talks to MQTT and never keeps device state: the device actor
 * does (see ../../../shared/DESIGN.md, "Data flow").
 */
import type { Capability } from '../model/capabilities.js';
import type { RadioKind } from '../model/device-id.js';
import type { BridgeEventMap } from '../events/bridge-events.js';
import type { PartHealth } from '../lifecycle/part.js';

/** What a radio knows of a device after it joined or finished its interview. */
export interface RadioDevice {
  /** The stable id (device-id.ts): `zwave:<home id>:<node id>`, … */
  id: string;
  model?: string;
  vendor?: string;
  firmware?: string;
  capabilities: Capability[];
  /** A name the device itself carries (a Z-Wave node's name); used for a new device when free. */
  name?: string;
}

/** How a command ended at the radio. */
export type SendOutcome =
  /** The device took it (acknowledged, or confirmed by supervision). */
  | { status: 'done' }
  /** The device sleeps: the command waits in the radio's queue until it wakes up (Z-Wave: durably, across stops). */
  | { status: 'queued' };

/**
 * Which breaker a failed `send` counts against (src/resilience): `radio` when the radio itself
 * is sick (its controller or coordinator timed out, its serial port failed), `device` when only
 * that device failed (no acknowledgement from a dead plug), `none` when nothing is sick (the
 * command was refused as invalid, or the device is still being interviewed).
 */
export type FaultScope = 'radio' | 'device' | 'none';

/** The security classes a secure inclusion can grant, by zwave-js's names (SecurityClass). */
export const SECURITY_CLASS_NAMES = ['S2_AccessControl', 'S2_Authenticated', 'S2_Unauthenticated', 'S0_Legacy'] as const;
export type SecurityClassName = (typeof SECURITY_CLASS_NAMES)[number];

export type InclusionAnswer = { grant: { securityClasses: SecurityClassName[]; clientSideAuth?: boolean } } | { pin: string | undefined };

/** The bridge events a radio may raise itself; the hub raises the rest (joins, leaves, its state, breakers, commands). */
export type RadioEventType = Exclude<
  keyof BridgeEventMap,
  'device_joined' | 'device_leave' | 'radio_state' | 'breaker_state' | 'command_failed' | 'command_queued'
>;

/** What a radio tells the hub. Calls must not throw back into the radio. */
export interface RadioListener {
  /** A device joined or was (re-)interviewed: register it, or update what is known of it. */
  deviceAnnounced(device: RadioDevice): void;
  /** A device left the network (excluded, or removed by its radio). */
  deviceLeft(id: string): void;
  /** New values from a device, in the common vocabulary; `action` and the like are events. */
  report(id: string, values: Record<string, unknown>): void;
  /** The device was found dead or alive (sleeping is not dead). */
  availability(id: string, online: boolean): void;
  /** A device joined the network (before its interview): one `device_joined` event, with the name the hub gives it. */
  deviceJoined(id: string, details?: { ieee_address?: string; node_id?: number }): void;
  /** Something worth a `bridge/event` (`device_interview`, `permit_join_changed`, …), typed by the hub's event list. */
  event<K extends RadioEventType>(type: K, data: BridgeEventMap[K]): void;
  /** A command the radio had answered as queued (its device slept) will not be carried out: a `command_failed` event. */
  commandFailed?(id: string, error: { code: string; message: string }): void;
  /** The radio died while running (its driver gave up, its port vanished): the hub restarts it. */
  failed(error: unknown): void;
}

export interface Radio {
  readonly kind: RadioKind;
  /** Opens the radio (serial port or simulator) and announces the devices it knows. */
  start(listener: RadioListener, signal: AbortSignal): Promise<void>;
  stop(): Promise<void>;
  /** Carries out a validated command (common vocabulary) on one device. */
  send(deviceId: string, payload: Record<string, unknown>): Promise<SendOutcome>;
  /** Lets new devices join for `seconds` (0: stop letting them); through one router (`via`, a device id) where the radio can. */
  permitJoin(seconds: number, via?: string): Promise<void>;
  /** Lets devices leave for `seconds` (0: stop): Z-Wave's exclusion. Absent where devices leave by themselves. */
  exclude?(seconds: number): Promise<void>;
  /**
   * Reads `keys` (state properties) back from the device (a `/get`); resolves once the answers
   * were reported. Absent where the radio's state is always current.
   */
  read?(deviceId: string, keys: readonly string[]): Promise<void>;
  /** The radio's network backup (Zigbee's coordinator backup), fresh, its keys left out unless `includeKeys`. Absent where there is none. */
  backup?(options?: { includeKeys?: boolean }): Promise<unknown>;
  /**
   * Answers a question the radio asked during a secure inclusion (Z-Wave S2): the security
   * classes to grant, or the PIN that confirms the device's DSK (undefined: it does not match).
   * Absent where joining asks nothing.
   */
  answerInclusion?(answer: InclusionAnswer): void;
  /** Forgets a device the user removed (leaves it to the radio whether it can tell the device). */
  forget(deviceId: string): Promise<void>;
  health(): PartHealth;
  /** Which breaker a failure thrown by `send` (or `ping`) counts against. */
  faultScope(error: unknown): FaultScope;
  /**
   * A cheap check that the radio's controller or coordinator answers (a version or status
   * query, never a device command): the half-open probe of the radio's breaker. Rejects when
   * it does not answer.
   */
  probe(): Promise<void>;
  /**
   * A cheap check that one device answers (a ping or a one-attribute read, never the user's
   * command): the half-open probe of the device's breaker. Rejects when it does not answer.
   */
  ping(deviceId: string): Promise<void>;
}

/** What the bridge requests ask of the radios: joining and leaving, and network backups. */
export interface RadioControl {
  /** `via`: a device id; only its radio opens, through that device. */
  permitJoin(seconds: number, via?: string): Promise<void>;
  exclusion(seconds: number): Promise<void>;
  /** Each running radio's backup, by radio kind; network keys only with `includeKeys`. */
  backup(options?: { includeKeys?: boolean }): Promise<Record<string, unknown>>;
  /** Answers a running radio's question during a secure inclusion. */
  answerInclusion(answer: InclusionAnswer): void;
  /**
   * The running radio of `kind`, for a radio's own requests (Zigbee groups, Z-Wave
   * configuration…); a RADIO_UNAVAILABLE error when that radio is not enabled or not running.
   */
  running(kind: RadioKind): Radio;
}
