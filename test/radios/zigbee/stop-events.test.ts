/**
 * Events a radio's own stop causes are not news at the next start (issue 19, point 8):
 * herdsman's stop closes joining and says so; published after the link has gone, that
 * `permit_join_changed false` would wait in the outbox and be replayed at every start. Joining
 * closed while the hub runs is still published.
 */
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { Outbox } from '../../../src/uplink/outbox.js';
import { startZigbeeHub } from './support.js';

describe('Zigbee radio stop', () => {
  it('leaves no permit_join_changed in the outbox at stop, and still publishes joining closed while running', async () => {
    const hub = await startZigbeeHub(['bulb']);
    const { watch } = hub;
    await watch.client.publishAsync('hearth/zb/bridge/request/permit_join', '{"value":true,"time":30}', { qos: 1 });
    await watch.waitFor('hearth/zb/bridge/event', (p) => p.includes('"permit_join_changed"') && p.includes('"value":true'));
    await watch.client.publishAsync('hearth/zb/bridge/request/permit_join', '{"value":false}', { qos: 1 });
    await watch.waitFor('hearth/zb/bridge/event', (p) => p.includes('"permit_join_changed"') && p.includes('"value":false'));
    await hub.stop();

    const outbox = await Outbox.open({
      dir: join(hub.stateDir, 'outbox'),
      log: pino({ level: 'silent' }),
      maxBytes: 1e6,
      batchIntervalMs: 5,
    });
    const pending = outbox.pending();
    await outbox.close();
    expect(pending.filter((message) => message.payload.includes('permit_join_changed'))).toEqual([]);
  });
});
