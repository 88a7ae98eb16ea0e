/**
 * A command for a sleeping Z-Wave node survives the hub's stops and crashes: real hub
 * processes (fixtures/queued-hub.ts: the composition root, zwave-js on its mock controller, the
 * queue on a state directory) one after another on one state directory, a real Mosquitto.
 * Answered `{"queued":true}`, a command is carried out when the node wakes up, however many
 * clean stops and SIGKILLs came in between, in the order it was sent; a stop says nothing
 * about it (no ZW0102 warning, no command_failed).
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { connectAsync, type MqttClient } from 'mqtt';
import { describe, expect, it, onTestFinished } from 'vitest';
import { zwaveId } from '../../../src/model/device-id.js';
import { SIMULATED_HOME_ID } from '../../../src/radios/zwave/simulator/simulated-network.js';
import { queuedCommandsFile } from '../../../src/radios/zwave/zwave-from-config.js';
import { LineChild } from '../../support/line-child.js';
import { Mosquitto } from '../../support/mosquitto.js';
import { tempDir } from '../../support/temp-dir.js';
import { until } from '../../support/until.js';

const fixture = fileURLToPath(new URL('fixtures/queued-hub.ts', import.meta.url));
const DOOR = zwaveId(SIMULATED_HOME_ID, 3);
const INTERVAL = 'wake_up_interval';

/** One life of the hub: its log lines and the wake-up intervals the door was given. */
class Life {
  readonly logs: Record<string, unknown>[] = [];
  readonly intervals: number[] = [];
  stopped = false;
  readonly child: LineChild;

  constructor(stateDir: string, port: number) {
    this.child = new LineChild(
      fixture,
      [stateDir, String(port)],
      (line) => {
        if (line.startsWith('{')) this.logs.push(JSON.parse(line) as Record<string, unknown>);
        else if (line.startsWith('interval ')) this.intervals.push(Number(line.slice('interval '.length)));
        else if (line === 'stopped') this.stopped = true;
      },
      { commands: true },
    );
  }

  static async start(stateDir: string, port: number): Promise<Life> {
    const life = new Life(stateDir, port);
    onTestFinished(() => life.child.kill());
    await life.child.ready();
    return life;
  }

  async stop(): Promise<void> {
    this.child.send('stop');
    await this.child.exited;
    expect(this.stopped).toBe(true);
  }

  /** The hub's warnings and worse (zwave-js's own chatter, under radios.zwave.driver, left out). */
  get warnings(): Record<string, unknown>[] {
    return this.logs.filter((line) => (line.level as number) >= 40 && line.module !== 'radios.zwave.driver');
  }
}

/** Sends `{INTERVAL: value}` to the door with a response topic; resolves with the hub's answer. */
async function command(client: MqttClient, value: number): Promise<unknown> {
  const responseTopic = `test/response/${value}`;
  await client.subscribeAsync(responseTopic, { qos: 1 });
  const answer = new Promise<unknown>((resolve) =>
    client.on('message', (topic, payload) => {
      if (topic === responseTopic) resolve(JSON.parse(payload.toString()));
    }),
  );
  await client.publishAsync(`hearth/zq/${DOOR}/set`, JSON.stringify({ [INTERVAL]: value }), { qos: 1, properties: { responseTopic } });
  return answer;
}

describe('commands queued for a sleeping Z-Wave node', () => {
  it('reach it when it wakes up after a clean stop and a SIGKILL, in order, and a stop says nothing', async () => {
    const broker = await Mosquitto.start();
    onTestFinished(() => broker.stop());
    const client = await connectAsync(broker.url, { protocolVersion: 5, reconnectPeriod: 0 });
    onTestFinished(() => client.endAsync(true));
    const events: string[] = [];
    await client.subscribeAsync('hearth/zq/bridge/event', { qos: 1 });
    client.on('message', (topic, payload) => {
      if (topic === 'hearth/zq/bridge/event') events.push(payload.toString());
    });
    const stateDir = await tempDir();

    // life 1: queued, then a clean stop
    let life = await Life.start(stateDir, broker.port);
    expect(await command(client, 600)).toMatchObject({ status: 'ok', data: { queued: true, code: 'DEVICE_ASLEEP_QUEUED' } });
    await life.stop();
    expect(life.warnings).toEqual([]);

    // life 2: the door still sleeps; one more, then a crash
    life = await Life.start(stateDir, broker.port);
    expect(await command(client, 700)).toMatchObject({ status: 'ok', data: { queued: true } });
    expect(life.intervals).toEqual([]);
    await life.child.kill();

    // life 3: the door wakes up and gets both, the first first
    life = await Life.start(stateDir, broker.port);
    life.child.send('wake');
    const reached = () => life.logs.filter((line) => String(line.msg).startsWith('a queued command reached'));
    await until(() => reached().length === 2 && life.intervals.includes(700), 30_000, 'the queued commands reached the door');
    // the node took 600 (sequence 1), then 700 (2), which it keeps (both may land between two looks at the node)
    expect(reached().map((line) => line.seq)).toEqual([1, 2]);
    expect(life.intervals.at(-1)).toBe(700);

    // nothing is left to be carried out twice
    await life.stop();
    const kept = JSON.parse(await readFile(queuedCommandsFile(stateDir), 'utf8')) as { nextSeq: number; commands: unknown[] };
    expect(kept).toEqual({ nextSeq: 3, commands: [] });
    expect(events.filter((event) => event.includes('command_failed'))).toEqual([]);
  }, 240_000);
});
