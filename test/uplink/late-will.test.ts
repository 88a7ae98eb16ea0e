/**
 * A last will that lands after the hub is back (a broker publishes the previous connection's
 * will when a reconnect takes the session over, often after the new birth message): the hub,
 * still connected, says online again, so the broker does not hold `offline` until the next
 * reconnect. Its own goodbye at a clean stop stays `offline`.
 */
import { connectAsync } from 'mqtt';
import { describe, expect, it, onTestFinished } from 'vitest';
import { OFFLINE, ONLINE } from '../../src/uplink/mqtt-link.js';
import { startBridgedHub } from '../support/bridged-hub.js';
import { Mosquitto } from '../support/mosquitto.js';
import { MqttWatch, retainedOn } from '../support/mqtt-watch.js';
import { tempDir } from '../support/temp-dir.js';
import { until } from '../support/until.js';

const STATE = 'hearth/lw/bridge/state';

describe("the hub's availability on the broker", () => {
  it('is said again when a late last will says offline while the hub is connected, and stays offline after a clean stop', async () => {
    const broker = await Mosquitto.start();
    onTestFinished(() => broker.stop());
    const watch = await MqttWatch.connect(broker.url, STATE);
    const hub = await startBridgedHub({
      hubId: 'lw',
      stateDir: await tempDir(),
      uplink: { port: broker.port, startupWaitMs: 3000, healthIntervalS: 0 },
    });
    onTestFinished(hub.stop);
    await watch.waitFor(STATE, ONLINE);
    const onlines = () => watch.received.filter((message) => message.topic === STATE && message.payload === ONLINE).length;
    const before = onlines();

    // the will of a connection the broker took over, delivered late
    const late = await connectAsync(broker.url, { reconnectPeriod: 0 });
    await late.publishAsync(STATE, OFFLINE, { qos: 1, retain: true });
    await late.endAsync();
    await until(() => onlines() > before, 5000, 'the hub said online again');
    expect(await retainedOn(broker.url, STATE)).toBe(ONLINE);

    await hub.stop();
    expect(await retainedOn(broker.url, STATE)).toBe(OFFLINE);
    expect(onlines(), JSON.stringify(watch.received)).toBe(before + 1);
  });
});
