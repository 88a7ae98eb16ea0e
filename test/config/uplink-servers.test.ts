/** uplink.servers and uplink.mqttVersion: how they are read, and the brokers they make. */
import { describe, expect, it } from 'vitest';
import { brokerServers, brokerUrl } from '../../src/config/broker-address.js';
import { loadConfig, loadConfigOrThrow } from '../../src/config/load.js';

describe('uplink.servers', () => {
  it('lists the brokers in order, each port defaulting to uplink.port, from a file or the environment', async () => {
    const config = await loadConfigOrThrow({
      env: { HEARTH_UPLINK_SERVERS: '[{host: a.example}, {host: b.example, port: 1884}]' },
      profile: { uplink: { port: 8883 } },
    });
    expect(brokerServers(config)).toEqual([
      { host: 'a.example', port: 8883 },
      { host: 'b.example', port: 1884 },
    ]);
    expect(brokerUrl(config)).toBe('mqtt://a.example:8883');
    const single = await loadConfigOrThrow({ env: {}, profile: { uplink: { host: '::1', port: 1999 } } });
    expect(brokerServers(single)).toEqual([{ host: '::1', port: 1999 }]);
    expect(brokerUrl(single)).toBe('mqtt://[::1]:1999');
  });

  it('refuses an empty list, and a list with the embedded broker (which runs on host and port)', async () => {
    const result = await loadConfig({ env: {}, profile: { uplink: { servers: [], embeddedBroker: 'auto' } } });
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.problems.map((problem) => problem.where)).toEqual(['uplink.servers', 'uplink.embeddedBroker']);
  });
});

describe('uplink.mqttVersion', () => {
  it('takes auto, 5 (as YAML reads it, a number, or text) and 3.1.1, and nothing else', async () => {
    for (const [given, read] of [
      [undefined, 'auto'],
      [5, '5'],
      ['5', '5'],
      ['3.1.1', '3.1.1'],
    ] as const) {
      const config = await loadConfigOrThrow({ env: {}, profile: { uplink: given === undefined ? {} : { mqttVersion: given } } });
      expect(config.uplink.mqttVersion).toBe(read);
    }
    const wrong = await loadConfig({ env: {}, profile: { uplink: { mqttVersion: 4 } } });
    expect(wrong.ok ? [] : wrong.problems).toEqual([{ where: 'uplink.mqttVersion', message: 'expected auto, 5 or 3.1.1, got 4' }]);
  });
});
