/**
 * Every `command_failed` the hub counts reaches the broker, through an outage and a SIGKILL:
 * the real hub (`hearth start`) behind a relay that, during the outage, lets the broker's
 * commands in but none of the hub's messages out; the hub is killed once its outbox holds the
 * answers, started again, and the relay mended. Every answer the hub's counter
 * (`hearth_command_failures_total` on /metrics) says it produced, in both lives, arrives, and
 * the backlog drains at `uplink.drainRatePerS`. (The answers used to go straight to mqtt.js,
 * past the outbox: lost with the process, and resent unthrottled.)
 */
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { writeConfig } from '../support/config-file.js';
import { cleanEnv, HearthProcess } from '../support/hearth-process.js';
import { journalEntries } from '../support/journal-on-disk.js';
import { Mosquitto } from '../support/mosquitto.js';
import { MqttWatch } from '../support/mqtt-watch.js';
import { NetworkCut } from '../support/network-cut.js';
import { freePort } from '../support/ports.js';
import { until } from '../support/until.js';

// under Mosquitto's max_inflight_messages (20): the broker stops delivering while the hub's PUBACKs are held
const COMMANDS = 15;
const RATE = 10;

/** The sum of `hearth_command_failures_total` over its codes, read from /metrics. */
async function failuresCounted(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('hearth_command_failures_total'))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

/** The command_failed events the outbox journal holds on disk. */
async function failuresInOutbox(dir: string): Promise<number> {
  let count = 0;
  for (const entry of (await journalEntries(dir)) as { o: string; m?: unknown }[]) {
    if ((entry.o === 'b' || entry.o === 'c') && Array.isArray(entry.m))
      count += (entry.m as unknown[][]).filter((packed) => String(packed[2]).includes('"command_failed"')).length;
  }
  return count;
}

async function eventually(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return false;
}

describe('bridge events through an outage and a SIGKILL', () => {
  it('delivers every command_failed the hub counted, and drains the backlog at drainRatePerS', async () => {
    const broker = await Mosquitto.start();
    onTestFinished(() => broker.stop());
    const relay = await NetworkCut.to(broker.port);
    const events = await MqttWatch.connect(broker.url, 'hearth/out/bridge/event');
    const arrivals: number[] = [];
    events.client.on('message', (_topic, payload) => {
      if (payload.toString().includes('"command_failed"')) arrivals.push(Date.now());
    });
    const metricsPort = await freePort();
    const { file, stateDir } = await writeConfig({
      hubId: 'out',
      metrics: { enabled: true, host: '127.0.0.1', port: metricsPort },
      homeassistant: { enabled: false },
      uplink: { port: relay.port, startupWaitMs: 0, reconnectMinMs: 100, reconnectMaxMs: 300, drainRatePerS: RATE, healthIntervalS: 0 },
      store: { journalBatchMs: 20 },
    });
    const start = async (): Promise<HearthProcess> => {
      const hub = new HearthProcess(['start', '--config', file], cleanEnv());
      await hub.waitForMessage('hearth is ready', 30_000);
      return hub;
    };

    const first = await start();
    // one command answered while all is well: the hub is subscribed
    await first.waitForMessage('connected to the broker');
    const probes: Promise<unknown>[] = [];
    const probe = setInterval(
      () => probes.push(events.client.publishAsync('hearth/out/ghost-probe/set', '{"state":"ON"}', { qos: 1 })),
      300,
    );
    await until(() => arrivals.length > 0, 15_000, 'the first answer').finally(() => clearInterval(probe));
    await Promise.all(probes);
    expect(await eventually(async () => (await failuresCounted(metricsPort)) === arrivals.length, 5_000)).toBe(true);
    const answeredBefore = arrivals.length;
    // the outage: the hub still hears commands, nothing it sends gets through
    relay.holdUpstream();
    for (let i = 0; i < COMMANDS; i++) await events.client.publishAsync(`hearth/out/ghost-${i}/set`, '{"state":"ON"}', { qos: 1 });
    expect(await eventually(async () => (await failuresCounted(metricsPort)) >= answeredBefore + COMMANDS, 15_000)).toBe(true);
    // committed to the outbox (or not, where the answers bypass it), then a power cut
    await eventually(async () => (await failuresInOutbox(join(stateDir, 'outbox'))) >= COMMANDS, 5_000);
    const producedFirst = await failuresCounted(metricsPort);
    first.signal('SIGKILL');
    await first.exited;
    relay.cut();
    expect(arrivals.length).toBe(answeredBefore);

    // the next life, then the broker is reachable again: the broker hands it the commands the
    // first life never acknowledged, and it answers them too
    const second = await start();
    relay.mend();
    await second.waitForMessage('connected to the broker');
    let producedSecond = 0;
    await eventually(async () => {
      producedSecond = await failuresCounted(metricsPort);
      return arrivals.length >= producedFirst + producedSecond && producedSecond > 0;
    }, 30_000);
    const produced = producedFirst + producedSecond;
    const lost = Math.max(0, produced - arrivals.length);
    expect({ produced, lost }).toEqual({ produced, lost: 0 });
    // the first life's answers were the backlog: at most RATE at once, then RATE a second
    const backlog = arrivals.slice(answeredBefore, producedFirst);
    const spanS = ((backlog.at(-1) ?? 0) - (backlog[0] ?? 0)) / 1000;
    expect(spanS).toBeGreaterThanOrEqual(((backlog.length - RATE) / RATE) * 0.8);
    second.signal('SIGTERM');
    await second.exited;
  }, 120_000);
});
