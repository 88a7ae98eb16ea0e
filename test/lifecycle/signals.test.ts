/**
 * The real hearth process, stopped by signals: during start-up (while it waits for a broker
 * that accepts TCP and never answers) and while running against a real Mosquitto.
 */
import { createServer, type Socket } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { writeConfig } from '../support/config-file.js';
import { HearthProcess } from '../support/hearth-process.js';
import { Mosquitto } from '../support/mosquitto.js';
import { retainedOn, MqttWatch } from '../support/mqtt-watch.js';

const STOP_BOUND_MS = 3000;

/** A TCP server that accepts connections and never says a word: a hung broker. */
async function silentBroker(): Promise<number> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => {
    for (const socket of sockets) socket.destroy();
    server.close();
  });
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  return address.port;
}

async function timeToExit(hearth: HearthProcess): Promise<{ code: number | null; ms: number }> {
  const began = performance.now();
  const { code } = await hearth.exited;
  return { code, ms: performance.now() - began };
}

describe('stopping the hub with a signal', () => {
  it('SIGTERM during start-up ends the process cleanly within the bound', async () => {
    const port = await silentBroker();
    const { file } = await writeConfig({
      hubId: 'signals',
      uplink: { port, startupWaitMs: 120_000 },
      shutdown: { timeoutMs: STOP_BOUND_MS },
      logging: { format: 'json', modules: { hub: 'debug' } },
    });
    const hearth = new HearthProcess(['start', '--config', file]);
    await hearth.waitForLine((line) => line.msg === 'starting part' && line.part === 'uplink');
    hearth.signal('SIGTERM');
    const { code, ms } = await timeToExit(hearth);
    expect(code, hearth.stdout + hearth.stderr).toBe(0);
    expect(ms).toBeLessThan(STOP_BOUND_MS + 2000);
    const messages = hearth.lines.map((line) => line.msg);
    expect(messages).toContain('start-up interrupted by a stop request');
    expect(messages).toContain('hearth stopped');
    expect(messages).not.toContain('hearth is ready');
  });

  it('SIGTERM while running stops every part, says offline on the broker, and exits 0 within the bound', async () => {
    const broker = await Mosquitto.start();
    onTestFinished(() => broker.stop());
    const { file } = await writeConfig({ hubId: 'running', uplink: { port: broker.port }, shutdown: { timeoutMs: STOP_BOUND_MS } });
    const watch = await MqttWatch.connect(broker.url, 'hearth/running/bridge/state');
    const hearth = new HearthProcess(['start', '--config', file]);
    await hearth.waitForMessage('hearth is ready');
    await watch.waitFor('hearth/running/bridge/state', '{"state":"online"}');
    hearth.signal('SIGTERM');
    const { code, ms } = await timeToExit(hearth);
    expect(code, hearth.stdout + hearth.stderr).toBe(0);
    expect(ms).toBeLessThan(STOP_BOUND_MS + 2000);
    expect(hearth.lines.map((line) => line.msg)).toContain('hearth stopped');
    expect(await retainedOn(broker.url, 'hearth/running/bridge/state')).toBe('{"state":"offline"}');
  });

  it('SIGINT (Ctrl-C) stops it the same way', async () => {
    const broker = await Mosquitto.start();
    onTestFinished(() => broker.stop());
    const { file } = await writeConfig({ hubId: 'ctrlc', uplink: { port: broker.port }, shutdown: { timeoutMs: STOP_BOUND_MS } });
    const hearth = new HearthProcess(['start', '--config', file]);
    await hearth.waitForMessage('hearth is ready');
    hearth.signal('SIGINT');
    const { code } = await timeToExit(hearth);
    expect(code).toBe(0);
    expect(hearth.lines.find((line) => line.msg === 'stopping hearth')?.reason).toBe('SIGINT');
  });

  it('a killed hub is announced offline by its last will', async () => {
    const broker = await Mosquitto.start();
    onTestFinished(() => broker.stop());
    const { file } = await writeConfig({ hubId: 'killed', uplink: { port: broker.port } });
    const watch = await MqttWatch.connect(broker.url, 'hearth/killed/bridge/state');
    const hearth = new HearthProcess(['start', '--config', file]);
    await hearth.waitForMessage('hearth is ready');
    await watch.waitFor('hearth/killed/bridge/state', '{"state":"online"}');
    hearth.signal('SIGKILL');
    await hearth.exited;
    await watch.waitFor('hearth/killed/bridge/state', '{"state":"offline"}');
    expect(await retainedOn(broker.url, 'hearth/killed/bridge/state')).toBe('{"state":"offline"}');
  });
});
