/**
 * Holds coalesced publications (`bridge/devices`, `bridge/rooms`, Home Assistant discovery)
 * while a radio announces the devices it knows at its start (the hub's `radio.settling`
 * events): a Z-Wave start that announces 20 nodes one by one over seconds builds each once
 * they are all in, not every two seconds meanwhile. The radio part bounds how long a radio
 * may settle (../wiring/radio-part.ts).
 */
import type { HubEvents } from '../events/hub-events.js';
import type { Coalescer } from './coalescer.js';

/** Holds `coalescers` while any radio settles; listens as `owner` (removed with the owner's other listeners). */
export function holdWhileRadiosSettle(events: HubEvents, owner: string, coalescers: readonly Coalescer[]): void {
  const settling = new Set<string>();
  events.on(owner, 'radio.settling', ({ radio, settling: now }) => {
    if (now) settling.add(radio);
    else settling.delete(radio);
    for (const coalescer of coalescers) {
      if (settling.size > 0) coalescer.hold('radios');
      else coalescer.release('radios');
    }
  });
}
