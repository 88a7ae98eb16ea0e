/** The broker link against a real Mosquitto: birth, goodbye, outages, credentials. */
import { pino } from 'pino';
import { describe, expect, it, onTestFinished } from 'vitest';
import { loadConfigOrThrow } from '../../src/config/load.js';
import { MqttLink } from '../../src/uplink/mqtt-link.js';
import { backoffDelay as reconnectDelay } from '../../src/lifecycle/backoff.js';
import { makePki } from '../support/certificates.js';
import { Mosquitto } from '../support/mosquitto.js';
import { MqttWatch, retainedOn } from '../support/mqtt-watch.js';
import { freePort } from '../support/ports.js';

const silent = pino({ level: 'silent' });

async function linkTo(port: number, uplink: Record<string, unknown> = {}, hubId = 'link'): Promise<MqttLink> {
  const config = await loadConfigOrThrow({ env: {}, profile: { hubId, stateDir: '/tmp/unused', uplink: { port, ...uplink } } });
  const link = new MqttLink(config, silent);
  onTestFinished(() => link.stop());
  return link;
}

async function eventually(check: () => boolean, timeoutMs = 15_000): Promise<void> {
  for (const began = Date.now(); !check();) {
    if (Date.now() - began > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('MqttLink', () => {
  it('announces the hub online and its info, retained, and says offline on stop', async () => {
    const broker = await Mosquitto.start();
    onTestFinished(() => broker.stop());
    const link = await linkTo(broker.port);
    await link.start(new AbortController().signal);
    expect(link.health().status).toBe('ok');
    const watch = await MqttWatch.connect(broker.url, 'hearth/link/bridge/#');
    expect((await watch.waitFor('hearth/link/bridge/state')).payload).toBe('{"state":"online"}');
    const info = JSON.parse((await watch.waitFor('hearth/link/bridge/info')).payload) as Record<string, unknown>;
    expect(info).toMatchObject({ hub_id: 'link', base_topic: 'hearth/link', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    await link.stop();
    expect(await retainedOn(broker.url, 'hearth/link/bridge/state')).toBe('{"state":"offline"}');
  });

  it('starts offline when no broker answers, and connects when one comes', async () => {
    const port = await freePort();
    const link = await linkTo(port, { startupWaitMs: 300 });
    await link.start(new AbortController().signal);
    expect(link.health()).toMatchObject({ status: 'degraded', detail: expect.stringContaining('broker unreachable') });
    const broker = await Mosquitto.startOn(port);
    onTestFinished(() => broker.stop());
    await eventually(() => link.connected);
    expect(link.health().status).toBe('ok');
    expect(await retainedOn(broker.url, 'hearth/link/bridge/state')).toBe('{"state":"online"}');
  });

  it('rides out a broker outage and announces itself again', async () => {
    const broker = await Mosquitto.start();
    onTestFinished(() => broker.stop());
    const link = await linkTo(broker.port);
    await link.start(new AbortController().signal);
    await broker.kill();
    await eventually(() => !link.connected);
    expect(link.health().status).toBe('degraded');
    await broker.restart(); // persistence off: the retained birth is gone with the old broker
    await eventually(() => link.connected);
    expect(await retainedOn(broker.url, 'hearth/link/bridge/state')).toBe('{"state":"online"}');
  });

  it('authenticates with username and password, and reports a refused login as degraded', async () => {
    const broker = await Mosquitto.start({ users: { hub: 'right-password' } });
    onTestFinished(() => broker.stop());
    const good = await linkTo(broker.port, { username: 'hub', password: 'right-password' }, 'good');
    await good.start(new AbortController().signal);
    expect(good.health().status).toBe('ok');
    const bad = await linkTo(broker.port, { username: 'hub', password: 'wrong-password', startupWaitMs: 0 }, 'bad');
    await bad.start(new AbortController().signal);
    await eventually(() => String(bad.health().detail).includes('Not authorized'));
    expect(bad.health().status).toBe('degraded');
  });
});

describe('MqttLink against a broker that speaks only MQTT 3.1.1', () => {
  it('falls back from MQTT 5 to 3.1.1 by itself', async () => {
    const { Aedes } = await import('aedes');
    const { createServer } = await import('node:net');
    const aedes = await Aedes.createBroker();
    const server = createServer((socket) => aedes.handle(socket));
    const port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    onTestFinished(async () => {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      server.close();
    });
    const link = await linkTo(port, { startupWaitMs: 10_000, reconnectMinMs: 100, reconnectMaxMs: 200 });
    await link.start(new AbortController().signal);
    expect(link.connected).toBe(true);
    expect(link.health().status).toBe('ok');
  });
});

describe('MqttLink reconnecting', () => {
  it('backs off with jitter after refused logins instead of hammering the broker, and never gives up', async () => {
    const broker = await Mosquitto.start({ users: { hub: 'right' } });
    onTestFinished(() => broker.stop());
    const link = await linkTo(broker.port, {
      username: 'hub',
      password: 'wrong',
      startupWaitMs: 0,
      reconnectMinMs: 100,
      reconnectMaxMs: 400,
    });
    const began = Date.now();
    await link.start(new AbortController().signal);
    // six refused attempts, the last two past the cap: it keeps trying
    await eventually(() => link.reconnectAttempts >= 6);
    // between them 100, 200, 400, 400, 400 ms, halved at most by jitter: at least 750 ms; a
    // fixed 100 ms period (no backoff) would take 500
    expect(Date.now() - began).toBeGreaterThanOrEqual(750);
    expect(link.health()).toMatchObject({ status: 'degraded', detail: expect.stringMatching(/not authorized|bad user name or password/i) });
  });

  it('computes doubling delays within the bounds, with equal jitter', () => {
    expect([0, 1, 2, 3, 10].map((attempt) => reconnectDelay(1000, 30_000, attempt, () => 1))).toEqual([1000, 2000, 4000, 8000, 30_000]);
    expect([0, 1, 2, 3, 10].map((attempt) => reconnectDelay(1000, 30_000, attempt, () => 0))).toEqual([500, 1000, 2000, 4000, 15_000]);
  });
});

describe('MqttLink over TLS', () => {
  it('connects with a client certificate the broker requires, and names the refusal without one or with the wrong CA', async () => {
    const pki = await makePki();
    const broker = await Mosquitto.start({ tls: { ca: pki.ca, cert: pki.serverCert, key: pki.serverKey, requireCertificate: true } });
    onTestFinished(() => broker.stop());
    const tls = { protocol: 'mqtts', host: '127.0.0.1', startupWaitMs: 5000, reconnectMinMs: 200, reconnectMaxMs: 400 };

    const good = await linkTo(broker.port, { ...tls, tls: { ca: pki.ca, cert: pki.clientCert, key: pki.clientKey } }, 'tls-good');
    await good.start(new AbortController().signal);
    expect(good.health()).toMatchObject({ status: 'ok', broker: `mqtts://127.0.0.1:${broker.port}` });

    // the refused links: no startup wait, then until the refusal is reported
    const anonymous = await linkTo(broker.port, { ...tls, startupWaitMs: 0, tls: { ca: pki.ca } }, 'tls-anonymous');
    await anonymous.start(new AbortController().signal);
    await eventually(() => anonymous.health().detail !== undefined && anonymous.health().detail !== 'broker unreachable');
    expect(anonymous.health()).toMatchObject({ status: 'degraded', detail: expect.stringMatching(/certificate required/i) });

    const wrongCa = await linkTo(
      broker.port,
      { ...tls, startupWaitMs: 0, tls: { ca: pki.otherCa, cert: pki.clientCert, key: pki.clientKey } },
      'tls-wrong-ca',
    );
    await wrongCa.start(new AbortController().signal);
    await eventually(() => wrongCa.health().detail !== undefined && wrongCa.health().detail !== 'broker unreachable');
    expect(wrongCa.health()).toMatchObject({
      status: 'degraded',
      detail: expect.stringMatching(/self-signed certificate|unable to verify|certificate/i),
    });
  }, 60_000);
});

describe('MqttLink choosing the MQTT version', () => {
  it('stays on MQTT 5 when attempts fail for want of a network, not of the version', async () => {
    const { NetworkCut } = await import('../support/network-cut.js');
    const broker = await Mosquitto.start();
    onTestFinished(() => broker.stop());
    const relay = await NetworkCut.to(broker.port);
    relay.cut();
    const link = await linkTo(relay.port, { startupWaitMs: 0, reconnectMinMs: 100, reconnectMaxMs: 200 }, 'version-cut');
    await link.start(new AbortController().signal);
    await eventually(() => link.reconnectAttempts >= 5);
    relay.mend();
    await eventually(() => link.connected);
    expect(link.mqtt()).toEqual({ version: '5' });
  });

  it('checks a version learnt from silent closes again when the connection ends: a proxy that closed them misled it only once', async () => {
    const { NetworkCut } = await import('../support/network-cut.js');
    const broker = await Mosquitto.start();
    onTestFinished(() => broker.stop());
    // a proxy in front of a broker that is down: it accepts and closes, as RabbitMQ does with MQTT 5
    const proxy = await NetworkCut.to(broker.port, { refusal: 'close' });
    proxy.refuseNew();
    const link = await linkTo(proxy.port, { startupWaitMs: 0, reconnectMinMs: 100, reconnectMaxMs: 200 }, 'version-proxy');
    await link.start(new AbortController().signal);
    // two silent MQTT 5 closes: the next attempt is 3.1.1; let it through, and it is accepted
    await eventually(() => link.mqtt()?.version === '3.1.1');
    proxy.mend();
    await eventually(() => link.connected);
    expect(link.mqtt()?.version).toBe('3.1.1');
    // the connection ends: the hub asks for 5 again, and gets it
    proxy.cut();
    proxy.mend();
    await eventually(() => link.connected && link.mqtt()?.version === '5');
    expect(link.mqtt()).toEqual({ version: '5' });
  });

  it('speaks only the version it is told to: 3.1.1 to Mosquitto, and 5 to a 3.1.1 broker, which refuses it', async () => {
    const broker = await Mosquitto.start();
    onTestFinished(() => broker.stop());
    const pinned = await linkTo(broker.port, { mqttVersion: '3.1.1' }, 'version-311');
    await pinned.start(new AbortController().signal);
    expect(pinned.health()).toMatchObject({
      status: 'ok',
      mqtt: { version: '3.1.1', without: expect.arrayContaining(['response_topic']) },
    });

    const { AedesBroker } = await import('../support/aedes-broker.js');
    const aedes = await AedesBroker.start();
    onTestFinished(() => aedes.stop());
    const five = await linkTo(aedes.port, { mqttVersion: '5', startupWaitMs: 0, reconnectMinMs: 100, reconnectMaxMs: 200 }, 'version-5');
    await five.start(new AbortController().signal);
    await eventually(() => five.reconnectAttempts >= 3);
    expect(five.connected).toBe(false);
    expect(five.health()).toMatchObject({ status: 'degraded', detail: expect.stringMatching(/unacceptable protocol version/i) });
  });
});
