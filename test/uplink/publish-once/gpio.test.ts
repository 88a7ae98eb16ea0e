/**
 * Each message once, on the real GPIO radio (issue 19.7): onoff-shaped pins simulated in
 * process, the relay's actor and the outbox, a real Mosquitto; counted by a plain subscriber
 * on the broker. Every TOGGLE of a relay publishes its new state once.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { InProcessPins } from '../../../src/radios/gpio/simulator/in-process-pins.js';
import { startBridgedHub } from '../../support/bridged-hub.js';
import { Mosquitto } from '../../support/mosquitto.js';
import { MqttWatch } from '../../support/mqtt-watch.js';
import { repeatsInARow } from '../../support/publish-counts.js';
import { tempDir } from '../../support/temp-dir.js';
import { until } from '../../support/until.js';

const TOGGLES = 20;

describe('each message once on the GPIO radio', () => {
  it(`publishes the relay's state once for each of ${TOGGLES} TOGGLEs`, async () => {
    const broker = await Mosquitto.start();
    onTestFinished(() => broker.stop());
    const watch = await MqttWatch.connect(broker.url, 'hearth/go/#');
    const pins = new InProcessPins();
    const hub = await startBridgedHub(
      {
        hubId: 'go',
        stateDir: await tempDir(),
        uplink: { port: broker.port, healthIntervalS: 0 },
        store: { journalBatchMs: 5 },
        radios: { gpio: { devices: [{ type: 'relay', pin: 17, name: 'relay' }] } },
      },
      { simulated: { gpio: { pins, board: 'pi-4b' } } },
    );
    onTestFinished(() => hub.stop());
    const topic = 'hearth/go/relay';
    await watch.waitFor(topic, (p) => p.includes('"state":"OFF"'));
    const through = async (): Promise<void> => {
      const seen = watch.received.length;
      await watch.client.publishAsync('hearth/go/bridge/request/health_check', '{}', { qos: 1 });
      await until(() => watch.received.slice(seen).some((m) => m.topic === 'hearth/go/bridge/response/health_check'), 5000, 'the answer');
    };
    await through();
    const mark = watch.received.length;
    for (let n = 0; n < TOGGLES; n++) {
      const expected = n % 2 === 0 ? 'ON' : 'OFF';
      const seen = watch.received.length;
      await watch.client.publishAsync(`${topic}/set`, '{"state":"TOGGLE"}', { qos: 1 });
      await until(
        () => watch.received.slice(seen).some((m) => m.topic === topic && m.payload.includes(`"state":"${expected}"`)),
        5000,
        `the relay ${expected}`,
      );
      expect(pins.level(17)).toBe(expected === 'ON' ? 1 : 0);
    }
    await through();
    const states = watch.received.slice(mark).filter((m) => m.topic === topic);
    process.stderr.write(
      `gpio relay: ${states.length} state messages for ${TOGGLES} TOGGLEs, ${repeatsInARow(states, topic).length} repeated\n`,
    );
    expect(repeatsInARow(states, topic)).toEqual([]);
    expect(states).toHaveLength(TOGGLES);
  }, 60_000);
});
