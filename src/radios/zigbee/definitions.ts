/**
 * zigbee-herdsman-converters' device definitions, used as Zigbee2MQTT uses them: a device's
 * definition is found by its model id and vendor (or, for a device no definition knows,
 * generated from its clusters and marked unsupported); its `exposes` are the device's
 * capabilities; incoming messages go through its `fromZigbee` converters to state; a `/set`
 * goes through its `toZigbee` converters' `convertSet`, a `/get` through their `convertGet`.
 */
import type { Models } from 'zigbee-herdsman';
import { findByDevice, postProcessConvertedFromZigbeeMessage, type Definition } from 'zigbee-herdsman-converters';
import type { Capability } from '../../model/capabilities.js';
import { ErrorCode, HearthError } from '../../errors.js';
import { converterOptions } from './converter-options.js';

type Device = Models.Device;
type Endpoint = Models.Endpoint;
type KeyValue = Record<string, unknown>;

export interface ResolvedDefinition {
  definition: Definition | undefined;
  /** False when no converters' definition knows the device (the definition, if any, was generated from its clusters). */
  supported: boolean;
  capabilities: Capability[];
}

/** What the converters need to hand back state they produce later (a button's release, a debounced value). */
export type Publish = (values: KeyValue) => void;

export async function resolveDefinition(device: Device): Promise<ResolvedDefinition> {
  const definition = await findByDevice(device, true);
  if (definition === undefined) return { definition, supported: false, capabilities: [] };
  const exposes = typeof definition.exposes === 'function' ? definition.exposes(device, {}) : definition.exposes;
  // the exposes are class instances; their JSON is the Zigbee2MQTT vocabulary the device model uses
  const capabilities = JSON.parse(JSON.stringify(exposes)) as Capability[];
  return { definition, supported: definition.generated !== true, capabilities };
}

/** An incoming message (herdsman's `message` event) through the definition's fromZigbee converters. */
export async function convertIncoming(
  definition: Definition,
  message: Parameters<Definition['fromZigbee'][number]['convert']>[1],
  state: KeyValue,
  publish: Publish,
): Promise<KeyValue> {
  const payload: KeyValue = {};
  const device = message.device;
  const options = converterOptions(device);
  for (const converter of definition.fromZigbee) {
    const types = Array.isArray(converter.type) ? converter.type : [converter.type];
    if (converter.cluster !== message.cluster || !types.includes(message.type)) continue;
    const converted = await converter.convert(definition, message as never, publish, options, {
      state,
      device,
      deviceExposesChanged: () => undefined,
    });
    if (converted !== undefined && converted !== null) Object.assign(payload, converted);
  }
  if (Object.keys(payload).length > 0) postProcessConvertedFromZigbeeMessage(definition, payload, options, device);
  return payload;
}

/** The endpoint commands go to: the definition's `default` endpoint, else the device's first. */
function targetEndpoint(definition: Definition, device: Device): Endpoint {
  const mapped = definition.endpoint?.(device).default;
  const endpoint = (mapped === undefined ? undefined : device.getEndpoint(mapped)) ?? device.endpoints[0];
  if (endpoint === undefined)
    throw new HearthError(ErrorCode.DeviceNotReady, `${device.ieeeAddr} has no endpoints yet (its interview is not done)`);
  return endpoint;
}

/** Zigbee2MQTT's order: `state` first (so a light is on before its brightness moves), unless it is OFF, then last. */
function ordered(payload: KeyValue): [string, unknown][] {
  const entries = Object.entries(payload);
  const off = typeof payload.state === 'string' && payload.state.toLowerCase() === 'off';
  return entries.sort(([a], [b]) => {
    const rank = (key: string): number => (key === 'state' || key === 'color' ? (off ? 1 : -1) : 0);
    return rank(a) - rank(b);
  });
}

function converterFor(
  definition: Definition,
  key: string,
  deviceId: string,
  what: 'set' | 'read',
): NonNullable<Definition['toZigbee']>[number] {
  const converter = definition.toZigbee.find(
    (candidate) =>
      (candidate.key === undefined || candidate.key.includes(key)) &&
      (what === 'set' ? candidate.convertSet !== undefined : candidate.convertGet !== undefined),
  );
  if (converter === undefined)
    throw new HearthError(
      ErrorCode.CommandInvalid,
      `${deviceId}: ${key} cannot be ${what === 'set' ? 'set' : 'read'} on this device (no converter takes it)`,
    );
  return converter;
}

/** A validated `/set` through the toZigbee converters; the state they report back (Zigbee2MQTT's optimistic state). */
export async function applySet(
  definition: Definition,
  device: Device,
  deviceId: string,
  payload: KeyValue,
  state: KeyValue,
  publish: Publish,
): Promise<KeyValue> {
  const endpoint = targetEndpoint(definition, device);
  const used = new Set<unknown>();
  const newState: KeyValue = {};
  // the converters read the state after their command went out (a toggle flips what it finds), by when the
  // device's own report of the change may have updated it: they get the state from before the send
  const before = { ...state };
  for (const [key, value] of ordered(payload)) {
    const converter = converterFor(definition, key, deviceId, 'set');
    // one converter takes several keys at once (state and brightness): it sees the whole message
    if (used.has(converter)) continue;
    used.add(converter);
    const meta = {
      message: { ...payload },
      device,
      mapped: definition,
      options: converterOptions(device),
      state: before,
      endpoint_name: undefined,
      publish: publish as never,
      deviceExposesChanged: () => undefined,
    };
    const result = await converter.convertSet?.(endpoint, key, value, meta);
    if (result?.state !== undefined) Object.assign(newState, result.state);
  }
  return newState;
}

/** A `/get` through the toZigbee converters: each reads its attributes; the answers arrive as messages. */
export async function applyGet(
  definition: Definition,
  device: Device,
  deviceId: string,
  keys: readonly string[],
  state: KeyValue,
  publish: Publish,
): Promise<void> {
  const endpoint = targetEndpoint(definition, device);
  const used = new Set<unknown>();
  for (const key of keys) {
    const converter = converterFor(definition, key, deviceId, 'read');
    if (used.has(converter)) continue;
    used.add(converter);
    const meta = {
      message: Object.fromEntries(keys.map((k) => [k, ''])),
      device,
      mapped: definition,
      options: converterOptions(device),
      state,
      endpoint_name: undefined,
      publish: publish as never,
      deviceExposesChanged: () => undefined,
    };
    await converter.convertGet?.(endpoint, key, meta);
  }
}
