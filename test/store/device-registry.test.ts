import { LineChild } from '../support/line-child.js';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { DeviceRecord } from '../../src/model/device-record.js';
import { DeviceRegistry } from '../../src/store/device-registry.js';
import { capturingLog } from '../actors/support.js';
import { tempDir } from '../support/temp-dir.js';

const idOf = (i: number) => `zigbee:0x${i.toString(16).padStart(16, '0')}`;
const device = (i: number, name = `Lamp ${i}`): DeviceRecord => ({ id: idOf(i), friendlyName: name, radio: 'zigbee', model: 'LED1545G12' });

async function openRegistry(dir: string, shards = 4, writeIntervalMs = 20) {
  const { log, lines } = capturingLog();
  const registry = new DeviceRegistry({ dir, shards, writeIntervalMs, log });
  await registry.load();
  return { registry, lines };
}

describe('device registry', () => {
  it('keeps records with unique friendly names, and persists them', async () => {
    const dir = await tempDir();
    const { registry } = await openRegistry(dir);
    for (let i = 0; i < 50; i++) registry.put(device(i));
    registry.rename(idOf(3), 'kitchen/ceiling');
    registry.remove(idOf(4));
    expect(registry.size).toBe(49);
    expect(registry.byFriendlyName('KITCHEN/Ceiling')?.id).toBe(idOf(3));
    await registry.flush();
    const { registry: reopened } = await openRegistry(dir);
    expect(reopened.size).toBe(49);
    expect(reopened.get(idOf(3))?.friendlyName).toBe('kitchen/ceiling');
    expect(reopened.get(idOf(4))).toBeUndefined();
    expect([...reopened.all()].map((r) => r.id).sort()).toEqual([...registry.all()].map((r) => r.id).sort());
  });

  it('names what is wrong: a taken or bad friendly name, a bad id, an unknown device', async () => {
    const { registry } = await openRegistry(await tempDir());
    registry.put(device(1, 'hall/lamp'));
    expect(() => registry.put(device(2, 'Hall/Lamp'))).toThrow(
      expect.objectContaining({ code: 'DEVICE_NAME_TAKEN', message: `friendly name "Hall/Lamp" is taken by ${idOf(1)}` }),
    );
    expect(() => registry.put(device(2, 'a/#'))).toThrow(expect.objectContaining({ code: 'DEVICE_NAME_INVALID' }));
    expect(() => registry.put(device(2, '0x00158d0001a2b3c4'))).toThrow(expect.objectContaining({ code: 'DEVICE_NAME_INVALID' }));
    expect(() => registry.put({ ...device(2), id: 'lamp' })).toThrow(expect.objectContaining({ code: 'DEVICE_ID_INVALID' }));
    expect(() => registry.remove(idOf(9))).toThrow(expect.objectContaining({ code: 'DEVICE_NOT_FOUND' }));
  });

  it('coalesces writes: at most one per shard file per interval, however many changes', async () => {
    const dir = await tempDir();
    const { registry } = await openRegistry(dir, 4, 100);
    const started = performance.now();
    while (performance.now() - started < 350) {
      for (let i = 0; i < 40; i++) registry.put(device(i, `Lamp ${i} ${Math.random()}`));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await registry.flush();
    const elapsed = performance.now() - started;
    // 4 shard files, each written at most once per 100 ms plus the final flush
    expect(registry.writes).toBeLessThanOrEqual(4 * (Math.ceil(elapsed / 100) + 1));
    expect(registry.writes).toBeGreaterThanOrEqual(4);
  });

  it('writes nothing for a record equal to the one kept (a radio announces every device at each start)', async () => {
    const dir = await tempDir();
    const { registry } = await openRegistry(dir, 4);
    for (let i = 0; i < 20; i++) registry.put(device(i));
    await registry.flush();
    const writes = registry.writes;
    // the same record again, its keys in another order (as a radio builds it) and an unset field spelled out
    for (let i = 0; i < 20; i++) {
      const { model, ...rest } = device(i);
      registry.put({ model, ...rest, vendor: undefined });
    }
    await registry.flush();
    expect(registry.writes).toBe(writes);
    registry.put(device(3, 'Lamp renamed'));
    await registry.flush();
    expect(registry.writes).toBe(writes + 1);
  });

  it('re-shards when the shard count changes, losing nothing', async () => {
    const dir = await tempDir();
    const { registry } = await openRegistry(dir, 4);
    for (let i = 0; i < 200; i++) registry.put(device(i));
    await registry.flush();
    const { registry: wider } = await openRegistry(dir, 16);
    expect(wider.size).toBe(200);
    await wider.flush();
    const { registry: narrower } = await openRegistry(dir, 2);
    expect(narrower.size).toBe(200);
    expect(narrower.get(idOf(123))?.friendlyName).toBe('Lamp 123');
  });

  it('sets a corrupt shard aside, says so with its path, and uses the last good copy', async () => {
    const dir = await tempDir();
    const { registry } = await openRegistry(dir, 1);
    registry.put(device(1));
    await registry.flush();
    registry.put(device(2));
    await registry.flush();
    const shard = join(dir, 'shard-000.json');
    const whole = await readFile(shard, 'utf8');
    await writeFile(shard, whole.slice(0, whole.length / 2)); // truncated mid-write by a bad disk
    const { registry: recovered, lines } = await openRegistry(dir, 1);
    expect(recovered.get(idOf(1))).toBeDefined(); // the last good copy had device 1
    const report = lines.find((line) => typeof line.msg === 'string' && line.msg.includes('is corrupt'));
    expect(report).toMatchObject({ path: shard, using: `${shard}.prev` });
    expect((await readdir(dir)).some((name) => /^shard-000\.json\.corrupt-/.test(name))).toBe(true);
  });

  it('refuses to start empty when a shard is corrupt and has no good copy', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'shard-000.json'), '{"zigbee:0x0000000000000001": {"id": ');
    for (let start = 0; start < 2; start++) {
      const registry = new DeviceRegistry({ dir, shards: 1, writeIntervalMs: 10, log: capturingLog().log });
      await expect(registry.load()).rejects.toMatchObject({
        code: 'STORE_CORRUPT',
        message: expect.stringMatching(
          /^\/.*\/shard-000\.json is corrupt \(.+\) and there is no good copy \(.*shard-000\.json\.prev: missing\); restore it from a backup, or move it away to start that part of the store empty$/,
        ),
      });
    }
    expect(await readdir(dir)).toEqual(['shard-000.json']); // left in place: the next start refuses too
  });

  it('reports a shard that parses but is not a registry as corrupt', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'shard-000.json'), JSON.stringify({ [idOf(1)]: { id: idOf(1), radio: 'bluetooth' } }));
    const registry = new DeviceRegistry({ dir, shards: 1, writeIntervalMs: 10, log: capturingLog().log });
    await expect(registry.load()).rejects.toMatchObject({
      code: 'STORE_CORRUPT',
      message: expect.stringContaining('not a registry shard'),
    });
  });

  it('always loads after the writing process is killed with SIGKILL, again and again', async () => {
    const writer = fileURLToPath(new URL('fixtures/registry-writer.ts', import.meta.url));
    const dir = await tempDir();
    for (let kill = 0; kill < 8; kill++) {
      await LineChild.crashAfter(writer, [dir], () => undefined, 20, 170);
      const { registry, lines } = await openRegistry(dir);
      expect(registry.size === 0 || registry.size === 500, `size after kill ${kill}`).toBe(true);
      expect(lines.filter((line) => (line.level as number) >= 50)).toEqual([]);
    }
  }, 60_000);
});
