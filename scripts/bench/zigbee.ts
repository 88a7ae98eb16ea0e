/**
 * Benchmark `zigbee`: the Zigbee radio on a simulated network of 200 devices (climate sensors,
 * plugs, bulbs, door sensors; herdsman's real Controller over the simulated adapter, the real
 * converters), the device actors, the outbox and a Mosquitto it starts on a free port.
 *
 * - interview_s_per_device: controller start to every device registered (each joins and gets
 *   a full interview and definition lookup), over the device count;
 * - p50_ms / p99_ms: a temperature report at a steady 100/s, from the simulated sensor's ZCL
 *   frame to a QoS 1 MQTT subscriber (herdsman's parsing, the fromZigbee converter, the device
 *   actor, the state journal and the outbox);
 * - reports_per_s: then a burst of 10,000 reports spread over every sensor and plug, as fast as
 *   they come, until 99 % have reached their device actors (the per-device throttle set high
 *   enough not to merge them);
 * - rss_mb: the process's resident memory at the end.
 *
 * Usage: npm run bench -- zigbee [devices]
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { registerSimulatedNetwork } from '../../src/radios/zigbee/simulator/adapter-hook.js';
import type { SimulatedKind } from '../../src/radios/zigbee/simulator/simulated-models.js';
import { SimulatedZigbeeNetwork } from '../../src/radios/zigbee/simulator/simulated-network.js';
import { startBridgedHub } from '../../test/support/bridged-hub.js';
import { freePort } from '../../test/support/ports.js';
import { until } from '../../test/support/until.js';
import { simulatedControllerSettings } from '../../test/support/zigbee-controller.js';
import { launchMosquitto } from './_mosquitto.js';
import { steadyTemperatureLatency } from './_steady-temperature.js';

const count = Number(process.argv[2] ?? 200);
const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
const scratch = await mkdtemp(join(tmpdir(), 'hearth-bench-zigbee-'));
let broker: ChildProcess | undefined;

try {
  const port = await freePort();
  broker = await launchMosquitto(port, scratch);

  const kinds: SimulatedKind[] = Array.from(
    { length: count },
    (_, i) => (['climate', 'plug', 'bulb', 'door'] as const)[i % 4] as SimulatedKind,
  );
  const network = new SimulatedZigbeeNetwork(kinds);
  const path = registerSimulatedNetwork(network, 'bench');
  const log = pino({ level: 'silent' });
  const stateDir = join(scratch, 'state');
  const simulated = {
    zigbee: {
      network,
      serialPath: path,
      options: {
        controller: simulatedControllerSettings(path, stateDir),
        availability: { activeTimeoutMs: 600_000, passiveTimeoutMs: 90_000_000 },
        maxReportsPerS: 100_000,
        backupIntervalMs: 86_400_000,
      },
    },
  };
  const began = performance.now();
  const hub = await startBridgedHub(
    { hubId: 'bench', stateDir, uplink: { port, startupWaitMs: 5000, healthIntervalS: 0, drainRatePerS: 1_000_000 } },
    { simulated, log, mailboxCapacity: 1_000_000 },
  );
  await until(() => hub.devices.size >= count, 600_000, 'every device registered');
  const interviewS = (performance.now() - began) / 1000;
  process.stderr.write(`${count} devices joined, interviewed and registered in ${round(interviewS)} s\n`);

  const sensors = network.all.filter((device) => device.kind === 'climate');
  const plugs = network.all.filter((device) => device.kind === 'plug');
  let handled = 0;
  hub.devices.events.on('bench', 'device.state', ({ changed }) => {
    if (changed.includes('temperature') || changed.includes('power')) handled++;
  });
  const sorted = await steadyTemperatureLatency(port, 'hearth/bench/+', (n, celsius) =>
    sensors[n % sensors.length]?.report('msTemperatureMeasurement', { measuredValue: Math.round(celsius * 100) }),
  );
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
  process.stderr.write(`steady 100/s: p50 ${round(pct(0.5))} ms, p99 ${round(pct(0.99))} ms\n`);

  const burst = 10_000;
  const reporters = [...sensors, ...plugs];
  handled = 0;
  const burstBegan = performance.now();
  for (let n = 0; n < burst; n++) {
    const device = reporters[n % reporters.length];
    // every value differs from the device's last one, so each report is a state change
    // (10-60 °C: the Aqara converter drops readings past 65 °C)
    if (device?.kind === 'climate') device.report('msTemperatureMeasurement', { measuredValue: 1000 + (n % 5000) });
    else device?.report('haElectricalMeasurement', { activePower: 1 + n });
    if (n % 500 === 499) await new Promise((resolve) => setImmediate(resolve));
  }
  await until(() => handled >= burst * 0.99, 120_000, 'the burst reached the actors');
  const reportsPerS = handled / ((performance.now() - burstBegan) / 1000);
  process.stderr.write(`burst: ${handled} reports at ${round(reportsPerS, 0)}/s\n`);
  global.gc?.();
  const rssMb = process.memoryUsage().rss / 1024 / 1024;

  await hub.stop();
  console.log(
    JSON.stringify({
      bench: 'zigbee',
      devices: count,
      reports_per_s: round(reportsPerS, 0),
      p50_ms: round(pct(0.5)),
      p99_ms: round(pct(0.99)),
      rss_mb: round(rssMb, 1),
      interview_s_per_device: round(interviewS / count, 4),
      node: process.version,
    }),
  );
} finally {
  broker?.kill('SIGKILL');
  await rm(scratch, { recursive: true, force: true });
}
