import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../src/config/load.js';
import { Logging, type LoggingOptions } from '../../src/observability/logger.js';
import { secretsOf } from '../../src/observability/secrets.js';

function capture(options: Omit<LoggingOptions, 'destination'>): {
  logging: Logging;
  lines: () => Record<string, unknown>[];
  text: () => string;
} {
  let text = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      text += chunk.toString();
      callback();
    },
  });
  const logging = new Logging({ ...options, destination });
  return {
    logging,
    text: () => text,
    lines: () =>
      text
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('logging', () => {
  it('writes JSON lines tagged with the module, at the root level', () => {
    const { logging, lines } = capture({ level: 'info', format: 'json', modules: {} });
    logging.forModule('uplink').info({ broker: 'mqtt://x' }, 'connected');
    logging.forModule('uplink').debug('hidden at info');
    expect(lines()).toEqual([
      expect.objectContaining({ level: 'info', module: 'uplink', broker: 'mqtt://x', msg: 'connected', time: expect.any(String) }),
    ]);
  });

  it('applies per-module levels, the longest configured prefix winning', () => {
    const { logging, lines } = capture({ level: 'warn', format: 'json', modules: { radios: 'info', 'radios.zigbee': 'debug' } });
    expect(logging.levelOf('radios.zigbee.join')).toBe('debug');
    expect(logging.levelOf('radios.zwave')).toBe('info');
    expect(logging.levelOf('uplink')).toBe('warn');
    logging.forModule('radios.zigbee').debug('zigbee debug');
    logging.forModule('radios.zwave').debug('zwave debug');
    logging.forModule('radios.zwave').info('zwave info');
    logging.forModule('uplink').info('uplink info');
    expect(lines().map((line) => line.msg)).toEqual(['zigbee debug', 'zwave info']);
  });

  it("keeps the libraries' own logs at warn unless logging.modules names them, never below the root level", () => {
    const quiet = capture({ level: 'info', format: 'json', modules: { radios: 'debug' } });
    expect(quiet.logging.levelOf('radios.zwave.driver')).toBe('warn');
    expect(quiet.logging.levelOf('radios.zigbee.herdsman')).toBe('warn');
    expect(quiet.logging.levelOf('radios.zwave')).toBe('debug');
    quiet.logging.forModule('radios.zwave.driver').info('[Node 001] No device config found');
    quiet.logging.forModule('radios.zigbee.herdsman').info("Interview for '0x00158d0000000001' started");
    quiet.logging.forModule('radios.zwave.driver').warn('a warning of the library');
    expect(quiet.lines().map((line) => line.msg)).toEqual(['a warning of the library']);

    const named = capture({ level: 'info', format: 'json', modules: { 'radios.zwave.driver': 'debug', 'radios.zigbee.herdsman': 'info' } });
    expect(named.logging.levelOf('radios.zwave.driver')).toBe('debug');
    expect(named.logging.levelOf('radios.zigbee.herdsman')).toBe('info');
    expect(capture({ level: 'error', format: 'json', modules: {} }).logging.levelOf('radios.zwave.driver')).toBe('error');
  });

  it('never writes a configured secret, however it is logged', async () => {
    const password = 'pa55-w0rd"with quote';
    const zigbeeKey = '01030507090B0D0F00020406080A0C0D';
    const s2Key = '0x5369389EFA18EE2A4894C7FB48347FEA';
    const config = await loadConfigOrThrow({
      env: {},
      profile: { uplink: { password }, radios: { zigbee: { networkKey: zigbeeKey }, zwave: { securityKeys: { s2AccessControl: s2Key } } } },
    });
    const { logging, text } = capture({ level: 'trace', format: 'json', modules: {}, secrets: secretsOf(config) });
    const log = logging.forModule('test');
    log.info({ config }, 'the whole config object');
    log.info({ uplink: config.uplink }, 'a section');
    log.error({ err: new Error(`connect failed for user with password ${password}`) }, 'an error quoting the password');
    log.debug(`zigbee key as a library logs it: ${zigbeeKey.toLowerCase()}`);
    const bytes = zigbeeKey.match(/../g)!.map((pair) => parseInt(pair, 16));
    log.debug({ networkKey: bytes }, 'key field as bytes');
    log.debug({ key: bytes }, 'key as bytes under another name');
    log.trace(`s2 key without prefix ${s2Key.slice(2)}`);
    const output = text();
    expect(output.split('\n').length).toBeGreaterThan(7);
    expect(output).toContain('[redacted]');
    for (const forbidden of [
      password,
      JSON.stringify(password).slice(1, -1),
      zigbeeKey,
      zigbeeKey.toLowerCase(),
      bytes.join(','),
      s2Key.slice(2),
      s2Key.slice(2).toLowerCase(),
    ]) {
      expect(output.toLowerCase()).not.toContain(forbidden.toLowerCase());
    }
  });
});
