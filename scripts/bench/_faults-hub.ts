/**
 * The hub side of the `faults` soak (scripts/bench/faults.ts): the demo's three simulated
 * radios (Z-Wave: zwave-js on its mock controller; Zigbee: herdsman over the simulated
 * adapter; GPIO: the in-process simulated pins, as the demo without root) with the device
 * actors, the outbox and a real Mosquitto, run for a given time while faults are injected at
 * random through the simulators (a hung or unplugged Z-Wave stick, a node out of range, a
 * failing or hung Zigbee coordinator, a silent Zigbee device, GPIO pins that fail or hang) and
 * a command goes to a random device every 100 ms. Prints one JSON line of counts at the end.
 * Arguments: broker port, state directory, seconds to run, seconds of warm-up before the
 * starting RSS is taken.
 */
import { connectAsync } from 'mqtt';
import { pino } from 'pino';
import { SIMULATED_KINDS } from '../../src/radios/zwave/simulator/simulated-devices.js';
import { DemoActivity } from '../../src/radios/zwave/simulator/demo-activity.js';
import { SIMULATED_HOME_ID, SimulatedZWaveNetwork } from '../../src/radios/zwave/simulator/simulated-network.js';
import { zigbeeId, zwaveId } from '../../src/model/device-id.js';
import { isHearthError } from '../../src/errors.js';
import { InProcessPins } from '../../src/radios/gpio/simulator/in-process-pins.js';
import { registerSimulatedNetwork, unregisterSimulatedNetwork } from '../../src/radios/zigbee/simulator/adapter-hook.js';
import { ZigbeeDemoActivity } from '../../src/radios/zigbee/simulator/demo-activity.js';
import { SIMULATED_KINDS as ZIGBEE_KINDS } from '../../src/radios/zigbee/simulator/simulated-models.js';
import { SimulatedZigbeeNetwork } from '../../src/radios/zigbee/simulator/simulated-network.js';
import type { SimulatedParts } from '../../src/radios/simulated-parts.js';
import type { ZigbeeRadio } from '../../src/radios/zigbee/zigbee-radio.js';
import { isExpectedZWaveRejection } from '../../src/radios/zwave/expected-zwave-rejection.js';
import { startBridgedHub } from '../../test/support/bridged-hub.js';
import { until } from '../../test/support/until.js';

const [port, stateDir, seconds, warmupSeconds] = [
  Number(process.argv[2]),
  String(process.argv[3]),
  Number(process.argv[4] ?? 60),
  Number(process.argv[5] ?? 20),
];
const BREAKERS = { threshold: 2, deviceThreshold: 2, probeMinMs: 500, probeMaxMs: 4000 };
const FAST = new Set(['CIRCUIT_OPEN', 'RADIO_UNAVAILABLE', 'RADIO_BUSY']);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const between = (min: number, max: number) => min + Math.random() * (max - min);
const gc = (globalThis as { gc?: () => void }).gc;
const rssMb = (): number => {
  gc?.();
  return Math.round((process.memoryUsage().rss / 1024 / 1024) * 10) / 10;
};

// the hub's own process handler: an unhandled rejection stops it (the parent counts a restart), but for the ones zwave-js leaves by design
process.on('unhandledRejection', (error) => {
  if (isExpectedZWaveRejection(error)) return;
  process.stderr.write(`unhandled rejection: ${String(error)}\n`);
  process.exit(1);
});

const network = new SimulatedZWaveNetwork(SIMULATED_KINDS);
const log = pino({ level: 'silent' });
const zigbeeNetwork = new SimulatedZigbeeNetwork(ZIGBEE_KINDS, { maxWaitMs: 2000 });
const zigbeeActivity = new ZigbeeDemoActivity(zigbeeNetwork);
const pins = new InProcessPins();
const activity = new DemoActivity(network, log, 1000);
const simulated: SimulatedParts = {
  zigbee: {
    network: zigbeeNetwork,
    serialPath: registerSimulatedNetwork(zigbeeNetwork, 'soak'),
    options: {
      afterStart: (started: ZigbeeRadio) => {
        zigbeeNetwork.joinUnknown((ieee) => started.herdsman.getDeviceByIeeeAddr(ieee) !== undefined);
        zigbeeActivity.start();
      },
      afterStop: () => zigbeeActivity.stop(),
    },
  },
  gpio: { pins, board: 'pi-4b' },
  zwave: {
    network,
    driverOptions: { timeouts: { ack: 500 } },
    afterStart: () => activity.start(),
    afterStop: () => activity.stop(),
  },
};
const hub = await startBridgedHub(
  {
    hubId: 'soak',
    stateDir,
    uplink: { port, startupWaitMs: 5000, healthIntervalS: 5 },
    radios: {
      gpio: {
        devices: [
          { type: 'relay', pin: 17, name: 'relay' },
          { type: 'relay', pin: 22, name: 'led' },
        ],
      },
      restart: { minMs: 500, maxMs: 5000, maxAttempts: 1000 },
      breakers: { zwave: BREAKERS, zigbee: { ...BREAKERS, commandTimeoutMs: 3000 }, gpio: { ...BREAKERS, commandTimeoutMs: 1000 } },
    },
  },
  { simulated, log },
);
const listening = network.all.filter((device) => device.kind !== 'door' && device.kind !== 'multisensor');
const idOf = (nodeId: number) => zwaveId(SIMULATED_HOME_ID, nodeId);
const zigbeeTargets = zigbeeNetwork.all.filter((device) => ['bulb', 'ambiance', 'plug'].includes(device.kind));
/** Every device a command goes to, with a command it takes. */
const targets: { id: string; command: () => Record<string, unknown> }[] = [
  ...listening.map((device) => ({
    id: idOf(device.id),
    command: () =>
      device.kind === 'dimmer' ? { brightness: Math.floor(Math.random() * 255) } : { state: Math.random() < 0.5 ? 'ON' : 'OFF' },
  })),
  ...zigbeeTargets.map((device) => ({ id: zigbeeId(device.ieeeAddress), command: () => ({ state: Math.random() < 0.5 ? 'ON' : 'OFF' }) })),
  ...[17, 22].map((line) => ({ id: `gpio:0:${line}`, command: () => ({ state: Math.random() < 0.5 ? 'ON' : 'OFF' }) })),
];
await until(() => targets.every((target) => hub.devices.device(target.id) !== undefined), 60_000, 'the demo devices are registered');

// recoveries, as a cloud consumer sees them: a breaker closing, a radio running again
const events = await connectAsync(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0 });
let recoveries = 0;
events.on('message', (_topic, payload) => {
  const event = JSON.parse(payload.toString()) as { type: string; data: { state?: string } };
  if ((event.type === 'breaker_state' && event.data.state === 'closed') || (event.type === 'radio_state' && event.data.state === 'running'))
    recoveries++;
});
await events.subscribeAsync('hearth/soak/bridge/event', { qos: 1 });

const counts = { faults_injected: 0, commands_ok: 0, commands_failed_fast: 0, commands_failed_slow: 0 };
const fastFailMs: number[] = [];
const endAt = Date.now() + seconds * 1000;
let rssStart: number | undefined;
setTimeout(() => (rssStart = rssMb()), warmupSeconds * 1000).unref();

const commands = (async () => {
  for (let n = 0; Date.now() < endAt; n++) {
    const target = targets[n % targets.length];
    if (target === undefined) break;
    const began = performance.now();
    try {
      await hub.devices.command(target.id, target.command());
      counts.commands_ok++;
    } catch (error) {
      const took = performance.now() - began;
      if (isHearthError(error) && FAST.has(error.code) && took < 5) {
        counts.commands_failed_fast++;
        fastFailMs.push(took);
      } else counts.commands_failed_slow++;
    }
    await sleep(100);
  }
})();

const faults = (async () => {
  await sleep(2000);
  while (Date.now() < endAt - 15_000) {
    const kind = Math.floor(Math.random() * 7);
    counts.faults_injected++;
    if (kind === 0) {
      network.hung(true);
      await sleep(between(2000, 6000));
      network.hung(false);
    } else if (kind === 1) {
      const device = listening[Math.floor(Math.random() * listening.length)];
      device?.setReachable(false);
      await sleep(between(3000, 10_000));
      device?.setReachable(true);
    } else if (kind === 2) {
      network.unplug();
      await sleep(between(3000, 15_000));
      network.plugIn();
    } else if (kind === 3 || kind === 4) {
      zigbeeNetwork.fault = kind === 3 ? 'fail' : 'hang';
      await sleep(between(2000, 8000));
      zigbeeNetwork.fault = undefined;
    } else if (kind === 5) {
      const device = zigbeeTargets[Math.floor(Math.random() * zigbeeTargets.length)];
      if (device !== undefined) device.fault = 'silent';
      await sleep(between(3000, 10_000));
      if (device !== undefined) device.fault = undefined;
    } else {
      pins.inject(Math.random() < 0.5 ? 'fail' : 'hang');
      await sleep(between(2000, 6000));
      pins.inject('none');
    }
    await sleep(between(3000, 8000));
  }
})();

await Promise.all([commands, faults]);
// let the last fault's recovery land before the final count
try {
  await until(() => hub.radios.every((part) => part.state === 'running' && part.guard.state === 'closed'), 60_000, 'the radio recovered');
} catch (error) {
  process.stderr.write(
    `${JSON.stringify(hub.radios.map((part) => ({ state: part.state, breaker: part.guard.state, stats: part.guard.stats, health: part.health() })))}\n`,
  );
  throw error;
}
await sleep(1000);
const rssEnd = rssMb();
await events.endAsync();
await hub.stop();
network.close();
unregisterSimulatedNetwork('simulated:soak');
fastFailMs.sort((a, b) => a - b);
console.log(
  JSON.stringify({
    ...counts,
    recoveries,
    fast_fail_p99_ms: Math.round((fastFailMs[Math.floor(fastFailMs.length * 0.99)] ?? 0) * 1000) / 1000,
    rss_mb_start: rssStart ?? rssEnd,
    rss_mb_end: rssEnd,
  }),
);
process.exit(0);
