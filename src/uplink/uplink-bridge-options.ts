/**
 * What the uplink bridge (./uplink-bridge.ts) is built from: its options, and those the
 * `uplink`, `store` and `homeassistant` config sections give it beside the parts the hub hands in.
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { haVersionNumber } from '../config/homeassistant-schema.js';
import { baseTopicOf, type HearthConfig } from '../config/schema.js';
import type { DeviceService } from '../devices/device-service.js';
import type { RadioControl } from '../radios/radio.js';
import type { RuleEngine } from '../rules/rule-engine.js';
import type { MqttLink } from './mqtt-link.js';

export interface UplinkBridgeOptions {
  stateDir: string;
  /** `store.maxLossMs`: an outbox message is on disk within it. */
  maxLossMs: number;
  /** `store.directWrites`: the outbox's journal written with O_DIRECT where the file system allows. */
  directWrites?: boolean;
  base: string;
  devices: DeviceService;
  link: MqttLink;
  log: Logger;
  outboxMaxBytes: number;
  drainRatePerS: number;
  maxInFlight: number;
  maxPayloadBytes: number;
  /** Commands older than this are not carried out (0: no limit). */
  commandMaxAgeMs: number;
  /** Joining and leaving (permit_join, zwave/exclusion); none by default. */
  radios?: RadioControl;
  /** The local rules (rule/add, …); none by default. */
  rules?: RuleEngine;
  health?: () => unknown;
  /** How often `bridge/health` is published (0: never). */
  healthIntervalMs: number;
  /** Hears the code of every failed command and bridge request (the metrics' label). */
  onFailure?: (code: string) => void;
  /** Hears each failure warning the log's rate limit left out (metrics). */
  onWarningSuppressed?: () => void;
  /** Home Assistant discovery (config `homeassistant`); none when undefined. */
  homeassistant?: { prefix: string; hubId: string; legacyColorMode?: boolean; configsAppliedMs: number } | undefined;
  /** Asked at start: false leaves Home Assistant discovery out this time (`homeassistant.publishTo`); true by default. */
  discoveryWanted?: () => boolean;
  /** Where the uplink's metrics go (none by default). */
  metrics?: Registry;
  /** How long discovery's first sync waits for the first connection (`uplink.startupWaitMs`; 0 by default: not at all). */
  connectionWaitMs?: number;
}

/** What the hub hands in; the rest comes from the config. */
export type BridgeParts = Pick<
  UplinkBridgeOptions,
  'devices' | 'link' | 'log' | 'health' | 'radios' | 'rules' | 'onFailure' | 'onWarningSuppressed' | 'metrics' | 'discoveryWanted'
>;

export function bridgeOptionsFromConfig(config: HearthConfig, parts: BridgeParts): UplinkBridgeOptions {
  const { uplink } = config;
  return {
    ...parts,
    stateDir: config.stateDir,
    maxLossMs: config.store.maxLossMs,
    directWrites: config.store.directWrites,
    base: baseTopicOf(config),
    outboxMaxBytes: uplink.outboxMaxBytes,
    drainRatePerS: uplink.drainRatePerS,
    maxInFlight: uplink.maxInFlight,
    maxPayloadBytes: uplink.maxPayloadBytes,
    commandMaxAgeMs: uplink.commandMaxAgeS * 1000,
    healthIntervalMs: uplink.healthIntervalS * 1000,
    connectionWaitMs: uplink.startupWaitMs,
    homeassistant: config.homeassistant.enabled
      ? {
          prefix: config.homeassistant.prefix,
          hubId: config.hubId,
          legacyColorMode: haVersionNumber(config.homeassistant.minVersion) < 202404,
          configsAppliedMs: config.homeassistant.configsAppliedMs,
        }
      : undefined,
  };
}
