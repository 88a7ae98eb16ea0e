/**
 * The hub's OTA sources without internet (ota-index.ts): a folder of OTA files indexed from
 * their own headers (a file that is no image skipped with a warning), a local index file in
 * zigbee-OTA's format (a relative url read from the index's folder, missing fields from the
 * file's header), both merged into the one index herdsman reads; an online index only when
 * configured, after the local ones; nothing configured is a clear error; bounds hold.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import { otaSources, type ZigbeeOtaSettings } from '../../../src/radios/zigbee/ota-index.js';
import { tempDir } from '../../support/temp-dir.js';
import { otaImage } from './ota-image.js';

const tuning = { requestTimeoutMs: 150_000, responseDelayMs: 250, maximumDataSize: 50 };

describe('OTA sources', () => {
  it('merges a folder and a local index into one index herdsman reads, the online index after them', async () => {
    const dir = await tempDir();
    const images = join(dir, 'images');
    const indexDir = join(dir, 'index');
    await mkdir(images);
    await mkdir(indexDir);
    await writeFile(join(images, 'a.ota'), otaImage({ manufacturerCode: 0x117c, imageType: 0x2101, fileVersion: 5, size: 200 }));
    await writeFile(join(images, 'broken.ota'), 'not an image');
    await writeFile(join(indexDir, 'b.ota'), otaImage({ manufacturerCode: 0x100b, imageType: 7, fileVersion: 9, size: 100 }));
    await writeFile(join(indexDir, 'index.json'), JSON.stringify([{ url: 'b.ota', modelId: 'LCT001', releaseNotes: 'fixes' }]));
    const warnings: string[] = [];
    const settings: ZigbeeOtaSettings = {
      imagesDir: images,
      indexFile: join(indexDir, 'index.json'),
      onlineIndex: 'https://example.invalid/index.json',
      mergedIndexPath: join(dir, 'state', 'zigbee', 'ota-index.json'),
      ...tuning,
    };
    const sources = await otaSources(settings, (message) => warnings.push(message));
    expect(sources).toEqual([{ url: settings.mergedIndexPath }, { url: 'https://example.invalid/index.json' }]);
    const merged = JSON.parse(await readFile(settings.mergedIndexPath, 'utf8')) as Record<string, unknown>[];
    expect(merged).toEqual([
      expect.objectContaining({
        url: join(indexDir, 'b.ota'),
        manufacturerCode: 0x100b,
        imageType: 7,
        fileVersion: 9,
        fileSize: 162,
        modelId: 'LCT001',
      }),
      expect.objectContaining({ url: join(images, 'a.ota'), manufacturerCode: 0x117c, imageType: 0x2101, fileVersion: 5, fileSize: 262 }),
    ]);
    expect(warnings).toEqual([expect.stringContaining('broken.ota skipped')]);
  });

  it('refuses nothing configured, a broken index and an oversized image, with coded errors', async () => {
    const dir = await tempDir();
    const mergedIndexPath = join(dir, 'merged.json');
    await expect(otaSources({ mergedIndexPath, ...tuning }, () => undefined)).rejects.toMatchObject({
      code: 'COMMAND_INVALID',
      message: expect.stringContaining('radios.zigbee.ota.imagesDir'),
    });
    await writeFile(join(dir, 'index.json'), '{"not":"an array"}');
    await expect(otaSources({ indexFile: join(dir, 'index.json'), mergedIndexPath, ...tuning }, () => undefined)).rejects.toMatchObject({
      code: 'PAYLOAD_INVALID',
    });
    await writeFile(join(dir, 'index.json'), JSON.stringify([{ fileVersion: 1 }]));
    await expect(otaSources({ indexFile: join(dir, 'index.json'), mergedIndexPath, ...tuning }, () => undefined)).rejects.toMatchObject({
      code: 'PAYLOAD_INVALID',
      message: expect.stringContaining('image 0 has no url'),
    });
    const big = join(dir, 'big');
    await mkdir(big);
    await writeFile(join(big, 'huge.ota'), Buffer.alloc(16 * 1024 * 1024 + 1));
    const warnings: string[] = [];
    await otaSources({ imagesDir: big, mergedIndexPath, ...tuning }, (message) => warnings.push(message));
    expect(warnings).toEqual([expect.stringContaining('more than 16777216')]);
    expect(JSON.parse(await readFile(mergedIndexPath, 'utf8'))).toEqual([]);
  });

  it('takes its sources from radios.zigbee.ota: absolute paths, an https index, Zigbee2MQTT defaults otherwise', () => {
    const ota = (value: Record<string, unknown>) => configSchema.safeParse({ radios: { zigbee: { ota: value } } });
    expect(configSchema.parse({}).radios.zigbee.ota).toEqual({
      imageBlockRequestTimeoutMs: 150_000,
      imageBlockResponseDelayMs: 250,
      defaultMaximumDataSize: 50,
    });
    expect(ota({ imagesDir: '/var/lib/hearth/ota', onlineIndex: 'https://example.org/index.json' }).success).toBe(true);
    for (const bad of [
      { imagesDir: 'ota' },
      { indexFile: '../index.json' },
      { onlineIndex: 'http://example.org/index.json' },
      { defaultMaximumDataSize: 1000 },
    ])
      expect(ota(bad).success, JSON.stringify(bad)).toBe(false);
  });
});
