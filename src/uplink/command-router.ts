/**
 * Incoming MQTT messages to the hub: `<device>/set` (a JSON object), `<device>/set/<attribute>`
 * (a bare value), `<device>/get` and `bridge/request/<command>`. A command reaches the device's
 * actor; its result is the device's new state on its state topic. Every failure (unknown
 * device, malformed or oversized payload, invalid value, radio error) is answered the same
 * way for every radio: an error on `bridge/event` as
 * `{"type":"command_failed","data":{"device":…,"code":…,"message":…}}`, and, when the message
 * carried an MQTT 5 response topic, `{"status":"error",…}` there too (`{"status":"ok",…}` on
 * success). A `/set` too old to carry out (see command-age.ts) is answered the same way, with
 * COMMAND_EXPIRED. A command for a sleeping device that its radio queued until it wakes up is
 * not a failure: `bridge/event` gets `{"type":"command_queued","data":{…,"code":"DEVICE_ASLEEP_QUEUED"}}`
 * and the response topic `{"status":"ok","data":{"queued":true,…}}`. Nothing here throws; a bad message changes nothing
 * and is logged (a few times per cause and minute, the rest counted); every payload is bounded
 * (payload-bounds.ts) before anything walks it, and so is every answer.
 */
import type { IPublishPacket } from 'mqtt';
import type { Logger } from 'pino';
import type { DeviceService } from '../devices/device-service.js';
import { describeError, ErrorCode, isHearthError } from '../errors.js';
import { BRIDGE_COMMANDS, type BridgeRequests, type BridgeResponse } from './bridge-requests.js';
import { WarningLimiter } from '../observability/warning-limiter.js';
import { boundedText, preview } from '../bounded-text.js';
import { fittedAnswer, MAX_ECHOED_NAME_CHARS, MAX_ERROR_MESSAGE_CHARS, payloadShapeProblem, quotedName } from './payload-bounds.js';
import type { Verdict } from './command-age.js';
import { parseIncomingTopic, type IncomingTopic, type Topics } from './topics.js';
import type { GroupData } from '../devices/groups.js';
import type { GroupCommands } from './groups/group-commands.js';

export interface Reply {
  topic: string;
  payload: string;
  correlationData?: Buffer;
}

export interface RouterOptions {
  devices: DeviceService;
  bridge: BridgeRequests;
  topics: Topics;
  log: Logger;
  maxPayloadBytes: number;
  /** Publishes a reply (responses and errors; the bridge sends those on its own topics through the outbox). */
  reply(reply: Reply): void;
  /** `<group>/set` and `<group>/get` (a name no device has); their results on the group's topic. */
  groups?: {
    commands: GroupCommands;
    commanded(group: GroupData, state: Record<string, unknown>): void;
    publishCurrent(group: GroupData): void;
  };
  /** Publishes a device's current state (after a /get). */
  publishState(deviceId: string, again: boolean): Promise<void>;
  /** Hears the code of every failure (metrics). */
  onFailure?: (code: string) => void;
  /** Hears each failure warning the log rate limit left out (metrics). */
  onWarningSuppressed?: (cause: string) => void;
}

/** The attributes a `/get` payload names (`{"state":""}`), none for an empty one; a string says what is wrong. */
function getKeys(text: string): string[] | string {
  if (text.trim() === '') return [];
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    return `malformed JSON: ${describeError(error)}`;
  }
  const shapeProblem = payloadShapeProblem(body);
  if (shapeProblem !== undefined) return shapeProblem;
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return `a /get payload is a JSON object naming attributes ({"state":""}), got ${preview(body)}`;
  return Object.keys(body);
}

/** A `/set/<attribute>` payload: JSON when it parses ("128", "true", "{…}"), else the text ("ON"). */
function bareValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** A group command's failed members as an answer carries them: the first 32, each message bounded. */
function boundedFailures(failed: unknown): unknown {
  if (!Array.isArray(failed)) return [];
  return (failed as { device: string; code: string; message: string }[]).slice(0, 32).map((f) => ({
    device: boundedText(f.device, MAX_ECHOED_NAME_CHARS),
    code: f.code,
    message: boundedText(f.message, 200),
  }));
}

export class CommandRouter {
  handled = 0;
  failed = 0;
  /** Failure warnings: a few per cause (code and device) and window, the rest counted. */
  private readonly warnings: WarningLimiter;

  constructor(private readonly options: RouterOptions) {
    this.warnings = new WarningLimiter({
      log: options.log,
      ...(options.onWarningSuppressed === undefined ? {} : { onSuppressed: options.onWarningSuppressed }),
    });
  }

  /** Ends the log rate limit's window (its summary is logged). */
  stop(): void {
    this.warnings.stop();
  }

  /**
   * Handles one incoming message; resolves when answered. `age` is the verdict on how old the
   * message is, taken when it arrived: an expired `/set` is answered and not carried out.
   */
  async route(topic: string, payload: Buffer, packet?: IPublishPacket, age: Verdict = { expired: false }): Promise<void> {
    const incoming = parseIncomingTopic(this.options.topics.base, topic);
    if (incoming.kind === 'ignored') return;
    const responseTopic = packet?.properties?.responseTopic;
    const correlationData = packet?.properties?.correlationData;
    const respond =
      responseTopic === undefined ? undefined : (response: BridgeResponse) => this.answer(responseTopic, response, correlationData);
    await this.dispatch(incoming, payload, age, correlationData, respond);
  }

  /**
   * A command that did not come over MQTT (the hub's web page), handled exactly as the same
   * message on its topic would be: same checks, same coded errors, same `bridge/event` and
   * `bridge/response/…` messages. Resolves with the answer an MQTT 5 response topic would get
   * (`{"status":"ok","data":{}}` for a `/get`, which has none on success).
   */
  async local(incoming: Exclude<IncomingTopic, { kind: 'ignored' }>, payload: Buffer): Promise<BridgeResponse> {
    let answer: BridgeResponse = { status: 'ok', data: {} };
    await this.dispatch(incoming, payload, { expired: false }, undefined, (response) => (answer = response));
    return answer;
  }

  private async dispatch(
    incoming: Exclude<IncomingTopic, { kind: 'ignored' }>,
    payload: Buffer,
    age: Verdict,
    correlationData: Buffer | undefined,
    respond: ((response: BridgeResponse) => void) | undefined,
  ): Promise<void> {
    this.handled++;
    if (incoming.kind === 'request') {
      const response = await this.options.bridge.handle(incoming.command, payload);
      if (response.status === 'error') {
        const known = (BRIDGE_COMMANDS as string[]).includes(incoming.command) ? incoming.command : '(unknown)';
        this.noteFailure(`bridge/request/${incoming.command}`, `bridge/request/${known}`, response);
      }
      this.answer(this.options.topics.response(incoming.command), response, correlationData);
      respond?.(response);
      return;
    }
    const record = this.options.devices.resolve(incoming.device);
    const fail = (code: string, text: string, failed?: unknown): void => {
      // bounded: an answer never grows with the command it answers
      const message = boundedText(text, MAX_ERROR_MESSAGE_CHARS);
      const device = boundedText(incoming.device, MAX_ECHOED_NAME_CHARS);
      const data = failed === undefined ? {} : { failed: boundedFailures(failed) };
      const response: BridgeResponse = { status: 'error', data, error: { code, message } };
      this.noteFailure(device, record?.id ?? '(unknown device)', response);
      this.options.reply({
        topic: this.options.topics.bridge('event'),
        payload: fittedAnswer(message, (cut) => JSON.stringify({ type: 'command_failed', data: { device, code, message: cut, ...data } })),
      });
      respond?.(response);
    };
    // an old or retained /set is never carried out, whether or not its device is known (yet): say why first
    if (incoming.kind === 'set' && age.expired) return fail(ErrorCode.CommandExpired, `not carried out: ${age.reason}`);
    const group = record === undefined ? this.options.groups?.commands.resolve(incoming.device) : undefined;
    if (record === undefined && group === undefined)
      return fail(ErrorCode.DeviceNotFound, `no device or group named or with id ${quotedName(incoming.device)}`);
    if (payload.length > this.options.maxPayloadBytes) {
      return fail(ErrorCode.PayloadTooLarge, `payload of ${payload.length} bytes is over the limit of ${this.options.maxPayloadBytes}`);
    }
    if (group !== undefined) {
      const answer = (data: unknown): void => respond?.({ status: 'ok', data });
      return this.routeGroup(group, incoming, payload, fail, answer);
    }
    if (record === undefined) return;
    if (incoming.kind === 'get') {
      // `{"state":"","brightness":""}` asks the device itself (its radio reads them back); an empty payload the hub's state
      const keys = getKeys(payload.toString('utf8'));
      if (typeof keys === 'string') return fail(ErrorCode.PayloadInvalid, keys);
      try {
        if (keys.length > 0) await this.options.devices.read(record.id, keys);
        // read back: the reports published what changed (the same state twice is not sent twice);
        // the hub's state asked for: it is published even when unchanged
        await this.options.publishState(record.id, keys.length === 0);
      } catch (error) {
        fail(isHearthError(error) ? error.code : ErrorCode.RequestFailed, describeError(error));
      }
      return;
    }
    let command: unknown;
    if (incoming.attribute !== undefined) {
      command = { [incoming.attribute]: bareValue(payload.toString('utf8')) };
    } else {
      try {
        command = JSON.parse(payload.toString('utf8'));
      } catch (error) {
        return fail(ErrorCode.PayloadInvalid, `malformed JSON: ${describeError(error)}`);
      }
    }
    // before anything walks it: a payload nested 10,000 deep is an answer, not a stack overflow
    const shapeProblem = payloadShapeProblem(command);
    if (shapeProblem !== undefined) return fail(ErrorCode.PayloadInvalid, shapeProblem);
    try {
      const view = await this.options.devices.command(record.id, command);
      respond?.({ status: 'ok', data: view.state });
    } catch (error) {
      if (isHearthError(error, ErrorCode.DeviceAsleepQueued)) {
        // not a failure: the radio carries it out when the device wakes up
        const queued = { device: incoming.device, code: error.code, message: error.message };
        this.options.reply({
          topic: this.options.topics.bridge('event'),
          payload: JSON.stringify({ type: 'command_queued', data: queued }),
        });
        respond?.({ status: 'ok', data: { queued: true, code: error.code, message: error.message } });
        return;
      }
      fail(isHearthError(error) ? error.code : ErrorCode.RequestFailed, error instanceof Error ? error.message : String(error));
    }
  }

  /**
   * A group's `/set` (one Zigbee group command beside each other member's own) or `/get`; a
   * member that failed makes the answer GROUP_MEMBER_FAILED, naming each failed member and its code.
   */
  private async routeGroup(
    group: GroupData,
    incoming: { kind: 'set' | 'get'; attribute?: string },
    payload: Buffer,
    fail: (code: string, text: string, failed?: unknown) => void,
    answer: (data: unknown) => void,
  ): Promise<void> {
    const groups = this.options.groups as NonNullable<RouterOptions['groups']>;
    const text = payload.toString('utf8');
    const failedMembers = (failed: { device: string; code: string; message: string }[]): string =>
      `${failed.length} member(s) of group ${quotedName(group.friendly_name)} failed: ${failed.map((f) => `${quotedName(f.device)} ${f.code}: ${f.message}`).join('; ')}`;
    try {
      if (incoming.kind === 'get') {
        const keys = getKeys(text);
        if (typeof keys === 'string') return fail(ErrorCode.PayloadInvalid, keys);
        const failed = keys.length > 0 ? await groups.commands.read(group, keys) : [];
        groups.publishCurrent(group);
        if (failed.length > 0) return fail(ErrorCode.GroupMemberFailed, failedMembers(failed), failed);
        return answer({});
      }
      let command: unknown;
      try {
        command = incoming.attribute !== undefined ? { [incoming.attribute]: bareValue(text) } : JSON.parse(text);
      } catch (error) {
        return fail(ErrorCode.PayloadInvalid, `malformed JSON: ${describeError(error)}`);
      }
      const shapeProblem = payloadShapeProblem(command);
      if (shapeProblem !== undefined) return fail(ErrorCode.PayloadInvalid, shapeProblem);
      const outcome = await groups.commands.set(group, command);
      if (outcome.done.length > 0) groups.commanded(group, outcome.state);
      if (outcome.failed.length > 0) return fail(ErrorCode.GroupMemberFailed, failedMembers(outcome.failed), outcome.failed);
      answer({ ...outcome.state, members: outcome.done });
    } catch (error) {
      fail(isHearthError(error) ? error.code : ErrorCode.RequestFailed, describeError(error));
    }
  }

  private answer(topic: string, response: BridgeResponse, correlationData: Buffer | undefined): void {
    const error = response.error;
    const payload =
      error === undefined
        ? JSON.stringify(response)
        : fittedAnswer(error.message, (message) => JSON.stringify({ ...response, error: { ...error, message } }));
    const reply: Reply = { topic, payload };
    if (correlationData !== undefined) reply.correlationData = correlationData;
    this.options.reply(reply);
  }

  /** Counts a failure and logs it, a few times per cause (`scope`: the device id or the command) and window. */
  private noteFailure(where: string, scope: string, response: BridgeResponse): void {
    this.failed++;
    const code = response.error?.code ?? ErrorCode.RequestFailed;
    this.options.onFailure?.(code);
    const place = boundedText(where, MAX_ECHOED_NAME_CHARS);
    this.warnings.warn(`${code} ${scope}`, { where: place, error: response.error }, `${place}: ${code}: ${response.error?.message ?? ''}`);
  }
}
