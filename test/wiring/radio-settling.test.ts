/**
 * A radio's settling on a fake clock: `radio.settling` true from just before its start until the
 * devices it knew are announced, its start failed or it stopped, or `SETTLE_MAX_MS` passed;
 * what an earlier start announces late settles nothing of a later one.
 */
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../src/events/event-bus.js';
import type { HubEventMap } from '../../src/events/hub-events.js';
import { RadioSettling } from '../../src/wiring/radio-settling.js';
import { defaultsOf } from '../support/config-defaults.js';

/** `radios.settleMaxS`, the schema's default. */
const SETTLE_MAX_MS = defaultsOf('radios').settleMaxS * 1000;

function settlingOn(): { settling: RadioSettling; heard: boolean[] } {
  const events = new EventBus<HubEventMap>(pino({ level: 'silent' }));
  const heard: boolean[] = [];
  events.on('test', 'radio.settling', ({ settling }) => {
    heard.push(settling);
  });
  return { settling: new RadioSettling(events, 'zwave', SETTLE_MAX_MS), heard };
}

const turn = async (): Promise<void> => {
  await vi.advanceTimersByTimeAsync(0);
};

describe('RadioSettling', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('settles when the radio has announced its devices, or at once for a radio that announces them in its start', async () => {
    const { settling, heard } = settlingOn();
    let announced: () => void = () => undefined;
    settling.begin();
    settling.started(new Promise<void>((resolve) => (announced = resolve)));
    await turn();
    expect(heard).toEqual([true]);
    announced();
    await turn();
    expect(heard).toEqual([true, false]);
    settling.begin();
    settling.started(undefined);
    await turn();
    expect(heard).toEqual([true, false, true, false]);
  });

  it('gives up after SETTLE_MAX_MS, and on a failed start or a stop; an earlier start settles nothing later', async () => {
    const { settling, heard } = settlingOn();
    let firstAnnounced: () => void = () => undefined;
    settling.begin();
    settling.started(new Promise<void>((resolve) => (firstAnnounced = resolve)));
    await vi.advanceTimersByTimeAsync(SETTLE_MAX_MS - 1);
    expect(heard).toEqual([true]);
    await vi.advanceTimersByTimeAsync(1);
    expect(heard).toEqual([true, false]);
    // a restart: the first start's promise resolving late does not end the second's settling
    settling.begin();
    settling.started(new Promise<void>(() => undefined));
    firstAnnounced();
    await turn();
    expect(heard).toEqual([true, false, true]);
    settling.end(); // the radio stops
    await turn();
    expect(heard).toEqual([true, false, true, false]);
    await vi.advanceTimersByTimeAsync(SETTLE_MAX_MS);
    expect(heard).toHaveLength(4);
  });
});
