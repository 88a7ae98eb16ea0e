/**
 * Benchmark `zwave`: the Z-Wave radio on a simulated network of 50 listening nodes (switches,
 * dimmers, multisensors, plugs; the real zwave-js Driver on its mock controller), the device
 * actors, the outbox and a Mosquitto it starts on a free port.
 *
 * - interview_s_per_device: driver start to every node registered, over the node count (a
 *   fresh network: every node gets a full interview);
 * - p50_ms / p99_ms: a sensor report at a steady 100/s, from the node to a QoS 1 MQTT
 *   subscriber (through the driver, the device actor, the state journal and the outbox);
 * - reports_per_s: then a burst of 5,000 unsolicited reports from the multisensors, as fast
 *   as the simulated serial link takes them, until 99 % have reached their device actors.
 *
 * Usage: npm run bench -- zwave [nodes]
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { SimulatedZWaveNetwork } from '../../src/radios/zwave/simulator/simulated-network.js';
import type { SimulatedKind } from '../../src/radios/zwave/simulator/simulated-devices.js';
import { startBridgedHub } from '../../test/support/bridged-hub.js';
import { freePort } from '../../test/support/ports.js';
import { until } from '../../test/support/until.js';
import { launchMosquitto } from './_mosquitto.js';
import { steadyTemperatureLatency } from './_steady-temperature.js';

const nodes = Number(process.argv[2] ?? 50);
const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
const scratch = await mkdtemp(join(tmpdir(), 'hearth-bench-zwave-'));
let broker: ChildProcess | undefined;

try {
  const port = await freePort();
  broker = await launchMosquitto(port, scratch);

  const kinds: SimulatedKind[] = Array.from(
    { length: nodes },
    (_, i) => (['switch', 'dimmer', 'multisensor', 'plug'] as const)[i % 4] as SimulatedKind,
  );
  const network = new SimulatedZWaveNetwork(kinds);
  const log = pino({ level: 'silent' });
  const stateDir = join(scratch, 'state');
  // the network lives as long as the radio: it closes with it
  const simulated = { zwave: { network, afterStop: () => network.close() } };
  const began = performance.now();
  const hub = await startBridgedHub(
    { hubId: 'bench', stateDir, uplink: { port, startupWaitMs: 5000, healthIntervalS: 0, drainRatePerS: 1_000_000 } },
    { simulated, log, mailboxCapacity: 1_000_000 },
  );
  await until(() => hub.devices.size >= nodes, 600_000, 'every node registered');
  const interviewS = (performance.now() - began) / 1000;
  process.stderr.write(`${nodes} nodes interviewed and registered in ${round(interviewS)} s\n`);

  const sensors = network.all.filter((device) => device.kind === 'multisensor');
  let handled = 0;
  hub.devices.events.on('bench', 'device.state', ({ changed }) => {
    if (changed.includes('temperature')) handled++;
  });
  const latencies = await steadyTemperatureLatency(
    port,
    'hearth/bench/+',
    (n, celsius) => void sensors[n % sensors.length]?.reportSensor('temperature', celsius),
  );
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;
  process.stderr.write(`steady 100/s: p50 ${round(pct(0.5))} ms, p99 ${round(pct(0.99))} ms\n`);
  const burst = 5000;
  handled = 0;
  const burstBegan = performance.now();
  await Promise.all(
    sensors.map(async (sensor, index) => {
      for (let n = index; n < burst; n += sensors.length) await sensor.reportSensor('temperature', 10 + (n % 1000) / 100);
    }),
  );
  await until(() => handled >= burst * 0.99, 120_000, 'the burst reached the actors');
  const reportsPerS = handled / ((performance.now() - burstBegan) / 1000);
  process.stderr.write(`burst: ${handled} reports at ${round(reportsPerS, 0)}/s\n`);
  // the last few reports of the burst are still on the (simulated) serial link: let them land
  for (let last = -1; last !== handled; await new Promise((resolve) => setTimeout(resolve, 500))) last = handled;

  await hub.stop();
  console.log(
    JSON.stringify({
      bench: 'zwave',
      devices: nodes,
      reports_per_s: round(reportsPerS, 0),
      p50_ms: round(pct(0.5)),
      p99_ms: round(pct(0.99)),
      interview_s_per_device: round(interviewS / nodes, 3),
      node: process.version,
    }),
  );
} finally {
  broker?.kill('SIGKILL');
  await rm(scratch, { recursive: true, force: true });
}
