/**
 * `uplink.servers` on a real three-node NATS cluster (routes between the nodes, JetStream
 * clustered, the MQTT gateway on each): the hub's node is killed while the hub reports numbered
 * events, the hub goes on through another node of its list, and a consumer on the third node
 * sees every event. Counts what was lost (must be none) and duplicated (QoS 1 is at least once:
 * the events in flight when the node died are sent again, and NATS had stored most of them).
 * The hub is back within a few seconds of NATS electing new leaders for the MQTT streams the
 * dead node led (Raft elections that take seconds, more on a loaded machine), hence the long waits.
 */
import { connectAsync } from 'mqtt';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Capability } from '../../src/model/capabilities.js';
import { startBridgedHub } from '../support/bridged-hub.js';
import { NatsServer } from '../support/nats.js';
import { radioPort } from '../support/radio-port.js';
import { tempDir } from '../support/temp-dir.js';
import { until } from '../support/until.js';

const BUTTON = 'zigbee:0x00158d0001a2b3c6';
const action: Capability[] = [{ type: 'enum', name: 'action', property: 'action', access: 1, values: ['single'] }];
const EVENTS = 300;
/** The event after which the hub's node is killed. */
const KILL_AFTER = 100;

describe('uplink.servers on a NATS cluster', () => {
  it('carries on through another node when its node dies, losing nothing a consumer on the third node waits for', async () => {
    const nodes = await NatsServer.cluster(3, 'hearth-failover');
    onTestFinished(async () => void (await Promise.all(nodes.map((node) => node.stop()))));
    // the hub's node is one that is not JetStream's meta leader: when the leader dies, NATS takes
    // 5-15 s on a loaded machine to elect another before any MQTT session can resume, which is
    // NATS's time, not the hub's. The list: the hub's node, the next (where it goes), the consumer's.
    const leader = await nodes[0]?.metaLeader();
    const [hubs, next, third] = [...nodes.filter((node) => node.name !== leader), ...nodes.filter((node) => node.name === leader)] as [
      NatsServer,
      NatsServer,
      NatsServer,
    ];
    const url = (node: NatsServer): string => `mqtt://127.0.0.1:${node.port}`;

    const { devices, link, bridge, stop } = await startBridgedHub({
      hubId: 'failover',
      stateDir: await tempDir(),
      uplink: {
        servers: [hubs, next, third].map((node) => ({ host: '127.0.0.1', port: node.port })),
        mqttVersion: '3.1.1', // NATS speaks no MQTT 5: no fallback round
        startupWaitMs: 10_000,
        reconnectMinMs: 100,
        reconnectMaxMs: 400,
        drainRatePerS: 2000,
      },
      homeassistant: { enabled: false },
      store: { journalBatchMs: 5 },
    });
    onTestFinished(stop);
    devices.attachRadio(
      'zigbee',
      radioPort(() => Promise.resolve()),
    );
    devices.addDevice({ id: BUTTON, friendlyName: 'button', radio: 'zigbee', capabilities: action });
    expect(link.health()).toMatchObject({ status: 'ok', mqtt: { version: '3.1.1' } });

    // the consumer: on the third node (neither the hub's nor the next of its list), a persistent session, QoS 1
    const seen: number[] = [];
    const consumer = await connectAsync(third.url, { clientId: 'failover-consumer', clean: false, reconnectPeriod: 200 });
    onTestFinished(() => consumer.endAsync(true));
    consumer.on('message', (topic, payload) => {
      if (topic !== 'hearth/failover/button') return;
      const { n } = JSON.parse(payload.toString()) as { n?: number };
      if (typeof n === 'number') seen.push(n);
    });
    await consumer.subscribeAsync('hearth/failover/#', { qos: 1 });

    let killed: Promise<void> | undefined;
    for (let n = 0; n < EVENTS; n++) {
      await devices.report(BUTTON, { action: 'single', n });
      // the hub's node dies mid-stream, with events in flight
      if (n === KILL_AFTER) killed = hubs.kill();
      if (n % 10 === 9) await new Promise((resolve) => setImmediate(resolve));
    }
    await killed;
    await until(() => link.connected && link.health().broker !== url(hubs), 40_000, 'the hub on another node');
    await until(() => new Set(seen).size === EVENTS, 30_000, `all ${EVENTS} events at the consumer`);
    await until(() => bridge.outbox.size === 0, 10_000, 'the outbox drained');

    const lost = Array.from({ length: EVENTS }, (_, n) => n).filter((n) => !seen.includes(n));
    const duplicated = seen.length - new Set(seen).size;
    console.info(`NATS failover: ${EVENTS} events, ${lost.length} lost, ${duplicated} duplicated at the consumer on the third node`);
    expect(lost).toEqual([]);
    // in order apart from the redeliveries: each first arrival comes after the one before it
    const firsts = seen.filter((n, i) => seen.indexOf(n) === i);
    expect(firsts).toEqual(Array.from({ length: EVENTS }, (_, n) => n));
  }, 120_000);
});
