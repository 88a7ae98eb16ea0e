import { LineChild } from '../support/line-child.js';
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Outbox, type OutgoingMessage } from '../../src/uplink/outbox.js';
import { capturingLog } from '../actors/support.js';
import { tempDir } from '../support/temp-dir.js';

const state = (device: string, payload: object): OutgoingMessage => ({
  topic: `hearth/hub/${device}`,
  payload: JSON.stringify(payload),
  retain: true,
  kind: 'state',
});
const event = (device: string, action: string): OutgoingMessage => ({
  topic: `hearth/hub/${device}/action`,
  payload: JSON.stringify({ action }),
  retain: false,
  kind: 'event',
});

async function open(dir: string, maxBytes = 1024 * 1024, checkpointEvery = 10_000) {
  const { log, lines } = capturingLog();
  const outbox = await Outbox.open({ dir, log, maxBytes, batchIntervalMs: 2, checkpointEvery });
  return { outbox, lines };
}

const view = (outbox: Outbox) => outbox.pending().map((m) => `${m.topic} ${m.payload}`);

describe('outbox', () => {
  it('sends in order and lets a message go only on acknowledgement', async () => {
    const { outbox } = await open(await tempDir());
    await outbox.enqueue(event('remote', 'on'));
    await outbox.enqueue(state('lamp', { state: 'ON' }));
    const batch = outbox.take(10);
    expect(batch.map((m) => m.topic)).toEqual(['hearth/hub/remote/action', 'hearth/hub/lamp']);
    expect(outbox.take(10)).toEqual([]); // in flight
    outbox.release(batch[1]?.seq as number); // its send failed
    expect(outbox.take(10).map((m) => m.topic)).toEqual(['hearth/hub/lamp']);
    await outbox.ack(batch[0]?.seq as number);
    expect(view(outbox)).toEqual(['hearth/hub/lamp {"state":"ON"}']);
    await outbox.close();
  });

  it('keeps only the newest unsent state of a device, behind what came before it, and every event', async () => {
    const { outbox } = await open(await tempDir());
    await outbox.enqueue(state('lamp', { brightness: 1 }));
    await outbox.enqueue(event('lamp', 'press'));
    await outbox.enqueue(state('lamp', { brightness: 2 }));
    await outbox.enqueue(event('lamp', 'release'));
    await outbox.enqueue(state('lamp', { brightness: 3 }));
    expect(view(outbox)).toEqual([
      'hearth/hub/lamp/action {"action":"press"}',
      'hearth/hub/lamp/action {"action":"release"}',
      'hearth/hub/lamp {"brightness":3}',
    ]);
    expect(outbox.superseded).toBe(2);
    await outbox.close();
  });

  it('does not replace a state already in flight: both are delivered, in order', async () => {
    const { outbox } = await open(await tempDir());
    await outbox.enqueue(state('lamp', { brightness: 1 }));
    const [sent] = outbox.take(1);
    await outbox.enqueue(state('lamp', { brightness: 2 }));
    expect(view(outbox)).toEqual(['hearth/hub/lamp {"brightness":1}', 'hearth/hub/lamp {"brightness":2}']);
    await outbox.ack(sent?.seq as number);
    expect(view(outbox)).toEqual(['hearth/hub/lamp {"brightness":2}']);
    await outbox.close();
  });

  it('does not bring back a superseded state after a restart once the newer one was delivered', async () => {
    const dir = await tempDir();
    const { outbox } = await open(dir);
    await outbox.enqueue(state('lamp', { brightness: 1 })); // on disk
    await outbox.enqueue(state('lamp', { brightness: 2 })); // supersedes it
    const [sent] = outbox.take(1);
    await outbox.ack(sent?.seq as number);
    await outbox.flush();
    // no close: the process dies here
    const { outbox: again } = await open(dir);
    expect(view(again)).toEqual([]);
    await again.close();
  });

  it('writes nothing for messages that left before their batch was written', async () => {
    const dir = await tempDir();
    const { outbox } = await open(dir);
    const committed = outbox.enqueue(event('remote', 'a'));
    void outbox.enqueue(state('lamp', { n: 1 }));
    void outbox.enqueue(state('lamp', { n: 2 }));
    for (const message of outbox.take(10)) void outbox.ack(message.seq);
    await committed;
    expect(outbox.size).toBe(0);
    const { outbox: again } = await open(dir);
    expect(again.pending()).toEqual([]);
    await again.close();
  });

  it('takes a message after it closed without an unhandled rejection; awaiting it says STORE_CLOSED', async () => {
    const { outbox } = await open(await tempDir());
    await outbox.close();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      // as the bridge does with an answer that comes while it stops: enqueued, not awaited
      void outbox.enqueue(event('remote', 'late'));
      await expect(outbox.enqueue(event('remote', 'later'))).rejects.toMatchObject({ code: 'STORE_CLOSED' });
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });

  it('at its byte bound drops the oldest events first, counts them, and keeps the latest states', async () => {
    const { outbox, lines } = await open(await tempDir(), 600);
    for (let d = 0; d < 5; d++) await outbox.enqueue(state(`lamp${d}`, { state: 'ON' }));
    for (let i = 0; i < 20; i++) await outbox.enqueue(event('remote', `press ${i}`));
    expect(outbox.bytes).toBeLessThanOrEqual(600);
    expect(outbox.droppedEvents).toBeGreaterThan(0);
    const pending = view(outbox);
    expect(pending.filter((line) => !line.includes('/action'))).toHaveLength(5);
    const kept = pending.filter((line) => line.includes('/action')).map((line) => Number(/press (\d+)/.exec(line)?.[1]));
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => 20 - kept.length + i)); // the newest, in order
    expect(lines.some((line) => String(line.msg).startsWith('outbox full: dropped'))).toBe(true);
    await outbox.close();
  });

  it('recovers what the broker has not acknowledged, in order, after a restart', async () => {
    const dir = await tempDir();
    const { outbox } = await open(dir);
    await outbox.enqueue(event('remote', 'a'));
    await outbox.enqueue(state('lamp', { n: 1 }));
    await outbox.enqueue(event('remote', 'b'));
    await outbox.enqueue(state('lamp', { n: 2 }));
    const [first] = outbox.take(1);
    await outbox.ack(first?.seq as number);
    // no close: the process dies here
    const { outbox: again } = await open(dir);
    expect(view(again)).toEqual(['hearth/hub/remote/action {"action":"b"}', 'hearth/hub/lamp {"n":2}']);
    await again.close();
  });

  it('checkpoints its journal, deleting old segments, and still recovers exactly the pending messages', async () => {
    const dir = await tempDir();
    const { outbox } = await open(dir, 1024 * 1024, 50);
    for (let i = 0; i < 300; i++) {
      await outbox.enqueue(event(`d${i % 3}`, `e${i}`));
      if (i % 2 === 0) {
        const [next] = outbox.take(1);
        await outbox.ack(next?.seq as number);
      }
    }
    await outbox.flush();
    const expected = view(outbox);
    await outbox.close();
    const segments = (await readdir(dir)).filter((name) => name.endsWith('.log'));
    expect(segments.length).toBeLessThan(4);
    const { outbox: again } = await open(dir);
    expect(view(again)).toEqual(expected);
    expect(expected).toHaveLength(150);
    await again.close();
  });
});

describe('outbox under SIGKILL', () => {
  it('keeps every committed message (latest state per device, every event in order) across kills', async () => {
    const writer = fileURLToPath(new URL('fixtures/outbox-writer.ts', import.meta.url));
    const dir = await tempDir();
    const events: string[] = [];
    const states = new Map<string, string>();
    // at least 4 kills, and more until over 100 events were committed (a loaded machine commits fewer per run)
    for (let kill = 0; kill < 4 || (events.length <= 100 && kill < 20); kill++) {
      await LineChild.crashAfter(
        writer,
        [dir],
        (line) => {
          if (line.startsWith('event ')) events.push(line.slice(6));
          else if (line.startsWith('state ')) {
            const [, device, payload] = line.split(' ') as [string, string, string];
            states.set(device, payload);
          }
        },
        100,
        300,
      );
    }
    const { outbox } = await open(dir, 64 * 1024 * 1024);
    const pending = outbox.pending();
    const recoveredEvents = pending.filter((m) => m.kind === 'event').map((m) => `${/device\d+/.exec(m.topic)?.[0]} ${m.payload}`);
    // every committed event is there, in order (more may be: committed but killed before printed)
    let cursor = 0;
    for (const committed of events) {
      cursor = recoveredEvents.indexOf(committed, cursor);
      expect(cursor, `event ${committed}`).toBeGreaterThanOrEqual(0);
    }
    for (const [device, payload] of states) {
      const latest = pending.filter((m) => m.kind === 'state' && m.topic === `hearth/hub/${device}`).at(-1);
      expect(latest, device).toBeDefined();
      const counter = (text: string) => (JSON.parse(text) as { n: number }).n;
      expect(counter(latest?.payload as string), device).toBeGreaterThanOrEqual(counter(payload));
    }
    expect(events.length).toBeGreaterThan(100);
    await outbox.close();
  }, 60_000);
});
