/**
 * The queue of commands for sleeping Z-Wave nodes (src/radios/zwave/queued-commands.ts) on a
 * fake clock, over the store in memory: expiry by uplink.commandMaxAgeS, a refusal, and a
 * command the stop cut short (which stays).
 */
import { pino } from 'pino';
import { ZWaveError, ZWaveErrorCodes } from '@zwave-js/core';
import { describe, expect, it } from 'vitest';
import { ErrorCode, HearthError } from '../../../src/errors.js';
import { QueuedCommands, type Delivery } from '../../../src/radios/zwave/queued-commands.js';
import { PendingCommands } from '../../../src/store/pending-commands.js';

const log = pino({ level: 'silent' });

function queue(now: { ms: number }, maxAgeMs = 60_000) {
  const store = new PendingCommands(undefined, log);
  return { store, queue: new QueuedCommands({ store, maxAgeMs, log, now: () => now.ms }) };
}

function delivery(send: Delivery['send'], stopping = false) {
  const failed: HearthError[] = [];
  return { failed, delivery: { send, failed: (error: HearthError) => failed.push(error), stopping: () => stopping } };
}

describe('queued commands for sleeping nodes', () => {
  it('carries out a command within the age limit, and answers COMMAND_EXPIRED for one over it', async () => {
    const now = { ms: 1_000_000 };
    const { store, queue: q } = queue(now);
    await q.hold('zwave:1:3', { a: 1 });
    now.ms += 50_000;
    await q.hold('zwave:1:3', { b: 2 });
    now.ms += 20_000; // the first waited 70 s, the second 20 s
    const sent: unknown[] = [];
    const { failed, delivery: d } = delivery((payload) => Promise.resolve(void sent.push(payload)));
    await q.deliver('zwave:1:3', d);
    expect(sent).toEqual([{ b: 2 }]);
    expect(failed.map((error) => error.code)).toEqual([ErrorCode.CommandExpired]);
    expect(failed[0]?.message).toContain('70 s');
    expect(store.size).toBe(0);
  });

  it('drops a command the node refused with a failure, and keeps one the stop cut short', async () => {
    const now = { ms: 0 };
    const { store, queue: q } = queue(now, 0);
    await q.hold('zwave:1:3', { refused: true });
    await q.hold('zwave:1:4', { cut: true });
    const refused = delivery(() => Promise.reject(new HearthError(ErrorCode.RadioCommandFailed, 'the node answered Fail')));
    await q.deliver('zwave:1:3', refused.delivery);
    expect(refused.failed.map((error) => error.code)).toEqual([ErrorCode.RadioCommandFailed]);
    const cut = delivery(() => Promise.reject(new ZWaveError('The driver was destroyed', ZWaveErrorCodes.Driver_Destroyed)));
    await q.deliver('zwave:1:4', cut.delivery);
    expect(cut.failed).toEqual([]);
    expect(store.of('zwave:1:4')).toMatchObject([{ payload: { cut: true } }]);
    expect(store.of('zwave:1:3')).toEqual([]);
  });
});
