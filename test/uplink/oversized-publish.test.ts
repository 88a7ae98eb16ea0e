/**
 * An oversized publish never reaches the hub: the real `hearth start` (a child process, GPIO
 * relay on simulated pins) announces a Maximum Packet Size in its MQTT 5 CONNECT, so a real
 * Mosquitto drops a 25 MB (retained) publish to `<device>/set` instead of handing it over. The
 * hub's peak RSS (VmHWM, reset just before) stays within 15 MB of where it was, no error for it
 * is ever answered or logged, and the valid command sent right after it is carried out.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { connectAsync } from 'mqtt';
import { describe, expect, it, onTestFinished } from 'vitest';
import { writeConfig } from '../support/config-file.js';
import { HearthProcess } from '../support/hearth-process.js';
import { Mosquitto } from '../support/mosquitto.js';
import { MqttWatch } from '../support/mqtt-watch.js';

async function memoryKb(pid: number): Promise<{ rss: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  return { rss: field('VmRSS'), peak: field('VmHWM') };
}

describe('an oversized publish (MQTT 5)', () => {
  it('is dropped by the broker, never read into the hub, and the next command works', async () => {
    const broker = await Mosquitto.start();
    onTestFinished(() => broker.stop());
    const { file } = await writeConfig({
      hubId: 'big',
      metrics: { enabled: false },
      uplink: { port: broker.port, startupWaitMs: 5000, healthIntervalS: 0 },
      radios: { gpio: { enabled: true, simulate: true, devices: [{ type: 'relay', pin: 17, name: 'lamp' }] } },
    });
    const hearth = new HearthProcess(['start', '--config', file]);
    await hearth.waitForMessage('hearth is ready');
    const pid = hearth.child.pid!;

    const watch = await MqttWatch.connect(broker.url, 'hearth/big/#');
    const phone = await connectAsync(broker.url, { protocolVersion: 5, reconnectPeriod: 0 });
    onTestFinished(() => phone.endAsync(true));
    await phone.subscribeAsync('phone/answers', { qos: 1 });
    const answers: string[] = [];
    phone.on('message', (_topic, payload) => answers.push(payload.toString()));
    const command = async (state: 'ON' | 'OFF'): Promise<void> => {
      const before = answers.length;
      await phone.publishAsync('hearth/big/lamp/set', JSON.stringify({ state }), {
        qos: 1,
        properties: { responseTopic: 'phone/answers' },
      });
      await watch.waitFor('hearth/big/lamp', (payload) => payload.includes(`"state":"${state}"`), 20_000);
      for (const began = Date.now(); answers.length === before && Date.now() - began < 10_000;)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(JSON.parse(answers.at(-1) ?? '{}')).toMatchObject({ status: 'ok', data: { state } });
    };
    await command('ON');

    const before = await memoryKb(pid);
    // the peak from here on
    await writeFile(`/proc/${pid}/clear_refs`, '5');
    const huge = Buffer.alloc(25 * 1024 * 1024, 0x7b);
    await phone.publishAsync('hearth/big/lamp/set', huge, { qos: 1, retain: true, properties: { responseTopic: 'phone/answers' } });
    await command('OFF');
    const after = await memoryKb(pid);

    const grewMb = (after.peak - before.rss) / 1024;
    expect(grewMb, `peak RSS ${after.peak} kB against ${before.rss} kB before`).toBeLessThan(15);
    const everything = [...answers, ...watch.received.map((message) => message.payload)].join('\n');
    expect(everything).not.toContain('PAYLOAD_TOO_LARGE');
    expect(hearth.stdout).not.toContain('PAYLOAD_TOO_LARGE');
    expect(answers).toHaveLength(2);

    // the retained one is not handed over on a later connection either
    hearth.signal('SIGTERM');
    expect((await hearth.exited).code).toBe(0);
    const again = new HearthProcess(['start', '--config', file]);
    await again.waitForMessage('hearth is ready');
    await phone.publishAsync('hearth/big/lamp/set', '{"state":"ON"}', { qos: 1, properties: { responseTopic: 'phone/answers' } });
    for (const began = Date.now(); answers.length < 3 && Date.now() - began < 20_000;)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(JSON.parse(answers[2] ?? '{}')).toMatchObject({ status: 'ok' });
    expect(again.stdout).not.toContain('PAYLOAD_TOO_LARGE');
    await phone.publishAsync('hearth/big/lamp/set', '', { qos: 1, retain: true });
  }, 120_000);
});
