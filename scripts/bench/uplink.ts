/**
 * Benchmark `uplink`: the hub's path from a radio event to a subscriber, beside plain mqtt.js,
 * against a Mosquitto it starts on a free port.
 *
 * - hub_msgs_per_s: 20,000 events reported to 100 devices (device actor, state journal,
 *   durable outbox, QoS 1 publish) until a QoS 1 subscriber has them all; raw_mqttjs_msgs_per_s:
 *   a plain mqtt.js client publishing the same messages at QoS 1, same run: for each event what
 *   the hub publishes, the device's state (retained) and then the event (throughput_ratio is
 *   hub/raw); raw_events_only_msgs_per_s: the raw client publishing the events alone, half the
 *   messages (throughput_ratio_events_only, the figure reported before 2026-11-30). Rates count
 *   events.
 * - p50_ms / p99_ms: event to subscriber at a steady 1,000 events/s for 10 s, after a 1 s warm-up
 *   at the same rate that is not counted; raw_p50_ms / raw_p99_ms: the raw client the same way,
 *   publishing what the hub publishes for each report (the device's state, retained, then the
 *   event, same topic, same QoS); raw_events_only_p50_ms / raw_events_only_p99_ms: the raw
 *   client publishing the events alone (half the messages; p99_ratio_events_only against it).
 *   Each run starts from a collected heap (a full GC first), so neither pays for the garbage the
 *   phase before it left (the throughput runs leave ~100 MB, collected during the next run).
 *   Times are sub-millisecond (performance.timeOrigin + performance.now(), one process, one
 *   clock). warmup_p99_ms / raw_warmup_p99_ms: the p99 of the warm-up seconds, for the record
 *   (the hub's first report to each device activates its actor, right after 100 devices were
 *   registered and their registry shards are being written).
 * - drain_msgs_per_s: a 100,000-message backlog built while the broker was down, drained
 *   after it comes back, with the drain rate limit lifted (the machine's capacity; a hub drains
 *   at uplink.drainRatePerS).
 *
 * Usage: npm run bench -- uplink
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import type { DeviceService } from '../../src/devices/device-service.js';
import type { UplinkBridge } from '../../src/uplink/uplink-bridge.js';
import { startBridgedHub } from '../../test/support/bridged-hub.js';
import { freePort } from '../../test/support/ports.js';
import { launchMosquitto } from './_mosquitto.js';

/** run.ts starts benches with --expose-gc. */
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const round = (value: number, digits = 0) => Math.round(value * 10 ** digits) / 10 ** digits;
/** Wall-clock milliseconds with sub-millisecond resolution (Date.now() rounds to whole ones). */
const now = () => performance.timeOrigin + performance.now();
const scratch: string[] = [];
const brokers: ChildProcess[] = [];

async function scratchDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hearth-bench-uplink-'));
  scratch.push(dir);
  return dir;
}

async function startBroker(port: number): Promise<ChildProcess> {
  const child = await launchMosquitto(port, await scratchDir());
  brokers.push(child);
  return child;
}

async function stopBroker(child: ChildProcess): Promise<void> {
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await gone;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
}

interface Hub {
  devices: DeviceService;
  bridge: UplinkBridge;
  ids: string[];
  stop: () => Promise<void>;
}

async function startHub(port: number, stateDir: string, drainRatePerS: number, startupWaitMs = 5000, reconnectMs = 100): Promise<Hub> {
  const hub = await startBridgedHub(
    {
      hubId: 'bench',
      stateDir,
      uplink: { port, startupWaitMs, reconnectMinMs: reconnectMs, reconnectMaxMs: 2 * reconnectMs, drainRatePerS, healthIntervalS: 0 },
    },
    { mailboxCapacity: 1_000_000 },
  );
  const ids = Array.from({ length: 100 }, (_, i) => `zigbee:0x${i.toString(16).padStart(16, '0')}`);
  ids.forEach((id, i) => {
    if (hub.devices.device(id) === undefined)
      hub.devices.addDevice({
        id,
        friendlyName: `button${i}`,
        radio: 'zigbee',
        capabilities: [{ type: 'enum', name: 'action', property: 'action', access: 1, values: ['single'] }],
      });
  });
  return { devices: hub.devices, bridge: hub.bridge, ids, stop: hub.stop };
}

/**
 * A QoS 1 subscriber that calls `onMessage` with each event's `t` (send time) and `n`. Only
 * events count: a hub also publishes the device's state beside each event (as Zigbee2MQTT does).
 */
async function subscriber(port: number, filter: string, onMessage: (t: number, n: number) => void): Promise<MqttClient> {
  const client = await connectAsync(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0 });
  client.on('message', (_topic, payload, packet) => {
    const body = JSON.parse(payload.toString()) as { t?: number; n?: number; action?: string };
    if (body.action !== undefined && body.t !== undefined && body.n !== undefined && !packet.retain) onMessage(body.t, body.n);
  });
  await client.subscribeAsync(filter, { qos: 1 });
  return client;
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  for (const began = performance.now(); !check();) {
    if (performance.now() - began > timeoutMs) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function hubThroughput(port: number, count: number): Promise<number> {
  const hub = await startHub(port, await scratchDir(), 1_000_000);
  let received = 0;
  const sub = await subscriber(port, 'hearth/bench/+', () => received++);
  const started = performance.now();
  for (let n = 0; n < count; n++) void hub.devices.report(hub.ids[n % hub.ids.length] as string, { action: 'single', n, t: Date.now() });
  await until(() => received >= count, 120_000, 'hub throughput');
  const seconds = (performance.now() - started) / 1000;
  await sub.endAsync();
  await hub.stop();
  return count / seconds;
}

/**
 * Plain mqtt.js at QoS 1: with `withState`, what the hub publishes for each report (the
 * device's state, retained, then the event, same topic), else the events alone.
 */
async function rawThroughput(port: number, count: number, withState: boolean): Promise<number> {
  const publisher = await connectAsync(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0 });
  let received = 0;
  const sub = await subscriber(port, 'raw/+', () => received++);
  const started = performance.now();
  for (let n = 0; n < count; n++) {
    const topic = `raw/button${n % 100}`;
    const lastSeen = new Date().toISOString();
    if (withState) void publisher.publishAsync(topic, JSON.stringify({ last_seen: lastSeen }), { qos: 1, retain: true });
    void publisher.publishAsync(topic, JSON.stringify({ action: 'single', n, t: Date.now(), last_seen: lastSeen }), { qos: 1 });
  }
  await until(() => received >= count, 120_000, 'raw throughput');
  const seconds = (performance.now() - started) / 1000;
  await sub.endAsync();
  await publisher.endAsync();
  return count / seconds;
}

/**
 * Latencies at a steady rate: `send(n)` publishes event n stamped with now(). The first
 * `warmupS` seconds run at the same rate and are returned apart.
 */
async function steadyLatency(
  port: number,
  filter: string,
  send: (n: number) => void,
  ratePerS: number,
  seconds: number,
  warmupS = 1,
): Promise<{ measured: number[]; warmup: number[] }> {
  // each run starts from a collected heap, so none pays for the garbage of the phase before it
  gc();
  await new Promise((resolve) => setTimeout(resolve, 100));
  const warmup = ratePerS * warmupS;
  const latencies: number[] = [];
  let received = 0;
  const sub = await subscriber(port, filter, (t, n) => {
    if (latencies[n] === undefined) received++;
    latencies[n] = now() - t;
  });
  const total = warmup + ratePerS * seconds;
  const started = performance.now();
  for (let n = 0; n < total; n++) {
    const due = started + (n * 1000) / ratePerS;
    while (performance.now() < due) await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
    send(n);
  }
  await until(() => received >= total, 60_000, 'steady latency');
  await sub.endAsync();
  return { measured: latencies.slice(warmup).sort((a, b) => a - b), warmup: latencies.slice(0, warmup).sort((a, b) => a - b) };
}

async function drain(port: number, broker: ChildProcess, count: number): Promise<{ rate: number; broker: ChildProcess }> {
  const dir = await scratchDir();
  await stopBroker(broker);
  // the hub retries the broker every 1-2 s, so the subscriber below is almost always in before
  // the hub is back (with 100-200 ms the hub often drained part of its backlog to nobody first,
  // and the run waited for messages that had gone: 2 runs in 5 hung so)
  const hub = await startHub(port, dir, 1_000_000, 0, 1000);
  for (let n = 0; n < count; n++) {
    await hub.devices.report(hub.ids[n % hub.ids.length] as string, { action: 'single', n, t: Date.now() });
  }
  await hub.bridge.outbox.flush();
  if (hub.bridge.outbox.size < count) throw new Error(`backlog holds ${hub.bridge.outbox.size} of ${count}`);
  const restarted = await startBroker(port);
  let received = 0;
  let started = 0;
  let last = false;
  const sub = await subscriber(port, 'hearth/bench/+', (_t, n) => {
    // timed from the first message: the hub's reconnect delay is no part of the drain
    if (received++ === 0) started = performance.now();
    if (n === count - 1) last = true;
  });
  // the backlog leaves in order: the last report arriving means the drain is done (should the
  // hub have come back a moment before the subscriber, the few it missed are not waited for)
  await until(() => last, 300_000, `backlog drain (${received} of ${count} arrived)`);
  const seconds = (performance.now() - started) / 1000;
  await sub.endAsync();
  await hub.stop();
  return { rate: received / seconds, broker: restarted };
}

try {
  const port = await freePort();
  let broker = await startBroker(port);
  const count = 20_000;
  const raw = await rawThroughput(port, count, true);
  const rawEventsOnly = await rawThroughput(port, count, false);
  const hub = await hubThroughput(port, count);
  process.stderr.write(
    `throughput (events/s): hub ${round(hub)}, raw mqtt.js publishing what the hub publishes ${round(raw)}, raw publishing the events alone ${round(rawEventsOnly)}\n`,
  );

  const steadyHub = await startHub(port, await scratchDir(), 1_000_000);
  const hubRun = await steadyLatency(
    port,
    'hearth/bench/+',
    (n) => void steadyHub.devices.report(steadyHub.ids[n % 100] as string, { action: 'single', n, t: now() }),
    1000,
    10,
  );
  const hubLatency = hubRun.measured;
  await steadyHub.stop();
  const rawClient = await connectAsync(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0 });
  // what the hub publishes for each report: the device's state (retained), then the event
  const rawRun = await steadyLatency(
    port,
    'raw/+',
    (n) => {
      const topic = `raw/button${n % 100}`;
      const t = now();
      void rawClient.publishAsync(topic, JSON.stringify({ n, t, last_seen: new Date().toISOString() }), { qos: 1, retain: true });
      void rawClient.publishAsync(topic, JSON.stringify({ n, t, action: 'single' }), { qos: 1 });
    },
    1000,
    10,
  );
  const rawLatency = rawRun.measured;
  const eventsOnlyRun = await steadyLatency(
    port,
    'raw/+',
    (n) => void rawClient.publishAsync(`raw/button${n % 100}`, JSON.stringify({ action: 'single', n, t: now() }), { qos: 1 }),
    1000,
    10,
  );
  const eventsOnly = eventsOnlyRun.measured;
  await rawClient.endAsync();
  const ms = (sorted: number[], p: number) => round(percentile(sorted, p), 2);
  process.stderr.write(
    `latency at 1,000/s: hub p50 ${ms(hubLatency, 0.5)} ms p99 ${ms(hubLatency, 0.99)} ms; raw p50 ${ms(rawLatency, 0.5)} ms p99 ${ms(rawLatency, 0.99)} ms; ` +
      `raw events only p50 ${ms(eventsOnly, 0.5)} ms p99 ${ms(eventsOnly, 0.99)} ms (warm-up p99: hub ${ms(hubRun.warmup, 0.99)} ms, raw ${ms(rawRun.warmup, 0.99)} ms)\n`,
  );

  const drained = await drain(port, broker, 100_000);
  broker = drained.broker;
  process.stderr.write(`backlog of 100,000 drained at ${round(drained.rate)} msgs/s\n`);
  await stopBroker(broker);

  console.log(
    JSON.stringify({
      bench: 'uplink',
      hub_msgs_per_s: round(hub),
      raw_mqttjs_msgs_per_s: round(raw),
      throughput_ratio: round(hub / raw, 2),
      raw_events_only_msgs_per_s: round(rawEventsOnly),
      throughput_ratio_events_only: round(hub / rawEventsOnly, 2),
      p50_ms: ms(hubLatency, 0.5),
      p99_ms: ms(hubLatency, 0.99),
      raw_p50_ms: ms(rawLatency, 0.5),
      raw_p99_ms: ms(rawLatency, 0.99),
      p99_ratio: round(percentile(hubLatency, 0.99) / Math.max(0.01, percentile(rawLatency, 0.99)), 2),
      raw_events_only_p50_ms: ms(eventsOnly, 0.5),
      raw_events_only_p99_ms: ms(eventsOnly, 0.99),
      p99_ratio_events_only: round(percentile(hubLatency, 0.99) / Math.max(0.01, percentile(eventsOnly, 0.99)), 2),
      warmup_p99_ms: ms(hubRun.warmup, 0.99),
      raw_warmup_p99_ms: ms(rawRun.warmup, 0.99),
      drain_msgs_per_s: round(drained.rate),
      node: process.version,
    }),
  );
} finally {
  for (const child of brokers) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true })));
}
