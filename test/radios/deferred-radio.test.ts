import { describe, expect, it } from 'vitest';
import { DeferredRadio } from '../../src/radios/deferred-radio.js';
import type { Radio, RadioListener } from '../../src/radios/radio.js';

/** A radio that records what it is asked; stands for the one a factory builds. */
function builtRadio(calls: string[]): Radio {
  return {
    kind: 'zigbee',
    start: () => Promise.resolve(void calls.push('start')),
    stop: () => Promise.resolve(void calls.push('stop')),
    send: () => Promise.resolve({ status: 'done' }),
    permitJoin: () => Promise.resolve(),
    backup: () => Promise.resolve({ backed: 'up' }),
    forget: () => Promise.resolve(),
    health: () => ({ status: 'ok', built: true }),
    faultScope: () => 'device',
    probe: () => Promise.resolve(),
    ping: () => Promise.resolve(),
  };
}

const listener = {} as RadioListener;

describe('a deferred radio', () => {
  it('builds its radio at the first start only, and has no abilities or commands before', async () => {
    const calls: string[] = [];
    let builds = 0;
    const radio = new DeferredRadio('zigbee', () => {
      builds++;
      return Promise.resolve(builtRadio(calls));
    });
    expect(builds).toBe(0);
    expect(radio.backup).toBeUndefined();
    expect(radio.health()).toEqual({ status: 'starting' });
    await expect(radio.send('zigbee:0x0000000000000001', {})).rejects.toMatchObject({ code: 'RADIO_UNAVAILABLE' });
    await radio.stop(); // nothing built: nothing to stop
    await radio.start(listener, new AbortController().signal);
    await radio.stop();
    await radio.start(listener, new AbortController().signal);
    expect(builds).toBe(1);
    expect(calls).toEqual(['start', 'stop', 'start']);
    expect(await radio.backup?.()).toEqual({ backed: 'up' });
    expect(radio.health()).toEqual({ status: 'ok', built: true });
    expect(radio.faultScope(new Error('x'))).toBe('device');
    expect(radio.current).toBeDefined();
  });

  it('tries the build again at the next start when it failed', async () => {
    let builds = 0;
    const radio = new DeferredRadio('zigbee', () =>
      ++builds === 1 ? Promise.reject(new Error('library missing')) : Promise.resolve(builtRadio([])),
    );
    await expect(radio.start(listener, new AbortController().signal)).rejects.toThrow('library missing');
    expect(radio.current).toBeUndefined();
    await radio.start(listener, new AbortController().signal);
    expect(builds).toBe(2);
    expect(radio.current).toBeDefined();
  });
});
