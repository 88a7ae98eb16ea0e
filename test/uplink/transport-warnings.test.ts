/**
 * The link's start-up warnings about how it reaches the broker: a password over plain mqtt to
 * another host, TLS settings under a plain `mqtt` protocol (against a real Mosquitto: the link
 * connects in plaintext, and says so), an unchecked broker certificate; and none for a
 * password to a broker on this host.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it, onTestFinished } from 'vitest';
import { loadConfigOrThrow } from '../../src/config/load.js';
import { MqttLink } from '../../src/uplink/mqtt-link.js';
import { Mosquitto } from '../support/mosquitto.js';

async function startLink(uplink: Record<string, unknown>): Promise<{ link: MqttLink; warnings: () => string[] }> {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split('\n')) if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  const config = await loadConfigOrThrow({
    env: {},
    profile: { hubId: 'warn', stateDir: '/tmp/unused', uplink: { startupWaitMs: 0, ...uplink } },
  });
  const link = new MqttLink(config, pino({ level: 'info' }, destination));
  onTestFinished(() => link.stop());
  await link.start(new AbortController().signal);
  return { link, warnings: () => lines.filter((line) => line.level === 40).map((line) => String(line.msg)) };
}

describe('transport warnings at start', () => {
  it('warns of a password in the clear to another host, and not to this one', async () => {
    const remote = await startLink({ host: '192.0.2.10', password: 'pw', username: 'u' });
    expect(remote.warnings()).toEqual([expect.stringMatching(/^uplink\.password goes in the clear over plain mqtt to 192\.0\.2\.10/)]);
    const local = await startLink({ host: '127.0.0.1', password: 'pw', username: 'u' });
    expect(local.warnings()).toEqual([]);
  });

  it('warns when TLS settings are set but the protocol is plain mqtt (it connects in plaintext)', async () => {
    const broker = await Mosquitto.start();
    onTestFinished(() => broker.stop());
    // the CA file is never even read: nothing of TLS is used
    const { link, warnings } = await startLink({
      port: broker.port,
      startupWaitMs: 10_000,
      tls: { ca: '/nonexistent/ca.pem', rejectUnauthorized: false },
    });
    expect(link.connected).toBe(true);
    expect(warnings()).toEqual([
      expect.stringMatching(
        /^uplink\.tls\.ca, uplink\.tls\.rejectUnauthorized set, but uplink\.protocol is mqtt: the connection is plaintext/,
      ),
    ]);
  });

  it("warns when the broker's certificate is not checked", async () => {
    const { warnings } = await startLink({ host: '192.0.2.10', protocol: 'mqtts', port: 8883, tls: { rejectUnauthorized: false } });
    expect(warnings()).toEqual([
      expect.stringMatching(/^uplink\.tls\.rejectUnauthorized is false: the broker's certificate is not checked/),
    ]);
  });
});
