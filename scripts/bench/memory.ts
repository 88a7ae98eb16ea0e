/**
 * Benchmark `memory`: RSS and heap of the compiled hub (src/hub.ts on plain node, no tsx)
 * right after start and after SECONDS idle (default 120), with (a) only Zigbee enabled, 200
 * simulated devices (the zigbee bench's mix), (b) all three radios (the demo's Z-Wave mock
 * network and GPIO pins beside them), and (b) with 1,000 and 10,000 registered devices (Zigbee
 * records in the registry beyond the 200 on the network). Beside each, the library floor: node
 * loading the same libraries and nothing else, in the same run. The hub's node runs with the V8
 * settings of systemd/hearth.service's ExecStart (what a hub runs); NODE_FLAGS (e.g.
 * "--max-semi-space-size=1", or "none") replaces them, to compare V8 settings; MALLOC_* and
 * GLIBC_TUNABLES are handed on, to compare glibc's malloc settings; CASES
 * (comma-separated names, e.g. "b_all_radios") runs only those cases.
 *
 * Usage: npm run bench -- memory [seconds] [zigbee devices]
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../test/support/ports.js';
import { compiledTree, rssMb } from './_compiled.js';
import { LeanHubProcess, sleep, type LeanHubSettings } from './_lean-hub-process.js';
import { launchMosquitto } from './_mosquitto.js';
import { benchMallocEnvironment, benchNodeFlags } from './_unit-flags.js';

const seconds = Number(process.argv[2] ?? 120);
const zigbee = Number(process.argv[3] ?? 200);
const nodeFlags = benchNodeFlags();
const COMMON = ['mqtt', 'pino', 'lowdb', 'zod', 'yaml', 'prom-client', 'cockatiel'];
const ZIGBEE = ['zigbee-herdsman', 'zigbee-herdsman-converters'];
const ZWAVE = ['zwave-js', '@zwave-js/testing'];
const scratch = await mkdtemp(join(tmpdir(), 'hearth-bench-memory-'));
const tree = await compiledTree();
let broker: ChildProcess | undefined;

function floor(libraries: string[]): { rss_mb: number; heap_used_mb: number } {
  const run = spawnSync(process.execPath, ['--expose-gc', ...nodeFlags, tree.script('scripts/bench/_library-floor.ts'), ...libraries], {
    encoding: 'utf8',
    cwd: tree.out,
    env: { ...process.env, ...benchMallocEnvironment() },
  });
  if (run.status !== 0) throw new Error(`library floor failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1) as string) as { rss_mb: number; heap_used_mb: number };
}

try {
  const port = await freePort();
  broker = await launchMosquitto(port, scratch);
  const script = tree.script('scripts/bench/_lean-hub.ts');
  // one pairing for every case: each starts on a copy of the paired state
  const paired = join(scratch, 'paired');
  const pairing = new LeanHubProcess(script, { stateDir: paired, port, radios: 'all', zigbee });
  await pairing.next('ready');
  await pairing.stop();
  const cases: { name: string; radios: LeanHubSettings['radios']; registered: number; libraries: string[] }[] = [
    { name: 'a_zigbee_only', radios: 'zigbee', registered: 0, libraries: [...COMMON, ...ZIGBEE] },
    { name: 'b_all_radios', radios: 'all', registered: 0, libraries: [...COMMON, ...ZIGBEE, ...ZWAVE] },
    { name: 'b_all_radios_1k_registered', radios: 'all', registered: 1000, libraries: [...COMMON, ...ZIGBEE, ...ZWAVE] },
    { name: 'b_all_radios_10k_registered', radios: 'all', registered: 10_000, libraries: [...COMMON, ...ZIGBEE, ...ZWAVE] },
  ];
  const only = process.env.CASES?.split(',');
  const results: Record<string, unknown> = {};
  for (const each of cases.filter((c) => only === undefined || only.includes(c.name))) {
    const stateDir = join(scratch, each.name);
    await cp(paired, stateDir, { recursive: true });
    const hub = new LeanHubProcess(script, { stateDir, port, radios: each.radios, zigbee, registered: each.registered }, nodeFlags);
    const ready = await hub.next('ready');
    const afterStart = {
      rss_mb: ready.rss_mb,
      heap_used_mb: ready.heap_used_mb,
      external_mb: ready.external_mb,
      anonymous_mb: ready.anonymous_mb,
    };
    await sleep(seconds * 1000);
    const rssIdle = await rssMb(hub.pid);
    const idle = await hub.memory();
    await hub.stop();
    const libraries = floor(each.libraries);
    results[each.name] = {
      devices: idle.devices,
      after_start: afterStart,
      after_idle: {
        rss_mb: rssIdle,
        heap_used_mb: idle.heap_used_mb,
        heap_total_mb: idle.heap_total_mb,
        external_mb: idle.external_mb,
        array_buffers_mb: idle.array_buffers_mb,
        anonymous_mb: idle.anonymous_mb,
      },
      library_floor: libraries,
    };
    process.stderr.write(`${each.name}: ${JSON.stringify(results[each.name])}\n`);
  }
  const rssOf = (name: string) => (results[name] as { after_idle: { rss_mb: number } } | undefined)?.after_idle.rss_mb ?? NaN;
  console.log(
    JSON.stringify({
      bench: 'memory',
      idle_s: seconds,
      zigbee_devices: zigbee,
      node_flags: nodeFlags.join(' '),
      ...results,
      rss_growth_1k_to_10k_pct: Math.round((rssOf('b_all_radios_10k_registered') / rssOf('b_all_radios_1k_registered') - 1) * 1000) / 10,
      node: process.version,
    }),
  );
} catch (error) {
  process.stderr.write(`bench failed: ${String(error)}\n`);
  process.exitCode = 1;
} finally {
  broker?.kill('SIGKILL');
  await rm(scratch, { recursive: true, force: true, maxRetries: 5 });
  await tree.remove();
}
