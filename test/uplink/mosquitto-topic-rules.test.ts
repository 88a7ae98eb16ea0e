/**
 * What Mosquitto does with a topic MQTT forbids, shown against the real broker: it drops the
 * client that publishes U+0001, U+007F, U+0085, U+FFFF or U+FDD0 (and the other characters of
 * the rule) with "disconnected due to malformed packet", rather than refusing the PUBLISH; the
 * hub's topic check (mqtt-text.ts) refuses exactly those, and lets neighbours through.
 */
import { connectAsync } from 'mqtt';
import { describe, expect, it, onTestFinished } from 'vitest';
import { publishTopicProblem } from '../../src/model/mqtt-text.js';
import { Mosquitto } from '../support/mosquitto.js';
import { until } from '../support/until.js';

/** Publishes once at QoS 1: 'acked', or 'dropped' when the broker closed the connection instead. */
async function publishOnce(url: string, clientId: string, topic: string): Promise<'acked' | 'dropped'> {
  const client = await connectAsync(url, { reconnectPeriod: 0, clientId, protocolVersion: 5 });
  try {
    const closed = new Promise<'dropped'>((resolve) => client.once('close', () => resolve('dropped')));
    const acked = client.publishAsync(topic, 'x', { qos: 1 }).then(
      () => 'acked' as const,
      () => 'dropped' as const,
    );
    return await Promise.race([acked, closed]);
  } finally {
    await client.endAsync(true);
  }
}

const DROPPED = ['\u0001', '\u007f', '\u0085', '\uffff', '\ufdd0', '\u001f', '\u009f', '\ufdef', '\ufffe', '\u{1fffe}', '\u{10ffff}'];
const TAKEN = ['\u00a0', '\ufdcf', '\ufdf0', '\ufffd', 'é', '\u{1f642}'];

describe('Mosquitto and forbidden characters in a topic', () => {
  it('drops the client for each (malformed packet), and takes their neighbours', async () => {
    const broker = await Mosquitto.start({ logConnections: true });
    onTestFinished(() => broker.stop());
    const label = (character: string) => (character.codePointAt(0) ?? 0).toString(16);
    const results = await Promise.all(
      [...DROPPED, ...TAKEN].map(
        async (character) => [character, await publishOnce(broker.url, `c-${label(character)}`, `t/a${character}b`)] as const,
      ),
    );
    for (const [character, result] of results) {
      const dropped = DROPPED.includes(character);
      expect(result, `U+${label(character)}`).toBe(dropped ? 'dropped' : 'acked');
      expect(publishTopicProblem(`t/a${character}b`) !== undefined, `U+${label(character)}`).toBe(dropped);
      const line = `Client c-${label(character)} disconnected due to malformed packet`;
      if (dropped) await until(() => broker.log.includes(line), 5000, line);
    }
    // a lone surrogate cannot be written as UTF-8: it arrives as U+FFFD, another topic
    expect(publishTopicProblem('t/a\ud800b')).toContain('lone UTF-16 surrogate');
  });
});
