/**
 * Part of `npm run bench -- wear`, in its own (compiled) process: the hub of src/hub.ts with
 * only Zigbee, on a simulated network of HEARTH_BENCH's `zigbee` devices (the zigbee bench's
 * mix), on the broker at `port`, state in `stateDir`, the store section `store` as given. Once
 * every device is there and the outbox has drained it prints {"step":"ready"}; then on stdin:
 *
 * - `load <reports/s> <seconds>`: reports round-robin over every device (climate: temperature,
 *   plug: power, bulb: level, door: contact, each a new value), printing "load-start" and
 *   "load-end" with the store's own counters (fsync calls, bytes handed to write);
 * - `trace`: from now on one line per state change the store is given (`{"h":id,"t":lastSeen}`)
 *   and one when it is acknowledged, on disk (`{"a":id,"t":lastSeen}`), for the loss check.
 *
 * With `check: true` it only opens the state store in `stateDir` (the recovery a restart does)
 * and prints {"step":"states","lastSeen":{id:…}} for the devices in `ids`, then exits.
 */
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pino } from 'pino';
import { loadConfigOrThrow } from '../../src/config/load.js';
import type { SimulatedParts } from '../../src/radios/simulated-parts.js';
import type { SimulatedZigbeeDevice as SimulatedDevice } from '../../src/radios/zigbee/simulator/simulated-device.js';
import { DeviceStateStore } from '../../src/store/device-state-store.js';
import type { StateChange } from '../../src/store/device-state.js';
import { diskStats } from '../../src/store/disk-stats.js';
import { startBridgedHub } from '../../test/support/bridged-hub.js';

interface WearHub {
  stateDir: string;
  port: number;
  zigbee: number;
  store?: Record<string, unknown>;
  check?: boolean;
  ids?: string[];
}

const settings = JSON.parse(process.env.HEARTH_BENCH ?? '{}') as WearHub;
const log = pino({ level: 'warn' }, pino.destination(2));
const say = (step: string, more: Record<string, unknown> = {}) =>
  process.stdout.write(`${JSON.stringify({ step, at: Date.now(), ...more })}\n`);
const counters = () => ({ fsyncs: diskStats.fsyncs, store_bytes: diskStats.bytesWritten, files: diskStats.filesWritten });

if (settings.check === true) {
  const config = await loadConfigOrThrow({ env: {}, profile: { stateDir: settings.stateDir, store: settings.store ?? {} } });
  const store = await DeviceStateStore.open({
    dir: join(settings.stateDir, 'state'),
    log,
    shards: config.store.stateShards,
    batchIntervalMs: 1,
    compactIntervalMs: 0,
    compactAfterDevices: 10_000_000,
  });
  const lastSeen: Record<string, number | null> = {};
  for (const id of settings.ids ?? []) lastSeen[id] = (await store.get(id))?.lastSeen ?? null;
  say('states', { lastSeen });
  process.exit(0);
}

const [{ SimulatedZigbeeNetwork }, { registerSimulatedNetwork }] = await Promise.all([
  import('../../src/radios/zigbee/simulator/simulated-network.js'),
  import('../../src/radios/zigbee/simulator/adapter-hook.js'),
]);
const kinds = Array.from({ length: settings.zigbee }, (_, i) => (['climate', 'plug', 'bulb', 'door'] as const)[i % 4] as 'climate');
const network = new SimulatedZigbeeNetwork(kinds);
const path = registerSimulatedNetwork(network, 'bench');
const simulated: SimulatedParts = {
  zigbee: {
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
      availability: { activeTimeoutMs: 600_000, passiveTimeoutMs: 90_000_000 },
      maxReportsPerS: 100_000,
      backupIntervalMs: 86_400_000,
    },
  },
};

// the loss check's trace: what the store was given, and when it acknowledged it
let tracing = false;
// eslint-disable-next-line @typescript-eslint/unbound-method -- called with the store as `this` below
const record = DeviceStateStore.prototype.record;
DeviceStateStore.prototype.record = function traced(this: DeviceStateStore, id: string, change: StateChange): Promise<number> {
  const written = record.call(this, id, change);
  if (tracing && change.lastSeen !== undefined) {
    const t = change.lastSeen;
    process.stdout.write(`{"h":${JSON.stringify(id)},"t":${t}}\n`);
    written.then(
      () => process.stdout.write(`{"a":${JSON.stringify(id)},"t":${t}}\n`),
      () => undefined,
    );
  }
  return written;
};

const hub = await startBridgedHub(
  {
    hubId: 'bench',
    stateDir: settings.stateDir,
    uplink: { port: settings.port, startupWaitMs: 5000, healthIntervalS: 0 },
    metrics: { enabled: false },
    ...(settings.store === undefined ? {} : { store: settings.store }),
  },
  { simulated, log, mailboxCapacity: 1_000_000 },
);
while (hub.devices.records().filter((r) => r.radio === 'zigbee').length < settings.zigbee) await new Promise((r) => setTimeout(r, 50));
while (hub.bridge.outbox.size > 0) await new Promise((r) => setTimeout(r, 50));
let handled = 0;
hub.devices.events.on('bench', 'device.state', () => {
  handled++;
});
say('ready', { devices: hub.devices.size, store: hub.config.store, ...counters() });

const sent = new Map<SimulatedDevice, number>();
function reportFrom(device: SimulatedDevice): void {
  const n = (sent.get(device) ?? 0) + 1;
  sent.set(device, n);
  // each a value that differs from the device's last one, so each report is a state change
  if (device.kind === 'climate') device.report('msTemperatureMeasurement', { measuredValue: 1000 + ((n * 10) % 5000) });
  else if (device.kind === 'plug') device.report('haElectricalMeasurement', { activePower: 1 + (n % 3000) });
  else if (device.kind === 'bulb') device.report('genLevelCtrl', { currentLevel: 1 + (n % 253) });
  else device.report('genOnOff', { onOff: n % 2 });
}

async function load(ratePerS: number, seconds: number): Promise<void> {
  const devices = network.all;
  const handledBefore = handled;
  say('load-start', counters());
  const began = performance.now();
  let n = 0;
  while (performance.now() - began < seconds * 1000) {
    const due = Math.floor(((performance.now() - began) / 1000) * ratePerS);
    for (; n < due; n++) {
      const device = devices[n % devices.length];
      if (device !== undefined) reportFrom(device);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  // what the window handed to the store is committed inside it (the next commit is due within the bound)
  await hub.devices.state.flushJournal();
  await hub.bridge.outbox.flush();
  say('load-end', { sent: n, handled: handled - handledBefore, seconds: (performance.now() - began) / 1000, ...counters() });
}

createInterface({ input: process.stdin }).on('line', (line) => {
  const [command, ...args] = line.trim().split(' ');
  if (command === 'trace') tracing = true;
  if (command === 'load') void load(Number(args[0]), Number(args[1]));
});
process.once('SIGTERM', () => {
  void hub.stop().then(() => process.exit(0));
});
