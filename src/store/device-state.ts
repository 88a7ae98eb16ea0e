/**
 * What the hub keeps of a device: its state values, when it was last heard, its availability
 * and the state of its circuit breaker; and how a change folds into it.
 */
export type Availability = 'online' | 'offline';

export interface DeviceState {
  values: Record<string, unknown>;
  /** Milliseconds since the epoch of the last message from the device. */
  lastSeen?: number;
  availability?: Availability;
  /** The device's circuit breaker, serialised (src/resilience/device-breaker.ts); absent or null while closed. */
  breaker?: unknown;
}

export interface StateChange {
  values?: Record<string, unknown>;
  lastSeen?: number;
  availability?: Availability;
  /** The breaker's new state; null: closed again, forget it. */
  breaker?: unknown;
}

/** The state after `change` (a new object; `state` is unchanged). */
export function fold(state: DeviceState | undefined, change: StateChange): DeviceState {
  const next: DeviceState = { values: { ...(state?.values ?? {}), ...(change.values ?? {}) } };
  const lastSeen = change.lastSeen ?? state?.lastSeen;
  const availability = change.availability ?? state?.availability;
  if (lastSeen !== undefined) next.lastSeen = lastSeen;
  if (availability !== undefined) next.availability = availability;
  const breaker = change.breaker === undefined ? state?.breaker : change.breaker;
  // null (closed again) is kept, so that a tail's null still overrides the snapshot's breaker
  if (breaker !== undefined) next.breaker = breaker;
  return next;
}
