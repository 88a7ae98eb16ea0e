/**
 * Part of `npm run bench -- wear`: one life of a hub with the zigbee bench's simulated network
 * (climate sensors, plugs, bulbs, door sensors; herdsman's real Controller over the simulated
 * adapter), a Mosquitto the parent started, and its state directory on a real file system.
 *
 * At start (every device registered) it prints each sensor's and plug's stored value as
 * "s <id> <value>", then "ready". Commands on stdin, one a line:
 * - `rate <n>`: every device in turn reports (a new value each time) at n reports/s (0: stop);
 * - `trace <0|1>`: print every sensor or plug value the store is handed as "r <id> <value> <ms>"
 *   (the hub took the report: the radio acknowledged it and the device actor recorded it);
 * - `stats`: print `{"reports":…,"fsyncs":…,"storeBytes":…}` (reports made, fsync calls of the
 *   store and herdsman, bytes the store handed to write);
 * - `quit`: stop the hub cleanly and exit.
 *
 * Usage: _wear-hub STATE_DIR MQTT_PORT DEVICES STORE_JSON
 */
import fs from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pino } from 'pino';
import { registerSimulatedNetwork } from '../../src/radios/zigbee/simulator/adapter-hook.js';
import type { SimulatedKind } from '../../src/radios/zigbee/simulator/simulated-models.js';
import { SimulatedZigbeeNetwork } from '../../src/radios/zigbee/simulator/simulated-network.js';
import { diskStats } from '../../src/store/disk-stats.js';
import { startBridgedHub } from '../../test/support/bridged-hub.js';
import { until } from '../../test/support/until.js';

const [stateDir, portText, countText, storeJson] = process.argv.slice(2);
if (stateDir === undefined || portText === undefined) throw new Error('usage: _wear-hub STATE_DIR MQTT_PORT DEVICES STORE_JSON');
const port = Number(portText);
const count = Number(countText ?? 200);
const store = JSON.parse(storeJson ?? '{}') as Record<string, unknown>;

// herdsman's database.db writes fsync through node:fs: count them with the store's
let herdsmanFsyncs = 0;
const fsyncSync = fs.fsyncSync;
fs.fsyncSync = (fd) => {
  herdsmanFsyncs++;
  fsyncSync(fd);
};

const kinds: SimulatedKind[] = Array.from(
  { length: count },
  (_, i) => (['climate', 'plug', 'bulb', 'door'] as const)[i % 4] as SimulatedKind,
);
const network = new SimulatedZigbeeNetwork(kinds);
const path = registerSimulatedNetwork(network, 'wear');
const log = pino({ level: 'silent' });
const zigbeeDir = join(stateDir, 'zigbee');
fs.mkdirSync(zigbeeDir, { recursive: true });
const simulated = {
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
        databasePath: join(zigbeeDir, 'database.db'),
        databaseBackupPath: join(zigbeeDir, 'database.db.backup'),
        backupPath: join(zigbeeDir, 'coordinator_backup.json'),
        adapter: { disableLED: false },
      },
      availability: { activeTimeoutMs: 600_000, passiveTimeoutMs: 90_000_000 },
      maxReportsPerS: 100_000,
      backupIntervalMs: 86_400_000,
    },
  },
};
const hub = await startBridgedHub(
  { hubId: 'wear', stateDir, store, uplink: { port, startupWaitMs: 5000, healthIntervalS: 0, drainRatePerS: 1_000_000 } },
  { simulated, log, mailboxCapacity: 1_000_000 },
);
await until(() => hub.devices.size >= count, 600_000, 'every device registered');

/** The value a sensor's or plug's report carries, as the store is handed it. */
const traced = (values: Record<string, unknown> | undefined): unknown => values?.temperature ?? values?.power;
for (const record of hub.devices.records()) {
  const value = traced((await hub.devices.state.get(record.id))?.values);
  if (value !== undefined) process.stdout.write(`s ${record.id} ${JSON.stringify(value)}\n`);
}

let trace = false;
const state = hub.devices.state;
const record = state.record.bind(state);
state.record = (id, change) => {
  const value = traced(change.values);
  if (trace && value !== undefined) process.stdout.write(`r ${id} ${JSON.stringify(value)} ${Date.now()}\n`);
  return record(id, change);
};

// values keep changing across lives: each life starts from the clock
let n = Math.floor(Date.now() / 1000) % 100_000;
let reports = 0;
function reportOne(): void {
  const device = network.all[reports % network.all.length];
  n++;
  reports++;
  if (device === undefined) return;
  if (device.kind === 'climate') device.report('msTemperatureMeasurement', { measuredValue: 1000 + (n % 5000) });
  else if (device.kind === 'plug') device.report('haElectricalMeasurement', { activePower: 1 + (n % 30_000) });
  else if (device.kind === 'bulb') device.report('genLevelCtrl', { currentLevel: 1 + (n % 253) });
  else device.report('genOnOff', { onOff: n % 2 });
}

let timer: NodeJS.Timeout | undefined;
function setRate(perS: number): void {
  if (timer !== undefined) clearInterval(timer);
  timer = undefined;
  if (perS <= 0) return;
  const began = performance.now();
  let sent = 0;
  timer = setInterval(() => {
    const due = Math.floor(((performance.now() - began) / 1000) * perS);
    for (; sent < due; sent++) reportOne();
  }, 10);
}

process.stdout.write('ready\n');
for await (const line of createInterface({ input: process.stdin })) {
  const [command, argument] = line.trim().split(' ');
  if (command === 'rate') setRate(Number(argument));
  else if (command === 'trace') trace = argument === '1';
  else if (command === 'stats')
    process.stdout.write(
      `${JSON.stringify({ reports, fsyncs: diskStats.fsyncs + herdsmanFsyncs, storeBytes: diskStats.bytesWritten, herdsmanFsyncs })}\n`,
    );
  else if (command === 'quit') break;
}
setRate(0);
await hub.stop();
process.exit(0);
