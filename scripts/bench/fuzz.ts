/**
 * Benchmark `fuzz`: hostile MQTT input against the real `hearth start` (a child process, two
 * GPIO relays on simulated pins) and a Mosquitto it starts. Sends hostile messages
 * (test/support/hostile-messages.ts: deep nesting, huge key counts, oversized, wrong types,
 * prototype keys, unknown commands, binary junk, hostile names, to bridge/request/* and
 * <device>/set) first at a steady rate, then in bursts, with a valid command every 20th
 * message, each with an MQTT 5 response topic of its own. Then it waits for every answer.
 *
 * Prints one JSON object as last line: crashes (the hub exited), unanswered_requests (hostile
 * messages the hub should have answered and did not), actor_restarts and actor_failures (from
 * /metrics), max_error_answer_bytes (target ≤ 4096, over response topics, bridge/response and
 * bridge/event), rss_before_mb / rss_after_mb (the hub's, after a GC; target ratio ≤ 1.1),
 * valid_command_p50_ms / p99_ms (publish to answer), log_lines and log_bytes (the hub's stdout).
 *
 * Usage: npm run bench -- fuzz [messages, default 10000] [steady rate per s, default 250] [burst size, default 1000]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectAsync, type MqttClient } from 'mqtt';
import { stringify } from 'yaml';
import { hostileMessage, seededRandom } from '../../test/support/hostile-messages.js';
import { freePort } from '../../test/support/ports.js';
import { launchMosquitto } from './_mosquitto.js';

const total = Number(process.argv[2] ?? 10_000);
const ratePerS = Number(process.argv[3] ?? 250);
const burstSize = Number(process.argv[4] ?? 1000);
const MAX_PAYLOAD_BYTES = 65_536;
const base = 'hearth/fuzz';
const scratch = await mkdtemp(join(tmpdir(), 'hearth-bench-fuzz-'));
const main = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const gcPreload = fileURLToPath(new URL('_gc-on-request.ts', import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 10) / 10;
};

let broker: ChildProcess | undefined;
let hub: ChildProcess | undefined;
let client: MqttClient | undefined;

/** The hub's RSS in bytes after a GC (via the preloaded _gc-on-request.ts). */
function rssAfterGc(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (message) => resolve((message as { rss: number }).rss));
    child.send('gc');
  });
}

try {
  const port = await freePort();
  const metricsPort = await freePort();
  broker = await launchMosquitto(port, scratch);
  const config = join(scratch, 'hearth.yaml');
  await writeFile(
    config,
    stringify({
      hubId: 'fuzz',
      stateDir: join(scratch, 'state'),
      logging: { format: 'json' },
      metrics: { enabled: true, host: '127.0.0.1', port: metricsPort },
      uplink: { port, startupWaitMs: 5000, healthIntervalS: 0, maxPayloadBytes: MAX_PAYLOAD_BYTES },
      radios: {
        gpio: {
          enabled: true,
          simulate: true,
          devices: [
            { type: 'relay', pin: 17, name: 'lamp' },
            { type: 'relay', pin: 22, name: 'victim' },
          ],
        },
      },
    }),
  );
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', '--import', gcPreload, main, 'start', '--config', config], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { PATH: process.env.PATH ?? '', HOME: scratch },
  });
  hub = child;
  let logLines = 0;
  let logBytes = 0;
  let ready = false;
  let pending = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    logBytes += chunk.length;
    pending += chunk.toString();
    let newline;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      logLines++;
      if (line.includes('"msg":"hearth is ready"')) ready = true;
    }
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let exited: number | string | undefined;
  child.on('exit', (code, signal) => (exited = code ?? signal ?? 'unknown'));
  for (const began = Date.now(); !ready; await sleep(50)) {
    if (exited !== undefined || Date.now() - began > 60_000) throw new Error(`the hub did not start (${String(exited)}): ${stderr}`);
  }

  const mqtt = await connectAsync(`mqtt://127.0.0.1:${port}`, { protocolVersion: 5, reconnectPeriod: 0 });
  client = mqtt;
  const answered = new Set<string>();
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let maxErrorAnswerBytes = 0;
  let validFailed = 0;
  /** The codes of the valid commands' error answers, and how many of each. */
  const validFailureCodes: Record<string, number> = {};
  let victimId: string | undefined;
  mqtt.on('message', (topic, payload) => {
    const text = payload.toString();
    if (topic === `${base}/bridge/devices`) {
      victimId ??= (JSON.parse(text) as { id: string; friendly_name: string }[]).find((device) => device.friendly_name === 'victim')?.id;
      return;
    }
    if (text.includes('"error"') || text.includes('command_failed')) maxErrorAnswerBytes = Math.max(maxErrorAnswerBytes, payload.length);
    if (!topic.startsWith('answers/')) return;
    const id = topic.slice('answers/'.length);
    answered.add(id);
    const began = sentAt.get(id);
    if (began !== undefined) {
      latencies.push(performance.now() - began);
      if (!text.includes('"status":"ok"')) {
        validFailed++;
        const code = /"code":"([A-Z_]+)"/.exec(text)?.[1] ?? 'none';
        validFailureCodes[code] = (validFailureCodes[code] ?? 0) + 1;
      }
    }
  });
  await mqtt.subscribeAsync(['answers/#', `${base}/bridge/response/#`, `${base}/bridge/event`, `${base}/bridge/devices`], { qos: 1 });
  for (const began = Date.now(); victimId === undefined; await sleep(20))
    if (Date.now() - began > 10_000) throw new Error('no victim device in bridge/devices');
  const victim = victimId;

  let next = 0;
  let state = false;
  const expected: string[] = [];
  const sendValid = (): Promise<unknown> => {
    const id = `v${next++}`;
    state = !state;
    sentAt.set(id, performance.now());
    return mqtt.publishAsync(`${base}/lamp/set`, JSON.stringify({ state: state ? 'ON' : 'OFF' }), {
      qos: 1,
      properties: { responseTopic: `answers/${id}` },
    });
  };
  // warm-up: valid commands only, then the starting RSS
  for (let i = 0; i < 200; i++) await sendValid();
  for (const began = Date.now(); latencies.length < 200 && Date.now() - began < 30_000;) await sleep(20);
  latencies.length = 0;
  const rssBefore = await rssAfterGc(child);

  const random = seededRandom(20_261_201);
  const sendOne = (i: number): Promise<unknown> => {
    if (i % 20 === 0) return sendValid();
    const message = hostileMessage(random, { device: 'lamp', victimId: victim, maxPayloadBytes: MAX_PAYLOAD_BYTES });
    const id = `h${next++}`;
    if (message.answered) expected.push(id);
    return mqtt.publishAsync(`${base}/${message.topic}`, message.payload, { qos: 1, properties: { responseTopic: `answers/${id}` } });
  };
  const steady = Math.floor(total * 0.6);
  const started = performance.now();
  for (let i = 0; i < steady; i++) {
    const due = started + (i * 1000) / ratePerS;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    void sendOne(i);
  }
  for (let i = steady; i < total;) {
    const burst: Promise<unknown>[] = [];
    for (let n = 0; n < burstSize && i < total; n++, i++) burst.push(sendOne(i));
    await Promise.all(burst);
    await sleep(2000);
  }
  for (const began = Date.now(); expected.some((id) => !answered.has(id)) && Date.now() - began < 60_000 && exited === undefined;)
    await sleep(100);
  // what the hub holds once the storm is over
  await sleep(2000);
  const rssAfter = exited === undefined ? await rssAfterGc(child) : 0;
  const metrics = exited === undefined ? await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text() : '';
  const sum = (name: string) =>
    [...metrics.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+(?:\\.\\d+)?)$`, 'gm'))].reduce(
      (acc, match) => acc + Number(match[1]),
      0,
    );
  const result = {
    messages: total,
    steady_rate_per_s: ratePerS,
    burst_size: burstSize,
    valid_commands: latencies.length,
    valid_commands_failed: validFailed,
    valid_command_failure_codes: validFailureCodes,
    crashes: exited === undefined ? 0 : 1,
    unanswered_requests: expected.filter((id) => !answered.has(id)).length,
    actor_restarts: sum('hearth_actor_restarts_total'),
    actor_failures: sum('hearth_actor_failures_total'),
    max_error_answer_bytes: maxErrorAnswerBytes,
    rss_before_mb: mb(rssBefore),
    rss_after_mb: mb(rssAfter),
    rss_ratio: Math.round((rssAfter / rssBefore) * 1000) / 1000,
    valid_command_p50_ms: percentile(latencies, 50),
    valid_command_p99_ms: percentile(latencies, 99),
    log_lines: logLines,
    log_bytes: logBytes,
    warnings_suppressed: sum('hearth_command_failure_warnings_suppressed_total'),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await client?.endAsync(true).catch(() => undefined);
  hub?.kill('SIGKILL');
  broker?.kill('SIGKILL');
  await rm(scratch, { recursive: true, force: true }).catch(() => undefined);
}
