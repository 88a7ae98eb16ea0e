/**
 * A command's age judged on a fake clock (CommandAge takes `now`): exact from `sent_at`
 * against the limit, both notations of `sent_at`, a retained command never fresh, a live
 * command without `sent_at` fresh, and the check off at 0. The backlog bound, which follows a
 * real connection, is covered against Mosquitto in command-age.test.ts.
 */
import type { IPublishPacket } from 'mqtt';
import { describe, expect, it } from 'vitest';
import { CommandAge, sentAt } from '../../src/uplink/command-age.js';

const packet = (sent: string | undefined, retain = false): IPublishPacket => ({
  cmd: 'publish',
  topic: 'hearth/h1/lamp/set',
  payload: Buffer.from('{}'),
  qos: 1,
  dup: false,
  retain,
  ...(sent === undefined ? {} : { properties: { userProperties: { sent_at: sent } } }),
});

function age(maxAgeMs: number) {
  const clock = { now: 1_700_000_000_000 };
  const judge = new CommandAge({ maxAgeMs, markerTopic: 'hearth/h1/bridge/marker', now: () => clock.now });
  return { judge, clock };
}

describe('CommandAge on a fake clock', () => {
  it('carries out a command exactly at the limit and expires it one millisecond past', () => {
    const { judge, clock } = age(60_000);
    const sent = String(clock.now);
    clock.now += 60_000;
    expect(judge.judge(packet(sent))).toEqual({ expired: false });
    clock.now += 1;
    const verdict = judge.judge(packet(sent));
    expect(verdict.expired).toBe(true);
    expect(verdict.expired && verdict.reason).toContain('sent 60 s ago (sent_at)');
  });

  it('reads sent_at as epoch milliseconds or ISO 8601, and ignores an unreadable one', () => {
    const { judge, clock } = age(10_000);
    const iso = new Date(clock.now - 20_000).toISOString();
    expect(sentAt(packet(iso))).toBe(clock.now - 20_000);
    expect(judge.judge(packet(iso)).expired).toBe(true);
    expect(sentAt(packet('yesterday-ish'))).toBeUndefined();
    expect(judge.judge(packet('yesterday-ish'))).toEqual({ expired: false });
  });

  it('expires a retained command without sent_at, carries out a live one, and judges nothing at 0', () => {
    const { judge } = age(10_000);
    expect(judge.judge(packet(undefined, true)).expired).toBe(true);
    expect(judge.judge(packet(undefined))).toEqual({ expired: false });
    const { judge: off, clock } = age(0);
    expect(off.judge(packet(String(clock.now - 86_400_000), true))).toEqual({ expired: false });
  });
});
