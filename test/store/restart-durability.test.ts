/**
 * The real hub (`hearth start`, the simulated Zigbee network, a real Mosquitto) across
 * lifetimes: a clean stop folds the journal into the snapshot; the next life changes the bulb
 * and is killed with SIGKILL once the change is on disk; the life after it still has the change
 * (it used to come back with the state from before the clean stop, its journal records numbered
 * below what the snapshot covered).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { writeConfig } from '../support/config-file.js';
import { cleanEnv, HearthProcess } from '../support/hearth-process.js';
import { untilJournalHolds } from '../support/journal-on-disk.js';
import { Mosquitto } from '../support/mosquitto.js';
import { MqttWatch } from '../support/mqtt-watch.js';
import { until } from '../support/until.js';

const BULB = 'hearth/life/zigbee/bulb';

describe('the hub across a clean stop, a restart and a SIGKILL', () => {
  it('keeps a change made after a clean stop and a restart when the next life is killed', async () => {
    const broker = await Mosquitto.start();
    onTestFinished(() => broker.stop());
    const watch = await MqttWatch.connect(broker.url, 'hearth/life/#');
    const { file, stateDir } = await writeConfig({
      hubId: 'life',
      metrics: { enabled: false },
      homeassistant: { enabled: false },
      uplink: { port: broker.port, healthIntervalS: 0 },
      store: { journalBatchMs: 20 },
      radios: { zigbee: { enabled: true, simulate: true } },
    });
    const start = async (): Promise<HearthProcess> => {
      const hub = new HearthProcess(['start', '--config', file], cleanEnv());
      await hub.waitForMessage('hearth is ready', 30_000);
      return hub;
    };
    /** The bulb's brightness in every state the hub published since message `from`. */
    const brightnessSince = (from: number): number[] =>
      watch.received
        .slice(from)
        .filter((m) => m.topic === BULB && m.payload.includes('"brightness"'))
        .map((m) => (JSON.parse(m.payload) as { brightness: number }).brightness);
    const setBrightness = async (brightness: number): Promise<void> => {
      const from = watch.received.length;
      await watch.client.publishAsync(`${BULB}/set`, JSON.stringify({ brightness }), { qos: 1 });
      await until(() => brightnessSince(from).includes(brightness), 15_000, `the bulb at ${brightness}`);
    };

    // life 1: the bulb dimmed a few times (a journal record each), ending at 150, then a clean
    // stop, which folds the journal into the snapshot
    const first = await start();
    for (const brightness of [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150]) await setBrightness(brightness);
    first.signal('SIGTERM');
    expect((await first.exited).code).toBe(0);
    const covered = (JSON.parse(await readFile(join(stateDir, 'state/snapshot/meta.json'), 'utf8')) as { coveredSeq: number }).coveredSeq;
    expect(covered).toBeGreaterThan(0);

    // life 2: the bulb at 77, confirmed and on disk, then a power cut
    const second = await start();
    await setBrightness(77);
    await untilJournalHolds(join(stateDir, 'state/journal'), (json) => json.includes('"brightness":77'), 10_000, 'the bulb at 77');
    second.signal('SIGKILL');
    await second.exited;

    // life 3: the bulb is at 77, as the hub acknowledged
    const third = await start();
    const from = watch.received.length;
    await watch.client.publishAsync(`${BULB}/get`, '', { qos: 1 });
    await until(() => brightnessSince(from).length > 0, 15_000, "the bulb's state");
    expect(brightnessSince(from)).toEqual(brightnessSince(from).map(() => 77));
    third.signal('SIGTERM');
    expect((await third.exited).code).toBe(0);
  }, 120_000);
});
