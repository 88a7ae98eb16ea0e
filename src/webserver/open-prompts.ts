/**
 * What a page opened in the middle of pairing needs to know that only events told: which
 * radios permit joining and until when (from `permit_join_changed`), and the Z-Wave inclusion
 * question still open (`zwave_grant_security` or `zwave_validate_dsk`, until the inclusion
 * goes on or is aborted, PROMPT_TTL_MS at most: zwave-js gives up on an unanswered one).
 */
import type { BridgeEvent } from '../events/bridge-events.js';

/** An unanswered Z-Wave question older than this is no longer open. */
export const PROMPT_TTL_MS = 5 * 60_000;

export class OpenPrompts {
  readonly permitJoin: Record<string, { value: boolean; until_ms?: number }> = {};
  private prompt: { event: BridgeEvent; at: number } | undefined;

  constructor(private readonly now: () => number) {}

  note(event: BridgeEvent): void {
    switch (event.type) {
      case 'permit_join_changed': {
        const { radio, value, time } = event.data;
        this.permitJoin[radio] = value && time !== undefined ? { value, until_ms: this.now() + time * 1000 } : { value };
        return;
      }
      case 'zwave_grant_security':
      case 'zwave_validate_dsk':
        this.prompt = { event, at: this.now() };
        return;
      case 'zwave_inclusion_aborted':
        this.prompt = undefined;
        return;
      case 'device_interview':
      case 'device_joined':
        // a Z-Wave node joined or is interviewed: the inclusion went on past its questions
        if (event.data.id.startsWith('zwave:')) this.prompt = undefined;
        return;
      default:
        return;
    }
  }

  /** The open Z-Wave question (its `bridge/event`), if any. */
  zwavePrompt(): BridgeEvent | undefined {
    if (this.prompt !== undefined && this.now() - this.prompt.at > PROMPT_TTL_MS) this.prompt = undefined;
    return this.prompt?.event;
  }
}
