/**
 * The demo profile and Home Assistant (`homeassistant.publishTo: embedded-broker`): on a broker
 * that was already running (a real Mosquitto, where somebody's Home Assistant may be reading)
 * the demo publishes no discovery, so that trying it leaves no devices behind there; asked to
 * (`any-broker`) it does; on the embedded broker it starts itself it always does.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { demoProfile } from '../../../src/config/demo-profile.js';
import { startBridgedHub, type BridgedHub } from '../../support/bridged-hub.js';
import { captureLog } from '../../support/log-capture.js';
import { Mosquitto } from '../../support/mosquitto.js';
import { retainedOn } from '../../support/mqtt-watch.js';
import { freePort } from '../../support/ports.js';
import { tempDir } from '../../support/temp-dir.js';
import { until } from '../../support/until.js';

const BRIDGE_CONFIG = 'homeassistant/binary_sensor/hearth-demo/bridge_connection_state/config';

/** The demo profile on `port` (its radios left out: the discovery of the hub itself is the point), with `homeassistant` on top. */
async function demoOn(port: number, homeassistant: Record<string, unknown> = {}) {
  const capture = captureLog();
  const profile = demoProfile({ HOME: await tempDir() });
  const hub = await startBridgedHub(
    {
      ...profile,
      stateDir: await tempDir(),
      metrics: { enabled: false },
      web: { enabled: false },
      uplink: { ...(profile.uplink as object), port, startupWaitMs: 5000, healthIntervalS: 0 },
      homeassistant: { ...(profile.homeassistant as object), ...homeassistant },
    },
    { log: capture.log },
  );
  onTestFinished(hub.stop);
  return { hub, capture };
}

/** Until the hub's outbox has gone out to the broker. */
async function drained(hub: BridgedHub): Promise<void> {
  await until(() => hub.link.connected && (hub.bridge.health() as { outbox?: number }).outbox === 0, 30_000, 'the outbox drained');
}

describe('the demo profile and Home Assistant discovery', () => {
  it('publishes no discovery to a broker that was already running, and leaves no config there', async () => {
    const broker = await Mosquitto.start();
    onTestFinished(() => broker.stop());
    const { hub, capture } = await demoOn(broker.port);
    expect(hub.hub.part('embedded-broker')?.health().detail).toBe('a broker answers; embedded broker not needed');
    await drained(hub);
    expect(await retainedOn(broker.url, 'hearth/demo/bridge/devices')).toBeDefined();
    await hub.stop();
    expect(await retainedOn(broker.url, 'homeassistant/#')).toBeUndefined();
    expect(capture.lines.some((line) => String(line.msg).startsWith('Home Assistant discovery not published'))).toBe(true);
  });

  it('publishes discovery there when asked (publishTo: any-broker)', async () => {
    const broker = await Mosquitto.start();
    onTestFinished(() => broker.stop());
    const { hub } = await demoOn(broker.port, { publishTo: 'any-broker' });
    await drained(hub);
    expect(await retainedOn(broker.url, BRIDGE_CONFIG)).toContain('"unique_id"');
  });

  it('publishes discovery to the embedded broker it runs itself', async () => {
    const port = await freePort();
    const { hub } = await demoOn(port);
    expect(hub.hub.part('embedded-broker')?.health().detail).toBe(`running on 127.0.0.1:${port}`);
    await drained(hub);
    expect(await retainedOn(`mqtt://127.0.0.1:${port}`, BRIDGE_CONFIG)).toContain('"unique_id"');
  });
});
