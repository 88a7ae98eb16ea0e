/**
 * The dropped-publish guard against a real Mosquitto that drops the client for an oversized
 * publish (`max_packet_size`), on a fake clock: three drops in a row right after the same
 * publish set it aside (its callback hears it, mqtt.js stops sending it); drops long after the
 * publish (an outage, not the message) never count.
 */
import { connectAsync, type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { describe, expect, it, onTestFinished } from 'vitest';
import { DroppedPublishGuard } from '../../src/uplink/dropped-publish-guard.js';
import { Mosquitto } from '../support/mosquitto.js';
import { until } from '../support/until.js';

async function droppingBroker(): Promise<Mosquitto> {
  const broker = await Mosquitto.start({ extraConfig: ['max_packet_size 1024'] });
  onTestFinished(() => broker.stop());
  return broker;
}

async function client(
  broker: Mosquitto,
  guard: DroppedPublishGuard,
  clientId: string,
): Promise<{ client: MqttClient; closes: () => number }> {
  const client = await connectAsync(
    broker.url,
    { clientId, clean: false, reconnectPeriod: 50, protocolVersion: 5, properties: { sessionExpiryInterval: 60 } },
    false,
  );
  let closes = 0;
  client.on('close', () => closes++);
  guard.attach(client);
  onTestFinished(() => client.endAsync(true));
  return { client, closes: () => closes };
}

describe('the dropped-publish guard', () => {
  it('sets a publish aside after three drops in a row right after it, and its callback hears so', async () => {
    const broker = await droppingBroker();
    const guard = new DroppedPublishGuard(pino({ level: 'silent' }), { maxDrops: 3, windowMs: 5000, now: () => 0 });
    const { client: c, closes } = await client(broker, guard, 'guard-1');
    let heard: { error: unknown; setAside: boolean } | undefined;
    c.publish('t/big', 'x'.repeat(4000), { qos: 1 }, (error) => (heard = { error, setAside: guard.isSetAside(error) }));
    await until(() => heard !== undefined, 10_000, 'the publish set aside');
    expect(closes()).toBe(3);
    expect(heard).toMatchObject({ error: expect.any(Error), setAside: true });
    expect(guard.setAside).toBe(1);
    await until(() => c.connected, 5000, 'connected again');
    await c.publishAsync('t/small', 'ok', { qos: 1 }); // nothing holds the connection now
  });

  it('never counts a drop that comes long after the publish', async () => {
    const broker = await droppingBroker();
    let now = 0;
    const guard = new DroppedPublishGuard(pino({ level: 'silent' }), { maxDrops: 3, windowMs: 5000, now: () => now });
    const { client: c, closes } = await client(broker, guard, 'guard-2');
    // each sending is followed by 10 s on the clock before the broker's drop is heard
    c.on('packetsend', (packet) => {
      if (packet.cmd === 'publish') now += 10_000;
    });
    c.publish('t/big', 'x'.repeat(4000), { qos: 1 }, () => undefined);
    await until(() => closes() >= 5, 15_000, 'five drops');
    expect(guard.setAside).toBe(0);
    expect(Object.keys(c.outgoing)).toHaveLength(1); // still kept by mqtt.js
  });
});
