/**
 * Stopping a hub that runs the embedded broker (aedes, MQTT 3.1.1: no no-local, so the hub
 * hears its own publications back): the link says goodbye and disconnects only once the broker
 * has handed back everything it had sent before, so nothing is acknowledged after the
 * connection ended (mqtt.js's "write after end").
 */
import { describe, expect, it } from 'vitest';
import { startBridgedHub } from '../support/bridged-hub.js';
import { captureLog } from '../support/log-capture.js';
import { MqttWatch } from '../support/mqtt-watch.js';
import { freePort } from '../support/ports.js';
import { tempDir } from '../support/temp-dir.js';

describe('a hub with the embedded broker', () => {
  it('stops without a broker error while its own publications are still coming back', async () => {
    const capture = captureLog('debug');
    const port = await freePort();
    const hub = await startBridgedHub(
      { hubId: 'eb', stateDir: await tempDir(), uplink: { port, embeddedBroker: 'auto', startupWaitMs: 5000, healthIntervalS: 0 } },
      { log: capture.log },
    );
    expect(hub.hub.part('embedded-broker')?.health().detail).toBe(`running on 127.0.0.1:${port}`);
    const watch = await MqttWatch.connect(`mqtt://127.0.0.1:${port}`, 'hearth/eb/bridge/state');
    await watch.waitFor('hearth/eb/bridge/state', '{"state":"online"}');
    // a burst of QoS 1 messages under the hub's base topic: the broker delivers each to the hub
    // (subscribed to hearth/eb/#), and is still at it when the hub stops
    await Promise.all(Array.from({ length: 300 }, (_, i) => watch.client.publishAsync(`hearth/eb/noise/${i}`, 'x', { qos: 1 })));
    await watch.client.endAsync();
    await hub.stop();
    const errors = capture.lines.filter((line) => (line.level as number) >= 40 && String(line.msg).startsWith('broker error'));
    expect(errors.map((line) => line.msg)).toEqual([]);
    // the goodbye came back after the burst: nothing was left to arrive after the end
    expect(capture.lines.filter((line) => String(line.msg).includes('came while disconnecting'))).toEqual([]);
  });
});
