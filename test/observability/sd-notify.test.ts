/**
 * The systemd notify protocol end to end: the real hub started with NOTIFY_SOCKET pointing at
 * a datagram socket this test holds (unix-dgram, the library the hub sends with), and what the
 * hub says there — READY=1, WATCHDOG=1 at half the watchdog timeout, silence while its event
 * loop is blocked, STOPPING=1 on SIGTERM — plus the pieces on their own.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import unixDgram from 'unix-dgram';
import { describe, expect, it, onTestFinished } from 'vitest';
import { isHearthError } from '../../src/errors.js';
import { formatMessage, openNotifier, watchdogIntervalMs } from '../../src/observability/sd-notify.js';
import { writeConfig } from '../support/config-file.js';
import { cleanEnv, HearthProcess } from '../support/hearth-process.js';
import { Mosquitto } from '../support/mosquitto.js';
import { tempDir } from '../support/temp-dir.js';
import { until } from '../support/until.js';

const blockLoop = fileURLToPath(new URL('../support/block-loop-preload.ts', import.meta.url));

interface Datagram {
  at: number;
  fields: Record<string, string>;
}

/** A notify socket like systemd's: a bound unix datagram socket that records what arrives. */
async function notifySocket(): Promise<{ path: string; received: Datagram[] }> {
  const path = join(await tempDir(), 'notify.sock');
  const received: Datagram[] = [];
  const socket = unixDgram.createSocket('unix_dgram', (message) => {
    const fields: Record<string, string> = {};
    for (const line of message.toString().split('\n')) {
      const eq = line.indexOf('=');
      fields[line.slice(0, eq)] = line.slice(eq + 1);
    }
    received.push({ at: performance.now(), fields });
  });
  socket.bind(path);
  onTestFinished(() => socket.close());
  return { path, received };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

describe('systemd notifications from the real hub', () => {
  it('says READY=1, pings WATCHDOG=1 at half the timeout, goes silent while its loop is blocked, and says STOPPING=1 on SIGTERM', async () => {
    const broker = await Mosquitto.start();
    onTestFinished(() => broker.stop());
    const { path, received } = await notifySocket();
    const { file } = await writeConfig({ hubId: 'notify', uplink: { port: broker.port } });
    const watchdogUsec = 600_000; // pings every 300 ms
    const hearth = new HearthProcess(
      ['start', '--config', file],
      cleanEnv({ NOTIFY_SOCKET: path, WATCHDOG_USEC: String(watchdogUsec), TEST_BLOCK_LOOP_MS: '1500' }),
      [blockLoop],
    );
    const watchdogs = (): Datagram[] => received.filter((d) => d.fields.WATCHDOG === '1');

    await hearth.waitForMessage('hearth is ready');
    await until(() => received.some((d) => d.fields.READY === '1'), 5000, 'READY=1');
    const ready = received.find((d) => d.fields.READY === '1');
    expect(ready?.fields.STATUS).toMatch(/^ok: \d+ parts running$/);
    expect(received[0]?.fields.STATUS).toMatch(/^starting hearth /);

    await until(() => watchdogs().length >= 6, 10_000, 'six watchdog pings');
    expect(received.findIndex((d) => d.fields.WATCHDOG === '1')).toBeGreaterThan(received.indexOf(ready as Datagram));
    const steady = watchdogs().map((d) => d.at);
    const steadyGaps = steady.slice(1).map((at, i) => at - (steady[i] as number));
    expect(median(steadyGaps)).toBeGreaterThan(240);
    expect(median(steadyGaps)).toBeLessThan(480);

    // block the loop: no ping for longer than the whole timeout (systemd would kill the hub)
    const pingsBefore = watchdogs().length;
    const blockedAt = performance.now();
    hearth.signal('SIGUSR2');
    await until(() => watchdogs().filter((d) => d.at > blockedAt + 1500).length >= 2, 10_000, 'pings after the block');
    const around = watchdogs()
      .slice(pingsBefore - 1)
      .map((d) => d.at);
    const gaps = around.slice(1).map((at, i) => ({ from: around[i] as number, length: at - (around[i] as number) }));
    const silence = gaps.reduce((longest, gap) => (gap.length > longest.length ? gap : longest));
    expect(silence.length).toBeGreaterThan(1400); // the loop was blocked 1.5 s; the timeout is 0.6 s
    expect(silence.from).toBeGreaterThan(blockedAt - 400); // the silence is the block's, not earlier
    // and the pings came back at their pace once the loop ran again
    expect(gaps.filter((gap) => gap !== silence && gap.from > silence.from).every((gap) => gap.length < 600)).toBe(true);

    hearth.signal('SIGTERM');
    const { code } = await hearth.exited;
    expect(code, hearth.stderr).toBe(0);
    const stopping = received.findIndex((d) => d.fields.STOPPING === '1');
    expect(stopping).toBeGreaterThan(0);
    expect(received[stopping]?.fields.STATUS).toBe('stopping (SIGTERM)');
    expect(received.slice(stopping + 1).filter((d) => d.fields.WATCHDOG === '1')).toEqual([]);
  });
});

describe('sd-notify pieces', () => {
  it('is a no-op without NOTIFY_SOCKET', () => {
    const notifier = openNotifier({}, () => undefined);
    expect(notifier.enabled).toBe(false);
    notifier.send({ READY: '1' });
  });

  it('refuses an abstract socket with a coded error rather than never saying READY', () => {
    let thrown: unknown;
    try {
      openNotifier({ NOTIFY_SOCKET: '@/org/freedesktop/systemd1/notify' }, () => undefined);
    } catch (error) {
      thrown = error;
    }
    expect(isHearthError(thrown, 'NOTIFY_UNAVAILABLE')).toBe(true);
    expect((thrown as Error).message).toContain('@/org/freedesktop/systemd1/notify');
  });

  it('reads the watchdog interval only when it is meant for this process', () => {
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '30000000' }, 42)).toBe(15_000);
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '30000000', WATCHDOG_PID: '42' }, 42)).toBe(15_000);
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '30000000', WATCHDOG_PID: '43' }, 42)).toBeUndefined();
    expect(watchdogIntervalMs({ WATCHDOG_USEC: 'soon' }, 42)).toBeUndefined();
    expect(watchdogIntervalMs({}, 42)).toBeUndefined();
  });

  it('keeps STATUS= to one bounded line', () => {
    expect(formatMessage({ READY: '1', STATUS: 'degraded:\n  uplink down' }).toString()).toBe('READY=1\nSTATUS=degraded: uplink down');
    expect(formatMessage({ STATUS: 'x'.repeat(500) }).toString().length).toBeLessThanOrEqual(7 + 200);
  });
});
