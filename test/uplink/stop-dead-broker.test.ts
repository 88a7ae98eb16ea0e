/**
 * A stop while the broker is dead but its socket not yet known closed (a relay that drops all
 * the hub sends: no PUBACK ever comes, no FIN either): the goodbye publish and the end of the
 * connection are bounded, so the stop finishes within the hub's shutdown bound instead of
 * hanging until mqtt.js's keepalive gives up (PART_STOP_TIMEOUT), and it loses nothing durable:
 * what the broker never acknowledged (an event, a state) stays in the outbox and goes out in the next life.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { bridgeEvent } from '../../src/events/bridge-events.js';
import type { Capability } from '../../src/model/capabilities.js';
import { startBridgedHub } from '../support/bridged-hub.js';
import { captureLog } from '../support/log-capture.js';
import { Mosquitto } from '../support/mosquitto.js';
import { MqttWatch } from '../support/mqtt-watch.js';
import { NetworkCut } from '../support/network-cut.js';
import { tempDir } from '../support/temp-dir.js';
import { until } from '../support/until.js';

const SENSOR = 'zigbee:0x00158d0001a2b3e1';
const temperature: Capability[] = [{ type: 'numeric', name: 'temperature', property: 'temperature', access: 1 } as unknown as Capability];

describe('stopping with a dead broker', () => {
  it('is bounded, and what the broker did not acknowledge goes out in the next life', async () => {
    const broker = await Mosquitto.start();
    onTestFinished(() => broker.stop());
    const relay = await NetworkCut.to(broker.port);
    const watch = await MqttWatch.connect(broker.url, 'hearth/bye/#');
    const stateDir = await tempDir();
    const profile = {
      hubId: 'bye',
      stateDir,
      // keepalive far beyond the shutdown bound: only the stop's own bounds can end it in time
      uplink: { port: relay.port, startupWaitMs: 5000, healthIntervalS: 0, keepaliveS: 120 },
      store: { journalBatchMs: 5 },
      shutdown: { timeoutMs: 8000 },
    };
    const capture = captureLog();
    const first = await startBridgedHub(profile, { log: capture.log });
    first.devices.addDevice({ id: SENSOR, friendlyName: 'sensor', radio: 'zigbee', capabilities: temperature });
    await first.devices.report(SENSOR, { temperature: 20 });
    await watch.waitFor('hearth/bye/sensor', (p) => p.includes('20'));

    // the broker dies as far as the hub can tell: nothing it sends gets through, its socket stays open
    relay.holdUpstream();
    await first.devices.report(SENSOR, { temperature: 21.5 });
    // an event lives in the outbox only (a state the next life could also take from the state store)
    first.hub.events.emit('bridge.event', bridgeEvent('device_announce', { id: 'held' }));
    await until(() => first.bridge.outbox.pending().some((m) => m.payload.includes('"held"')), 5000, 'the event in the outbox');
    await expect(first.stop()).resolves.toBeUndefined();
    expect(capture.warnings('did not answer the goodbye')).toHaveLength(1);
    expect(watch.received.some((m) => m.payload.includes('21.5') || m.payload.includes('"held"'))).toBe(false);

    // the next life, the broker reachable: the state it never acknowledged goes out
    const second = await startBridgedHub(profile);
    onTestFinished(second.stop);
    await watch.waitFor('hearth/bye/bridge/event', (p) => p.includes('"held"'), 15_000);
    await watch.waitFor('hearth/bye/sensor', (p) => p.includes('21.5'), 15_000);
  }, 60_000);
});
