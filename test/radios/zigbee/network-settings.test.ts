/** The Zigbee network's identity: config wins; otherwise random, never the well-known defaults, and kept across starts. */
import { chmod, readFile, stat, writeFile, mkdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { networkSettings, wellKnownSettings, zigbeeStateDirectory } from '../../../src/radios/zigbee/network-settings.js';
import { tempDir } from '../../support/temp-dir.js';

const WELL_KNOWN_KEY = [1, 3, 5, 7, 9, 11, 13, 15, 0, 2, 4, 6, 8, 10, 12, 13];

describe('Zigbee network settings', () => {
  it('generates a random PAN id, extended PAN id and key on first start and keeps them (for the hub only)', async () => {
    const stateDir = await tempDir();
    const first = await networkSettings({ channel: 20 }, stateDir);
    expect(first.channel).toBe(20);
    expect(first.panId).not.toBe(0x1a62);
    expect(first.networkKey).toHaveLength(16);
    expect(first.networkKey).not.toEqual(WELL_KNOWN_KEY);
    expect(first.extendedPanId).toHaveLength(8);
    expect((await stat(`${stateDir}/zigbee/network.json`)).mode & 0o777).toBe(0o600);
    expect(await networkSettings({ channel: 20 }, stateDir)).toEqual(first);
    // another hub gets another network
    const other = await networkSettings({ channel: 20 }, await tempDir());
    expect(other.networkKey).not.toEqual(first.networkKey);
    expect(JSON.parse(await readFile(`${stateDir}/zigbee/network.json`, 'utf8'))).toMatchObject({
      panId: first.panId,
      networkKey: Buffer.from(first.networkKey).toString('hex'),
    });
  });

  it('takes what config sets over what was generated', async () => {
    const stateDir = await tempDir();
    await networkSettings({ channel: 11 }, stateDir);
    const configured = await networkSettings(
      { channel: 25, panId: 0x1234, extendedPanId: '0x0011223344556677', networkKey: 'A0A1A2A3A4A5A6A7A8A9AAABACADAEAF' },
      stateDir,
    );
    expect(configured).toEqual({
      channel: 25,
      panId: 0x1234,
      extendedPanId: [0, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77],
      networkKey: [0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf],
    });
  });

  it('tells configured well-known defaults apart', () => {
    expect(
      wellKnownSettings({
        channel: 11,
        panId: 0x1a62,
        extendedPanId: '0xDDDDDDDDDDDDDDDD',
        networkKey: '0x01030507090B0D0F00020406080A0C0D',
      }),
    ).toEqual(['panId', 'extendedPanId', 'networkKey']);
    expect(wellKnownSettings({ channel: 11, panId: 0x1234, networkKey: 'a0a1a2a3a4a5a6a7a8a9aaabacadaeaf' })).toEqual([]);
  });

  it('makes zigbee/ for the hub only (0700) whatever the umask, and takes that back from an older one', async () => {
    const previous = process.umask(0);
    try {
      const stateDir = await tempDir();
      await networkSettings({ channel: 11 }, stateDir);
      expect((await stat(`${stateDir}/zigbee`)).mode & 0o777).toBe(0o700);
      // a directory an earlier version made readable by all (herdsman writes its backup there, 0644)
      const older = await tempDir();
      await mkdir(`${older}/zigbee`);
      await chmod(`${older}/zigbee`, 0o755);
      expect(await zigbeeStateDirectory(older)).toBe(`${older}/zigbee`);
      expect((await stat(`${older}/zigbee`)).mode & 0o777).toBe(0o700);
    } finally {
      process.umask(previous);
    }
  });

  it('names the file and what is wrong with a damaged one', async () => {
    const stateDir = await tempDir();
    await mkdir(`${stateDir}/zigbee`);
    await writeFile(`${stateDir}/zigbee/network.json`, '{"panId":"x"}');
    await expect(networkSettings({ channel: 11 }, stateDir)).rejects.toMatchObject({
      code: 'STORE_CORRUPT',
      message: expect.stringContaining(`${stateDir}/zigbee/network.json: expected`),
    });
  });
});
