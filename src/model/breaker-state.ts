/**
 * What the radio and device breakers share: their states as the hub names them (bridge/event,
 * metrics, health), a transition as it is published, and the wrapper that makes any failed
 * half-open probe count against the breaker whatever the error.
 */
import { CircuitState } from 'cockatiel';
import type { RadioKind } from './device-id.js';

export type BreakerState = 'closed' | 'open' | 'half_open';

/** A breaker changed state: `bridge/event` `breaker_state` carries it. */
export interface BreakerTransition {
  scope: 'radio' | 'device';
  radio: RadioKind;
  device?: string;
  state: BreakerState;
  /** The fault that opened it. */
  error?: string;
  /** When the next probe is due. */
  retryInMs?: number;
}

export function breakerStateOf(state: CircuitState): BreakerState {
  return state === CircuitState.Closed ? 'closed' : state === CircuitState.HalfOpen ? 'half_open' : 'open';
}

/** A probe that did not answer: counted as a failure by the breaker it probes, whatever the cause. */
export class ProbeFailure extends Error {
  constructor(cause: unknown) {
    super('the half-open probe failed', { cause });
  }
}
