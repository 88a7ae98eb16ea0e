/** /metrics and /health of a whole hub (built by the composition root) against a real broker. */
import { Writable } from 'node:stream';
import { describe, expect, it, onTestFinished } from 'vitest';
import { loadConfigOrThrow } from '../../src/config/load.js';
import { Hub } from '../../src/hub.js';
import type { HttpEndpoint } from '../../src/observability/http-endpoint.js';
import { Logging } from '../../src/observability/logger.js';
import { Mosquitto } from '../support/mosquitto.js';
import { tempDir } from '../support/temp-dir.js';

const quiet = new Logging({ level: 'silent', format: 'json', modules: {}, destination: new Writable({ write: (_c, _e, cb) => cb() }) });

async function startHub(brokerPort: number): Promise<{ hub: Hub; base: string }> {
  const config = await loadConfigOrThrow({
    env: {},
    profile: {
      hubId: 'metrics',
      stateDir: `${await tempDir()}/state`,
      uplink: { port: brokerPort, startupWaitMs: 2000 },
      metrics: { enabled: true, port: 0 },
    },
  });
  const hub = await Hub.create(config, quiet);
  onTestFinished(() => hub.stop());
  expect(await hub.start()).toBe(true);
  const port = hub.part<HttpEndpoint>('http')?.address?.port;
  if (port === undefined) throw new Error('http endpoint not listening');
  return { hub, base: `http://127.0.0.1:${port}` };
}

describe('the HTTP endpoint', () => {
  it('serves Prometheus metrics with process memory and event-loop lag', async () => {
    const broker = await Mosquitto.start();
    onTestFinished(() => broker.stop());
    const { base } = await startHub(broker.port);
    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const body = await response.text();
    expect(body).toMatch(/^hearth_process_resident_memory_bytes\{hub="metrics"\} \d+/m);
    expect(body).toMatch(/^hearth_nodejs_eventloop_lag_seconds\{hub="metrics"\} [\d.e-]+/m);
  });

  it('serves /health from every part, and shows a lost broker as degraded', async () => {
    const broker = await Mosquitto.start();
    onTestFinished(() => broker.stop());
    const { base } = await startHub(broker.port);
    const healthy = await fetch(`${base}/health`);
    expect(healthy.status).toBe(200);
    expect(await healthy.json()).toMatchObject({
      status: 'ok',
      parts: { http: { status: 'ok' }, 'state-directory': { status: 'ok' }, uplink: { status: 'ok', broker: broker.url } },
    });
    await broker.kill();
    let health: { status?: string; parts?: { uplink?: { status: string } } } = {};
    for (let tries = 0; tries < 100 && health.status !== 'degraded'; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      health = (await (await fetch(`${base}/health`)).json()) as typeof health;
    }
    expect(health).toMatchObject({ status: 'degraded', parts: { uplink: { status: 'degraded' } } });
  });

  it('answers other paths with 404 and other methods with 405', async () => {
    const broker = await Mosquitto.start();
    onTestFinished(() => broker.stop());
    const { base } = await startHub(broker.port);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(405);
  });
});
