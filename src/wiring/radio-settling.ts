/**
 * Tells the hub while a radio announces the devices it knows at its start (`radio.settling`
 * events; ../uplink/radio-settling.ts holds the coalesced lists meanwhile): from just before
 * its start until the radio says they are announced (`Radio.announced`), its start failed,
 * it stopped, or `maxMs` passed (`radios.settleMaxS`: a radio slow to announce holds nothing longer than
 * that; a Z-Wave node asleep before its interview is done holds nothing at all, ../radios/zwave/nodes-announced.ts).
 */
import type { HubEvents } from '../events/hub-events.js';

export class RadioSettling {
  private active = false;
  private timer: NodeJS.Timeout | undefined;
  /** Starts so far: a promise of an earlier start settles nothing. */
  private generation = 0;

  constructor(
    private readonly events: HubEvents,
    private readonly radio: string,
    /** How long the radio may take to announce the devices it knew at start before the lists go out regardless. */
    private readonly maxMs: number,
  ) {}

  /** The radio is about to start. */
  begin(): void {
    this.generation++;
    if (this.active) return;
    this.active = true;
    this.events.emit('radio.settling', { radio: this.radio, settling: true });
  }

  /** The radio started: settled once `announced` resolves (at once without one), or after `maxMs`. */
  started(announced: Promise<void> | undefined): void {
    if (announced === undefined) {
      this.end();
      return;
    }
    const generation = this.generation;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.end(), this.maxMs);
    this.timer.unref();
    const settled = (): void => {
      if (generation === this.generation) this.end();
    };
    announced.then(settled, settled);
  }

  /** Settled, or given up (the start failed, the radio stops). */
  end(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.active) return;
    this.active = false;
    this.events.emit('radio.settling', { radio: this.radio, settling: false });
  }
}
