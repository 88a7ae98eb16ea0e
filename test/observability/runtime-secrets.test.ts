/**
 * Secrets the hub makes at run time never reach a log line: the network key generated into
 * `zigbee/network.json` on first start is learnt by the real logger's scrubber before herdsman
 * sees it, so herdsman's own key-mismatch report (as its Z-Stack adapter prints it) shows no key.
 */
import { readFile } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { logger as herdsmanLogger } from 'zigbee-herdsman/dist/utils/logger.js';
import { loadConfigOrThrow } from '../../src/config/load.js';
import { Logging } from '../../src/observability/logger.js';
import { secretsOf } from '../../src/observability/secrets.js';
import { routeHerdsmanLogs } from '../../src/radios/zigbee/herdsman-logger.js';
import { zigbeeRadioOptions } from '../../src/radios/zigbee/radio-options.js';
import { tempDir } from '../support/temp-dir.js';

describe('secrets made at run time', () => {
  it("keeps a generated Zigbee network key out of herdsman's key-mismatch log", async () => {
    const stateDir = await tempDir();
    const config = await loadConfigOrThrow({
      env: {},
      profile: { stateDir, radios: { zigbee: { enabled: true, serialPort: '/dev/null' } } },
    });
    let text = '';
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        text += chunk.toString();
        callback();
      },
    });
    // herdsman's own lines at debug (by default they are at warn)
    const logging = new Logging({
      level: 'debug',
      format: 'json',
      modules: { 'radios.zigbee.herdsman': 'debug' },
      secrets: secretsOf(config),
      destination,
    });
    const herdsmanLog = logging.forModule('radios.zigbee.herdsman');
    const options = zigbeeRadioOptions(config, logging.forModule('radios.zigbee'), herdsmanLog, '/dev/null', (secrets) =>
      logging.learnSecrets(secrets),
    );
    if (typeof options.controller !== 'function') throw new Error('expected the settings to be made at start');
    // what the radio's start does first: the network's identity, generated and kept
    const settings = await options.controller();
    const key = (JSON.parse(await readFile(`${stateDir}/zigbee/network.json`, 'utf8')) as { networkKey: string }).networkKey;
    expect(Buffer.from(settings.network.networkKey ?? []).toString('hex')).toBe(key);
    routeHerdsmanLogs(herdsmanLog);
    const keyBuffer = Buffer.from(key, 'hex');
    // herdsman's own lines (zigbee-herdsman's z-stack adapter manager, on a key mismatch and at debug)
    herdsmanLogger.error(
      `- Network Key: configured=${keyBuffer.toString('hex')}, adapter:active=00112233445566778899aabbccddeeff adapter:preconfigured=${keyBuffer.toString('hex')}`,
      'zh:adapter:zstack:manager',
    );
    herdsmanLogger.debug(() => ` - networkKey: ${keyBuffer.toString('hex').toUpperCase()}`, 'zh:adapter:zstack:manager');
    herdsmanLogger.info(`network options ${JSON.stringify({ networkKey: [...keyBuffer] })}`, 'zh:controller');
    const lines = text.split('\n').filter((line) => line !== '');
    expect(lines.filter((line) => line.includes('zh:')).length).toBe(3);
    expect(text).toContain('[redacted]');
    expect(text).toContain('00112233445566778899aabbccddeeff');
    for (const spelling of [key, key.toUpperCase(), [...keyBuffer].join(',')]) expect(text).not.toContain(spelling);
  });
});
