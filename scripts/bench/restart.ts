/**
 * Benchmark `restart`: how soon the compiled hub, restarted with 200 known Zigbee devices
 * (the zigbee bench's mix on the simulated network), has told the broker what it knows. A
 * first life pairs the network and reports each device's state; the second life starts on a
 * fresh Mosquitto (no retained messages, as after a broker restart without persistence, so
 * only what this life publishes counts), and the time is from its process start (the spawn)
 * to a `bridge/devices` that lists every device and a retained state for every device that
 * had reported a value. Runs RUNS restarts (default 3) and reports the median and the worst.
 *
 * Also reported: when the hub's modules were loaded (`modules_loaded_ms`, the process's age), and
 * the CPU time the hub had used then and once the broker had acknowledged `bridge/devices` and
 * every state (`cpu_ms_at_loaded`, `cpu_ms_at_known`: what a busy machine stretches into the
 * wall-clock figures, less sensitive to the load than they are). With HEARTH_BENCH_PROFILE=<folder>,
 * each restarted hub is sampled by V8's profiler from its first module to the complete moment
 * (_startup-profile.ts: `restart-<n>.cpuprofile` there) and logs its parts' start times (debug)
 * to the bench's stderr: where the time from the spawn goes. A profiled run's figures are off.
 * The hub runs with the V8 settings of systemd/hearth.service's ExecStart, or NODE_FLAGS
 * (`none`: none) (_unit-flags.ts).
 *
 * Usage: npm run bench -- restart [runs] [zigbee devices]
 */
import type { ChildProcess } from 'node:child_process';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { freePort } from '../../test/support/ports.js';
import { compiledTree, rssMb } from './_compiled.js';
import { LeanHubProcess, sleep } from './_lean-hub-process.js';
import { launchMosquitto } from './_mosquitto.js';
import { benchNodeFlags } from './_unit-flags.js';

const runs = Number(process.argv[2] ?? 3);
const zigbee = Number(process.argv[3] ?? 200);
const BASE = 'hearth/bench';
const nodeFlags = benchNodeFlags();
const profileDir = process.env.HEARTH_BENCH_PROFILE;
const scratch = await mkdtemp(join(tmpdir(), 'hearth-bench-restart-'));
const tree = await compiledTree();
const brokers: ChildProcess[] = [];

/** A state with a value the device reported (not only `last_seen` and placeholders). */
function hasValues(payload: string): boolean {
  try {
    const state = JSON.parse(payload) as Record<string, unknown>;
    return Object.entries(state).some(([key, value]) => key !== 'last_seen' && value !== null);
  } catch {
    return false;
  }
}

/** Follows the retained device states and `bridge/devices` on a broker. */
class Watch {
  devices: string[] = [];
  readonly stated = new Set<string>();
  lastMessageAt = performance.now();
  private constructor(readonly client: MqttClient) {
    client.on('message', (topic, payload) => {
      this.lastMessageAt = performance.now();
      const rest = topic.slice(BASE.length + 1);
      if (rest === 'bridge/devices') {
        const list = JSON.parse(payload.toString()) as { friendly_name: string; radio: string }[];
        this.devices = list.filter((device) => device.radio === 'zigbee').map((device) => device.friendly_name);
      } else if (!rest.startsWith('bridge/') && !rest.endsWith('/availability') && hasValues(payload.toString())) this.stated.add(rest);
    });
  }
  static async on(port: number): Promise<Watch> {
    const client = await connectAsync(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0 });
    const watch = new Watch(client);
    await client.subscribeAsync(`${BASE}/#`, { qos: 1 });
    return watch;
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

try {
  const stateDir = join(scratch, 'state');
  const script = tree.script('scripts/bench/_lean-hub.ts');
  const firstPort = await freePort();
  brokers.push(await launchMosquitto(firstPort, join(scratch)));
  const firstWatch = await Watch.on(firstPort);
  const first = new LeanHubProcess(script, { stateDir, port: firstPort, radios: 'zigbee', zigbee }, nodeFlags);
  await first.next('ready');
  // every device's first reports have reached the broker: nothing for 2 s
  while (performance.now() - firstWatch.lastMessageAt < 2000) await sleep(100);
  await first.stop();
  await firstWatch.client.endAsync(true);
  const stated = [...firstWatch.stated].filter((name) => firstWatch.devices.includes(name));
  process.stderr.write(`first life: ${firstWatch.devices.length} devices, ${stated.length} with a state\n`);

  const samples: {
    complete_ms: number;
    devices_ms: number;
    loaded_ms: number;
    rss_mb: number;
    loaded_cpu_ms: number;
    known_cpu_ms: number;
  }[] = [];
  for (let run = 0; run < runs; run++) {
    const port = await freePort();
    const dir = await mkdtemp(join(scratch, 'broker-'));
    const broker = await launchMosquitto(port, dir);
    brokers.push(broker);
    const watch = await Watch.on(port);
    const hub =
      profileDir === undefined
        ? new LeanHubProcess(script, { stateDir, port, radios: 'zigbee', zigbee }, nodeFlags)
        : new LeanHubProcess(
            script,
            { stateDir, port, radios: 'zigbee', zigbee, logLevel: 'debug' },
            [...nodeFlags, '--import', tree.script('scripts/bench/_startup-profile.ts')],
            { HEARTH_BENCH_PROFILE_FILE: join(profileDir, `restart-${run + 1}.cpuprofile`) },
          );
    if (profileDir !== undefined) {
      hub.child.stderr?.pipe(process.stderr);
      void hub.next('loaded').then((step) => process.stderr.write(`${JSON.stringify(step)}\n`));
    }
    let devicesMs: number | undefined;
    for (;;) {
      if (devicesMs === undefined && watch.devices.length >= firstWatch.devices.length) devicesMs = performance.now() - hub.spawnedAt;
      if (devicesMs !== undefined && stated.every((name) => watch.stated.has(name))) break;
      if (performance.now() - hub.spawnedAt > 120_000)
        throw new Error(
          `no complete restart within 120 s: bridge/devices lists ${watch.devices.length}, states of ${stated.filter((name) => watch.stated.has(name)).length}/${stated.length}`,
        );
      await sleep(1);
    }
    const completeMs = performance.now() - hub.spawnedAt;
    if (profileDir !== undefined) {
      hub.child.kill('SIGUSR2');
      const written = join(profileDir, `restart-${run + 1}.cpuprofile`);
      while (
        !(await access(written).then(
          () => true,
          () => false,
        ))
      )
        await sleep(50);
    }
    const rss = await rssMb(hub.pid);
    const [loaded, known] = [await hub.next('loaded'), await hub.next('known')];
    await hub.next('ready');
    await hub.stop();
    await watch.client.endAsync(true);
    broker.kill('SIGKILL');
    samples.push({
      complete_ms: completeMs,
      devices_ms: devicesMs ?? NaN,
      loaded_ms: loaded.uptime_ms,
      rss_mb: rss,
      loaded_cpu_ms: loaded.cpu_ms ?? NaN,
      known_cpu_ms: known.cpu_ms ?? NaN,
    });
    process.stderr.write(
      `restart ${run + 1}/${runs}: modules loaded ${loaded.uptime_ms} ms (process age, CPU ${loaded.cpu_ms} ms), bridge/devices ${Math.round(devicesMs ?? NaN)} ms, every state ${Math.round(completeMs)} ms, CPU ${known.cpu_ms} ms when all acknowledged\n`,
    );
  }
  const round = (value: number) => Math.round(value);
  console.log(
    JSON.stringify({
      bench: 'restart',
      zigbee_devices: zigbee,
      states: stated.length,
      complete_ms: round(median(samples.map((s) => s.complete_ms))),
      complete_ms_max: round(Math.max(...samples.map((s) => s.complete_ms))),
      bridge_devices_ms: round(median(samples.map((s) => s.devices_ms))),
      modules_loaded_ms: round(median(samples.map((s) => s.loaded_ms))),
      rss_mb_at_complete: median(samples.map((s) => s.rss_mb)),
      // the hub's CPU time (user + system, every thread) when its modules were loaded, and when the
      // broker had acknowledged bridge/devices and every state: the work a busy machine stretches
      cpu_ms_at_loaded: round(median(samples.map((s) => s.loaded_cpu_ms))),
      cpu_ms_at_known: round(median(samples.map((s) => s.known_cpu_ms))),
      runs,
      node_flags: nodeFlags.join(' '),
      node: process.version,
    }),
  );
} catch (error) {
  process.stderr.write(`restart bench failed: ${String(error)}\n`);
  process.exitCode = 1;
} finally {
  for (const broker of brokers) broker.kill('SIGKILL');
  await rm(scratch, { recursive: true, force: true, maxRetries: 5 });
  await tree.remove();
}
