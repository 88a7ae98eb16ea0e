/**
 * The stop signals a wrapper passes on (src/lifecycle/signal-relay.ts), on a fake clock. The
 * real processes (the demo as root, in its GPIO namespace, stopped by a doubled Ctrl-C) are in
 * test/cli/demo.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { SignalRelay, type StopSignal } from '../../src/lifecycle/signal-relay.js';

describe('the signal relay', () => {
  it('passes a signal on by its name, drops its copy, and passes a later request on', () => {
    let now = 0;
    const sent: StopSignal[] = [];
    const relay = new SignalRelay({ send: (signal) => sent.push(signal), copyWindowMs: 1000, now: () => now });
    expect(relay.received('SIGINT')).toBe(true);
    now = 30; // tsx's copy, 30 ms later
    expect(relay.received('SIGINT')).toBe(false);
    now = 999;
    expect(relay.received('SIGTERM')).toBe(false);
    now = 2500; // a second Ctrl-C while the hub stops: "exit now"
    expect(relay.received('SIGINT')).toBe(true);
    expect(sent).toEqual(['SIGINT', 'SIGINT']);
  });
});
