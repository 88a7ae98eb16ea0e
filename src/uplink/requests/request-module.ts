/**
 * The shape of one feature's bridge requests: for each `bridge/request/<command>` a zod schema
 * for its payload and a handler that runs it. Each feature (devices, rooms, Z-Wave inclusion,
 * Zigbee groups, …) keeps its requests in its own module under this folder; all-requests.ts
 * lists the modules, and bridge-requests.ts checks a payload against its command's schema and
 * runs the handler.
 */
import type { z } from 'zod';
import type { DeviceService } from '../../devices/device-service.js';
import type { RadioControl } from '../../radios/radio.js';
import type { RuleEngine } from '../../rules/rule-engine.js';

export interface BridgeContext {
  devices: DeviceService;
  /**
   * Joining (permit_join) and leaving (zwave/exclusion) for `seconds` (0 stops); network backups;
   * `running(kind)` for a radio's own requests.
   */
  radios: RadioControl;
  health(): unknown;
  /** The local rules (rule/add, …); absent in a hub built without them. */
  rules?: RuleEngine;
}

export interface BridgeRequest<S extends z.ZodType> {
  schema: S;
  /** The request's own bound on its payload where it needs more than `uplink.maxPayloadBytes` (an NVM backup). */
  maxPayloadBytes?: number;
  /** Runs the validated request; its result is the answer's `data`. A HearthError's code becomes the answer's code. */
  handle(request: z.infer<S>, context: BridgeContext): unknown;
}

export type RequestModule = Record<string, BridgeRequest<z.ZodType>>;

/** Keeps each handler's request typed by its own schema. */
export function defineRequests<M extends { [command: string]: z.ZodType }>(requests: { [C in keyof M]: BridgeRequest<M[C]> }): {
  [C in keyof M]: BridgeRequest<M[C]>;
} {
  return requests;
}
