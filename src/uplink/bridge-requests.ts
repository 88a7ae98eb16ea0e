/**
 * `bridge/request/<command>` handling: the payload is checked (size, JSON, shape per command),
 * the command runs (its handler is in its feature's module under requests/), and the answer has the contract's shape
 * `{"status":"ok"|"error","data":…,"error":{"code":…,"message":…},"transaction":…}`. A bad
 * request gets an error answer with a code and changes nothing; nothing here throws.
 */
import { describeError, ErrorCode, isHearthError } from '../errors.js';
import { boundedText, listedProblems, preview } from '../bounded-text.js';
import { echoableTransaction, MAX_ERROR_MESSAGE_CHARS, payloadShapeProblem, quotedName } from './payload-bounds.js';
import { ALL_REQUESTS } from './requests/all-requests.js';
import type { BridgeContext } from './requests/request-module.js';

export type { BridgeContext } from './requests/request-module.js';

export interface BridgeResponse {
  status: 'ok' | 'error';
  data: unknown;
  error?: { code: string; message: string };
  transaction?: unknown;
}

export type BridgeCommand = string;
export const BRIDGE_COMMANDS: readonly string[] = Object.keys(ALL_REQUESTS);

function failure(code: string, message: string, transaction: unknown): BridgeResponse {
  const response: BridgeResponse = { status: 'error', data: {}, error: { code, message: boundedText(message, MAX_ERROR_MESSAGE_CHARS) } };
  if (transaction !== undefined) response.transaction = transaction;
  return response;
}

/** The largest payload `command` takes: `uplink.maxPayloadBytes`, or the request's own bound where it needs more (zwave/nvm/restore). */
export function requestPayloadLimit(command: string, maxPayloadBytes: number): number {
  const own = Object.hasOwn(ALL_REQUESTS, command) ? ALL_REQUESTS[command]!.maxPayloadBytes : undefined;
  return Math.max(maxPayloadBytes, own ?? 0);
}

export class BridgeRequests {
  constructor(
    private readonly context: BridgeContext,
    private readonly maxPayloadBytes: number,
  ) {}

  /** Answers one request; never throws. */
  async handle(command: string, payload: Buffer): Promise<BridgeResponse> {
    const limit = requestPayloadLimit(command, this.maxPayloadBytes);
    if (payload.length > limit) {
      return failure(ErrorCode.PayloadTooLarge, `payload of ${payload.length} bytes is over the limit of ${limit}`, undefined);
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
    if (!Object.hasOwn(ALL_REQUESTS, command)) {
      return failure(
        ErrorCode.UnknownCommand,
        `unknown bridge request ${quotedName(command)}; known: ${BRIDGE_COMMANDS.join(', ')}`,
        transaction,
      );
    }
    const name = command;
    const request = ALL_REQUESTS[name]!;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return failure(ErrorCode.PayloadInvalid, `${name}: expected a JSON object, got ${preview(body)}`, transaction);
    }
    const { transaction: _ignored, ...fields } = body as Record<string, unknown>;
    const parsed = request.schema.safeParse(fields);
    if (!parsed.success) {
      const problems = listedProblems(
        parsed.error.issues.map(
          (issue) => `${issue.path.length > 0 ? boundedText(issue.path.join('.'), 100) : '(payload)'}: ${issue.message}`,
        ),
      );
      return failure(ErrorCode.PayloadInvalid, `${name}: ${problems}`, transaction);
    }
    try {
      const data = await request.handle(parsed.data, this.context);
      // what the request changed is on disk before it is acknowledged
      await this.context.devices.persist();
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
