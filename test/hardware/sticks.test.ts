import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { budgetFor, loadMemoryTable, parseSize } from '../../src/hardware/board-memory.js';
import { globToRegExp, identifyStick, loadSticks, udevRules, udevRulesFile } from '../../src/hardware/sticks.js';

describe('the stick table and its udev rules', () => {
  const sticks = loadSticks();

  it('keeps the committed udev rules generated from hardware/sticks.json (npm run udev-rules)', async () => {
    expect(await readFile(udevRulesFile, 'utf8')).toBe(udevRules(sticks));
  });

  it('gives every stick one rule with its ids, its stable name and the dialout group', () => {
    const rules = udevRules(sticks).split('\n');
    for (const stick of sticks) {
      const rule = rules.filter((line) => line.includes(`ENV{HEARTH_RADIO}="${stick.id}"`));
      expect(rule, stick.id).toHaveLength(1);
      expect(rule[0]).toContain(`ATTRS{idVendor}=="${stick.usb.vendorId}", ATTRS{idProduct}=="${stick.usb.productId}"`);
      expect(rule[0]).toMatch(
        new RegExp(`GROUP="dialout", MODE="0660", SYMLINK\\+="${stick.radio === 'zigbee' ? 'ttyZigbee' : 'ttyZWave'}"$`),
      );
    }
    // a rule that names only ids comes after every rule that also names a product string
    const lastSpecific = rules.findLastIndex((line) => line.includes('ATTRS{product}'));
    const firstGeneric = rules.findIndex((line) => line.startsWith('ATTRS{') && !line.includes('ATTRS{product}'));
    expect(firstGeneric).toBeGreaterThan(lastSpecific);
  });

  it('tells sticks that share a USB bridge apart by their product strings', () => {
    const ids = (identity: Parameters<typeof identifyStick>[0]): string[] => identifyStick(identity, sticks).map((stick) => stick.id);
    expect(ids({ vendorId: '10c4', productId: 'ea60', product: 'Sonoff Zigbee 3.0 USB Dongle Plus' })).toEqual(['sonoff-zbdongle-p']);
    expect(ids({ vendorId: '10c4', productId: 'ea60', product: 'Sonoff Zigbee 3.0 USB Dongle Plus V2' })).toEqual(['sonoff-zbdongle-e-cp']);
    expect(ids({ vendorId: '1A86', productId: '55D4', product: 'SONOFF Zigbee 3.0 USB Dongle Plus V2' })).toEqual(['sonoff-zbdongle-e']);
    expect(ids({ vendorId: '10c4', productId: 'ea60', product: 'Home Assistant Connect ZBT-1' })).toEqual(['zbt-1']);
    expect(ids({ vendorId: '1cf1', productId: '0030', product: 'ConBee II' })).toEqual(['conbee-2']);
    expect(ids({ vendorId: '0658', productId: '0200' })).toEqual(['zwave-500-uzb']);
    expect(ids({ vendorId: '10c4', productId: 'ea60', product: 'CP2104 USB to UART Bridge Controller' })).toEqual([]);
    expect(ids({ vendorId: '10c4', productId: 'ea60' })).toEqual([]);
  });

  it('reads udev globs as udev does: whole strings, * ? and classes', () => {
    expect(globToRegExp('*Dongle Plus V2').test('SONOFF Zigbee 3.0 USB Dongle Plus V2')).toBe(true);
    expect(globToRegExp('*Dongle Plus V2').test('Dongle Plus V2 rev b')).toBe(false);
    expect(globToRegExp('ConBee [I]?').test('ConBee II')).toBe(true);
    expect(globToRegExp('a.b').test('axb')).toBe(false);
  });
});

describe('the board memory table', () => {
  const table = loadMemoryTable();

  it('budgets each Raspberry Pi by its device-tree model, and any other machine by "*"', () => {
    expect(budgetFor('Raspberry Pi Zero 2 W Rev 1.0', table)).toMatchObject({
      model: 'Raspberry Pi Zero 2 W',
      maxBytes: 256 * 2 ** 20,
      highBytes: 224 * 2 ** 20,
    });
    expect(budgetFor('Raspberry Pi 3 Model B Plus Rev 1.3', table)?.model).toBe('Raspberry Pi 3 Model B Plus');
    expect(budgetFor('Raspberry Pi 3 Model B Rev 1.2', table)?.model).toBe('Raspberry Pi 3 Model B');
    expect(budgetFor('Raspberry Pi 5 Model B Rev 1.0', table)?.maxBytes).toBe(512 * 2 ** 20);
    expect(budgetFor(undefined, table)?.model).toBe('*');
    for (const row of table) expect(row.highBytes, row.model).toBeLessThan(row.maxBytes);
  });

  it('parses systemd sizes and names a bad one', () => {
    expect(parseSize('256M')).toBe(268_435_456);
    expect(parseSize('1G')).toBe(2 ** 30);
    expect(() => parseSize('256 MB')).toThrow('not a size: "256 MB"');
  });
});
