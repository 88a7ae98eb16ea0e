/**
 * `bridge/request/<command>` handling: the payload is checked (size, JSON, shape per command),
 * the command runs against the devices part, and the answer has the contract's shape
 * `{"status":"ok"|"error","data":…,"error":{"code":…,"message":…},"transaction":…}`. A bad
 * request gets an error answer with a code and changes nothing; nothing here throws.
 */
import { z } from 'zod';
import type { RadioControl } from '../radios/radio.js';
import { SECURITY_CLASS_NAMES } from '../radios/radio.js';
import type { DeviceService } from '../devices/device-service.js';
import { describeError, ErrorCode, HearthError, isHearthError } from '../errors.js';
import { boundedText, listedProblems, preview } from '../bounded-text.js';
import { echoableTransaction, MAX_ERROR_MESSAGE_CHARS, payloadShapeProblem, quotedName } from './payload-bounds.js';

export interface BridgeResponse {
  status: 'ok' | 'error';
  data: unknown;
  error?: { code: string; message: string };
  transaction?: unknown;
}

export interface BridgeContext {
  devices: DeviceService;
  /** Joining (permit_join) and leaving (zwave/exclusion) for `seconds` (0 stops); network backups. */
  radios: RadioControl;
  health(): unknown;
}

const deviceRef = z.string({ error: 'expected a device friendly name or id' }).min(1, { error: 'expected a device friendly name or id' });

/** A room by its id or its name (src/devices/rooms.ts). */
const roomRef = z.string({ error: 'expected the room name or id' }).min(1, { error: 'expected the room name or id' });

const schemas = {
  permit_join: z.object({
    value: z.boolean({ error: 'expected true or false' }),
    time: z.int().min(1).max(254).optional(),
    device: deviceRef.optional(),
  }),
  'device/rename': z.object({ from: deviceRef, to: z.string({ error: 'expected the new friendly name' }) }),
  'device/remove': z.object({ id: deviceRef }),
  'device/options': z.object({
    id: deviceRef,
    options: z.strictObject({
      debounce: z.number().min(0).max(600).optional(),
      throttle: z.number().min(0).max(600).optional(),
      retain: z.boolean().optional(),
    }),
  }),
  'room/create': z.object({ name: z.string({ error: 'expected the room name' }), id: z.string().optional() }),
  'room/rename': z.object({ id: roomRef, name: z.string({ error: 'expected the new name' }) }),
  'room/delete': z.object({ id: roomRef }),
  'room/add_device': z.object({
    room: roomRef,
    device: deviceRef,
    position: z.int().min(0).optional(),
  }),
  'room/remove_device': z.object({ room: roomRef, device: deviceRef }),
  health_check: z.object({}),
  backup: z.object({ include_network_key: z.boolean({ error: 'expected true or false' }).optional() }),
  'zwave/exclusion': z.object({ value: z.boolean({ error: 'expected true or false' }), time: z.int().min(1).max(254).optional() }),
  'zwave/grant_security': z.object({
    securityClasses: z.array(
      z.enum(SECURITY_CLASS_NAMES, { error: `expected security classes among ${SECURITY_CLASS_NAMES.join(', ')}` }),
      { error: 'expected the granted security classes (an empty list declines)' },
    ),
    clientSideAuth: z.boolean().optional(),
  }),
  'zwave/validate_dsk': z.object({ pin: z.string({ error: 'expected the 5-digit PIN as a string' }).optional() }),
} as const;

export type BridgeCommand = keyof typeof schemas;
export const BRIDGE_COMMANDS = Object.keys(schemas) as BridgeCommand[];

type Handlers = { [C in BridgeCommand]: (request: z.infer<(typeof schemas)[C]>, context: BridgeContext) => unknown };

function deviceOf(context: BridgeContext, ref: string) {
  const record = context.devices.resolve(ref);
  if (record === undefined) throw new HearthError(ErrorCode.DeviceNotFound, `no device named or with id ${quotedName(ref)}`);
  return record;
}

const handlers: Handlers = {
  permit_join: async (request, context) => {
    const seconds = request.value ? (request.time ?? 254) : 0;
    if (request.device === undefined) {
      await context.radios.permitJoin(seconds);
      return { value: request.value, time: seconds };
    }
    // joining through one router only (Zigbee)
    const via = deviceOf(context, request.device);
    await context.radios.permitJoin(seconds, via.id);
    return { value: request.value, time: seconds, device: via.friendlyName };
  },
  // the network key (and devices' link keys) only when asked for: every reader of the response topic gets them
  backup: (request, context) => context.radios.backup({ includeKeys: request.include_network_key === true }),
  'zwave/exclusion': async (request, context) => {
    const seconds = request.value ? (request.time ?? 60) : 0;
    await context.radios.exclusion(seconds);
    return { value: request.value, time: seconds };
  },
  'zwave/grant_security': (request, context) => {
    context.radios.answerInclusion({
      grant: {
        securityClasses: request.securityClasses,
        ...(request.clientSideAuth === undefined ? {} : { clientSideAuth: request.clientSideAuth }),
      },
    });
    return { securityClasses: request.securityClasses };
  },
  'zwave/validate_dsk': (request, context) => {
    context.radios.answerInclusion({ pin: request.pin });
    return { confirmed: request.pin !== undefined };
  },
  'device/rename': (request, context) => {
    const record = deviceOf(context, request.from);
    const renamed = context.devices.renameDevice(record.id, request.to);
    return { id: renamed.id, from: record.friendlyName, to: renamed.friendlyName };
  },
  'device/remove': async (request, context) => {
    const record = deviceOf(context, request.id);
    await context.devices.removeDevice(record.id);
    return { id: record.id, friendly_name: record.friendlyName };
  },
  'device/options': (request, context) => {
    const record = deviceOf(context, request.id);
    const { debounce, throttle, retain } = request.options;
    const options: NonNullable<typeof record.options> = {};
    if (debounce !== undefined) options.debounceMs = Math.round(debounce * 1000);
    if (throttle !== undefined) options.throttleMs = Math.round(throttle * 1000);
    if (retain !== undefined) options.retain = retain;
    const updated = context.devices.setDeviceOptions(record.id, options);
    return { id: updated.id, options: updated.options };
  },
  'room/create': (request, context) => context.devices.rooms.create(request.name, request.id),
  'room/rename': (request, context) => context.devices.rooms.rename(request.id, request.name),
  'room/delete': (request, context) => context.devices.rooms.delete(request.id),
  'room/add_device': (request, context) =>
    context.devices.rooms.addDevice(request.room, deviceOf(context, request.device).id, request.position),
  'room/remove_device': (request, context) => context.devices.rooms.removeDevice(request.room, deviceOf(context, request.device).id),
  health_check: (_request, context) => ({ healthy: true, health: context.health() }),
};

function failure(code: string, message: string, transaction: unknown): BridgeResponse {
  const response: BridgeResponse = { status: 'error', data: {}, error: { code, message: boundedText(message, MAX_ERROR_MESSAGE_CHARS) } };
  if (transaction !== undefined) response.transaction = transaction;
  return response;
}

export class BridgeRequests {
  constructor(
    private readonly context: BridgeContext,
    private readonly maxPayloadBytes: number,
  ) {}

  /** Answers one request; never throws. */
  async handle(command: string, payload: Buffer): Promise<BridgeResponse> {
    if (payload.length > this.maxPayloadBytes) {
      return failure(
        ErrorCode.PayloadTooLarge,
        `payload of ${payload.length} bytes is over the limit of ${this.maxPayloadBytes}`,
        undefined,
      );
    }
    let body: unknown;
    const text = payload.toString('utf8');
    try {
      body = text.trim() === '' ? {} : JSON.parse(text);
    } catch (error) {
      return failure(ErrorCode.PayloadInvalid, `malformed JSON: ${describeError(error)}`, undefined);
    }
    const shapeProblem = payloadShapeProblem(body);
    if (shapeProblem !== undefined) return failure(ErrorCode.PayloadInvalid, shapeProblem, undefined);
    const transaction =
      typeof body === 'object' && body !== null && !Array.isArray(body)
        ? echoableTransaction((body as { transaction?: unknown }).transaction)
        : undefined;
    // an own key of the table only: `__proto__`, `constructor` or `toString` is no command
    if (!Object.hasOwn(schemas, command)) {
      return failure(
        ErrorCode.UnknownCommand,
        `unknown bridge request ${quotedName(command)}; known: ${BRIDGE_COMMANDS.join(', ')}`,
        transaction,
      );
    }
    const name = command as BridgeCommand;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return failure(ErrorCode.PayloadInvalid, `${name}: expected a JSON object, got ${preview(body)}`, transaction);
    }
    const { transaction: _ignored, ...fields } = body as Record<string, unknown>;
    const parsed = schemas[name].safeParse(fields);
    if (!parsed.success) {
      const problems = listedProblems(
        parsed.error.issues.map(
          (issue) => `${issue.path.length > 0 ? boundedText(issue.path.join('.'), 100) : '(payload)'}: ${issue.message}`,
        ),
      );
      return failure(ErrorCode.PayloadInvalid, `${name}: ${problems}`, transaction);
    }
    try {
      const handler = handlers[name] as (request: unknown, context: BridgeContext) => unknown;
      const data = await handler(parsed.data, this.context);
      const response: BridgeResponse = { status: 'ok', data };
      if (transaction !== undefined) response.transaction = transaction;
      return response;
    } catch (error) {
      // the code has its own field; the message stays the error's own
      if (isHearthError(error)) return failure(error.code, error.message, transaction);
      return failure(ErrorCode.RequestFailed, describeError(error), transaction);
    }
  }
}
