import { presets as e } from 'zigbee-herdsman-converters/lib/exposes';
import { describe, expect, it } from 'vitest';
import type { Capability } from '../../src/model/capabilities.js';
import { CommandError, validateCommand } from '../../src/devices/command-validation.js';

/** What zigbee-herdsman-converters exposes for a colour-temperature bulb and a sensor button. */
const bulb = JSON.parse(
  JSON.stringify([e.light_brightness_colortemp([153, 500]), e.effect(), e.action(['on', 'off']), e.temperature()]),
) as Capability[];

function problemsOf(payload: unknown): string[] {
  try {
    validateCommand('zigbee:0x00158d0001a2b3c4', bulb, payload);
  } catch (error) {
    expect(error).toBeInstanceOf(CommandError);
    expect((error as CommandError).code).toBe('COMMAND_INVALID');
    return (error as CommandError).problems.map((p) => `${p.attribute}: ${p.message}`);
  }
  return [];
}

describe('command validation against converter exposes', () => {
  it('accepts what the device exposes as settable, normalising spellings and presets', () => {
    expect(
      validateCommand('zigbee:0x00158d0001a2b3c4', bulb, { state: 'on', brightness: 128, color_temp: 'warm', effect: 'blink' }),
    ).toEqual({
      state: 'ON',
      brightness: 128,
      color_temp: 454,
      effect: 'blink',
    });
    expect(validateCommand('zigbee:0x00158d0001a2b3c4', bulb, { state: 'TOGGLE' })).toEqual({ state: 'TOGGLE' });
  });

  it('names the attribute and its allowed range for a value out of range', () => {
    expect(problemsOf({ brightness: 300 })).toEqual(['brightness: expected a number 0-254, got 300']);
    expect(problemsOf({ color_temp: 100 })).toEqual([
      'color_temp: expected a number 153-500 mired or one of "coolest", "cool", "neutral", "warm", "warmest", got 100',
    ]);
  });

  it('reports every problem at once: unknown, read-only, wrong type, not in the enum', () => {
    expect(problemsOf({ brigthness: 10, temperature: 5, state: 'maybe', effect: 'disco' })).toEqual([
      expect.stringMatching(/^brigthness: no such attribute \(settable: state, brightness, color_temp, .*effect\)$/),
      'temperature: read-only: the device reports it but cannot be set',
      'state: expected one of "ON", "OFF", "TOGGLE", got "maybe"',
      expect.stringMatching(/^effect: expected one of "blink", .*got "disco"$/),
    ]);
  });

  it('refuses a transient event as a command, and a payload that is not an object', () => {
    expect(problemsOf({ action: 'on' })).toEqual(['action: read-only: the device reports it but cannot be set']);
    expect(problemsOf('ON')).toEqual(['(payload): expected an object such as {"state": "ON"}, got "ON"']);
    expect(problemsOf({})).toEqual(['(payload): expected at least one attribute to set']);
  });

  it('puts the device id and every problem in the message', () => {
    expect(() => validateCommand('zigbee:0x00158d0001a2b3c4', bulb, { brightness: -1 })).toThrow(
      'zigbee:0x00158d0001a2b3c4: brightness: expected a number 0-254, got -1',
    );
  });

  it('checks the parts of a composite and the items of a list', () => {
    const caps: Capability[] = [
      {
        type: 'composite',
        name: 'color_xy',
        property: 'color',
        access: 2,
        features: [
          { type: 'numeric', name: 'x', property: 'x', access: 2, value_min: 0, value_max: 1 },
          { type: 'numeric', name: 'y', property: 'y', access: 2, value_min: 0, value_max: 1 },
        ],
      },
      {
        type: 'list',
        name: 'schedule',
        property: 'schedule',
        access: 2,
        length_max: 2,
        item_type: { type: 'numeric', name: 't', property: 't', access: 2, value_min: 5, value_max: 30 },
      },
    ];
    expect(validateCommand('zigbee:0x1', caps, { color: { x: 0.3, y: 0.4 }, schedule: [20, 21] })).toEqual({
      color: { x: 0.3, y: 0.4 },
      schedule: [20, 21],
    });
    expect(() => validateCommand('zigbee:0x1', caps, { color: { x: 2, z: 1 }, schedule: [4] })).toThrow(
      'zigbee:0x1: color.x: expected a number 0-1, got 2; color.z: no such part (it has x, y); schedule[0]: expected a number 5-30, got 4',
    );
    expect(() => validateCommand('zigbee:0x1', caps, { schedule: [20, 21, 22] })).toThrow('schedule: expected at most 2 items, got 3');
  });
});
