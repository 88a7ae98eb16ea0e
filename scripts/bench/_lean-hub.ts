/**
 * Part of `npm run bench -- idle|restart|memory`, in its own (compiled) process: the hub of
 * src/hub.ts with the demo's radios — a simulated Zigbee network of HEARTH_BENCH's `zigbee`
 * devices (the zigbee bench's mix), and with `radios: all` the demo's Z-Wave mock network and
 * GPIO pins — on the broker at `port`, state in `stateDir`. No demo activity: once every device
 * is there and the outbox has drained, the hub has nothing to do. `registered` more Zigbee records are put in the registry
 * before the start (known devices that are not on the network). Prints one JSON line per step
 * ({"step":"loaded"|"known"|"started"|"ready"|"memory",…}); answers "memory" on stdin with its memory; stops on SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pino } from 'pino';
import { configSchema } from '../../src/config/schema.js';
import type { SimulatedParts, SimulatedZigbee } from '../../src/radios/simulated-parts.js';
import { withoutStackRewriting } from '../../src/radios/without-stack-rewriting.js';
import { isExpectedZWaveRejection } from '../../src/radios/zwave/expected-zwave-rejection.js';
import { DeviceRegistry } from '../../src/store/device-registry.js';
import { startBridgedHub } from '../../test/support/bridged-hub.js';

interface BenchHub {
  stateDir: string;
  port: number;
  radios: 'zigbee' | 'all';
  zigbee: number;
  registered?: number;
  /** The hub's log level on stderr (warn unless a probe wants more). */
  logLevel?: string;
}

const settings = JSON.parse(process.env.HEARTH_BENCH ?? '{}') as BenchHub;
const log = pino({ level: settings.logLevel ?? 'warn' }, pino.destination(2));
const memory = () => {
  const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
  const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
  // anonymous memory (the heaps: V8's and malloc's) and file-backed (code, mapped libraries) from the kernel
  const rollup = readFileSync('/proc/self/smaps_rollup', 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(rollup)?.[1] ?? NaN);
  return {
    rss_mb: mb(rss),
    heap_used_mb: mb(heapUsed),
    heap_total_mb: mb(heapTotal),
    // `external` includes `arrayBuffers` (Buffers' native memory)
    external_mb: mb(external),
    array_buffers_mb: mb(arrayBuffers),
    anonymous_mb: mb(kb('Anonymous') * 1024),
  };
};
/** CPU milliseconds (user + system, every thread) the process has used. */
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return Math.round((user + system) / 1000);
};
const say = (step: string, more: Record<string, unknown> = {}) =>
  process.stdout.write(`${JSON.stringify({ step, uptime_ms: Math.round(process.uptime() * 1000), ...more })}\n`);

async function seedRegistry(count: number): Promise<void> {
  const registry = new DeviceRegistry({
    dir: join(settings.stateDir, 'registry'),
    shards: configSchema.parse({}).store.registryShards,
    writeIntervalMs: 0,
    log,
  });
  await registry.load();
  for (let n = 0; n < count; n++) {
    const ieee = `0x00ff${n.toString(16).padStart(12, '0')}`;
    if (registry.get(`zigbee:${ieee}`) === undefined)
      registry.put({ id: `zigbee:${ieee}`, friendlyName: `known-${n}`, radio: 'zigbee', model: 'WSDCGQ11LM', vendor: 'Aqara' });
  }
  await registry.flush();
}

// zwave-js's known stray rejections are the radio's to deal with, as in `hearth start`; and on a
// loaded machine zwave-js's mock controller rejects from its own behaviours when a mock node is
// late ("did not send the expected frame"): the bench's hardware, not the hub, so it goes on
process.on('unhandledRejection', (error) => {
  if (isExpectedZWaveRejection(error)) return;
  log.warn({ err: error }, 'unhandled rejection (the bench goes on)');
});

// the modules are loaded (`at`: the wall clock, to place the hub's log lines after the spawn)
say('loaded', { at: Date.now(), cpu_ms: cpuMs() });
if (settings.registered !== undefined && settings.registered > 0) await seedRegistry(settings.registered);

const kinds = Array.from({ length: settings.zigbee }, (_, i) => (['climate', 'plug', 'bulb', 'door'] as const)[i % 4] as 'climate');
// built at the Zigbee radio's first start, as `simulate` builds the demo's: herdsman (which the
// simulator uses) loads then, after the hub has published what its store knows
const zigbee = async (): Promise<SimulatedZigbee> => {
  const [{ SimulatedZigbeeNetwork }, { registerSimulatedNetwork }] = await Promise.all([
    import('../../src/radios/zigbee/simulator/simulated-network.js'),
    import('../../src/radios/zigbee/simulator/adapter-hook.js'),
  ]);
  const network = new SimulatedZigbeeNetwork(kinds);
  const path = registerSimulatedNetwork(network, 'bench');
  return {
    network,
    serialPath: path,
    options: {
      controller: {
        network: {
          panID: 0x2b2b,
          extendedPanID: [1, 2, 3, 4, 5, 6, 7, 8],
          channelList: [15],
          networkKey: [...Buffer.from('00112233445566778899aabbccddeeff', 'hex')],
        },
        serialPort: { path },
        databasePath: join(settings.stateDir, 'database.db'),
        databaseBackupPath: join(settings.stateDir, 'database.db.backup'),
        backupPath: join(settings.stateDir, 'coordinator_backup.json'),
        adapter: { disableLED: false },
      },
    },
  };
};
const simulated: SimulatedParts = { zigbee };
if (settings.radios === 'all') {
  // loaded as the hub loads zwave-js (radios-from-config.ts): without its stack-trace rewriting
  const [{ SimulatedZWaveNetwork }, { SIMULATED_KINDS }, { InProcessPins }] = await withoutStackRewriting(() =>
    Promise.all([
      import('../../src/radios/zwave/simulator/simulated-network.js'),
      import('../../src/radios/zwave/simulator/simulated-devices.js'),
      import('../../src/radios/gpio/simulator/in-process-pins.js'),
    ]),
  );
  const zwave = new SimulatedZWaveNetwork(SIMULATED_KINDS);
  simulated.zwave = { network: zwave, afterStart: (driver) => zwave.nameNodes(driver) };
  simulated.gpio = { pins: new InProcessPins() };
}
const hub = await startBridgedHub(
  {
    hubId: 'bench',
    stateDir: settings.stateDir,
    uplink: { port: settings.port, startupWaitMs: 5000 },
    metrics: { enabled: false },
    radios: {
      gpio: {
        devices: [
          { type: 'relay', pin: 17, name: 'gpio-relay' },
          { type: 'button', pin: 27, activeLow: true, name: 'gpio-button' },
        ],
      },
    },
  },
  {
    simulated,
    log,
    // the broker has bridge/devices and every state from the store (the radios start after it)
    onCreated: (built) => void built.bridge.knownOnBroker().then(() => say('known', { cpu_ms: cpuMs() })),
  },
);
say('started', { devices: hub.devices.size, ...memory() });
const wanted = settings.zigbee + (settings.registered ?? 0);
while (hub.devices.records().filter((record) => record.radio === 'zigbee').length < wanted)
  await new Promise((resolve) => setTimeout(resolve, 50));
// and what the start queued has reached the broker (discovery, states): after that the hub has nothing to do
while (hub.bridge.outbox.size > 0) await new Promise((resolve) => setTimeout(resolve, 50));
say('ready', { devices: hub.devices.size, ...memory() });

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() !== 'memory') return;
  global.gc?.();
  say('memory', { devices: hub.devices.size, ...memory() });
});
process.once('SIGTERM', () => {
  void hub.stop().then(() => process.exit(0));
});
