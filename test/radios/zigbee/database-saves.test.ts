/**
 * herdsman's database.db on the hub's schedule (database-saves.ts), with herdsman's real
 * Controller over the simulated adapter: herdsman's own 5-minute rewrite is taken over, a look
 * finds nothing to write while only last-seen times and reported values moved, and writes the
 * file once an entry's structure changed.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Controller } from 'zigbee-herdsman';
import { describe, expect, it } from 'vitest';
import type { CoordinatorBackups } from '../../../src/radios/zigbee/coordinator-backups.js';
import { until } from '../../support/until.js';
import { startZigbeeHub } from './support.js';

describe("herdsman's database saves", () => {
  it('write database.db only when an entry changed in more than its lastSeen', async () => {
    const hub = await startZigbeeHub(['climate', 'plug']);
    // the radio's parts, as it holds them (no public handle: the test looks inside)
    const inside = hub.radio as unknown as { backups: CoordinatorBackups; controller: Controller };
    const saves = inside.backups.database;
    expect((inside.controller as unknown as { databaseSaveTimer?: unknown }).databaseSaveTimer).toBeUndefined();
    const path = join(hub.stateDir, 'database.db');
    expect(saves.saveIfChanged()).toBe(false); // herdsman wrote it as the devices joined
    const before = await stat(path);

    // reports move every device's lastSeen and cached attribute values on: nothing to write (the hub's state store keeps both)
    const [climate, plug] = hub.network.all;
    const seenBefore = inside.controller.getDeviceByIeeeAddr(climate?.ieeeAddress ?? '')?.lastSeen ?? 0;
    climate?.report('msTemperatureMeasurement', { measuredValue: 2345 });
    plug?.report('haElectricalMeasurement', { activePower: 1500 });
    await until(
      () =>
        inside.controller
          .getDeviceByIeeeAddr(plug?.ieeeAddress ?? '')
          ?.getEndpoint(1)
          ?.getClusterAttributeValue('haElectricalMeasurement', 'activePower') === 1500,
      10_000,
      'the reports',
    );
    expect(inside.controller.getDeviceByIeeeAddr(climate?.ieeeAddress ?? '')?.lastSeen ?? 0).toBeGreaterThan(seenBefore);
    expect(saves.saveIfChanged()).toBe(false);
    expect((await stat(path)).ino).toBe(before.ino); // herdsman writes a temp file renamed over it: a write is a new inode

    // a change herdsman made without writing (a converter's note in the device's meta): written
    const device = inside.controller.getDeviceByIeeeAddr(plug?.ieeeAddress ?? '');
    if (device === undefined) throw new Error('the plug is not in the database');
    device.meta.hearthWearTest = 1;
    expect(saves.saveIfChanged()).toBe(true);
    expect((await stat(path)).ino).not.toBe(before.ino);
    expect(await readFile(path, 'utf8')).toContain('"hearthWearTest":1');
    expect(saves.saveIfChanged()).toBe(false);
  });
});
