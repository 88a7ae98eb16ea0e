/**
 * What each kind of configured pin is as a device: its capabilities (Zigbee2MQTT's exposes)
 * and how an input's level becomes a report — a relay or LED is a switch (`state` ON/OFF), a
 * button reports `action` (click-detector.ts), a contact `contact` (true when the level is
 * active: closed), a motion sensor `occupancy` (true on motion, false `occupancyHoldS` after
 * its output went quiet).
 */
import { ACCESS_GET, ACCESS_SET, ACCESS_STATE, type Capability } from '../../model/capabilities.js';
import type { GpioDeviceConfig } from '../../config/schema.js';
import { ClickDetector, type ClickTimings } from './click-detector.js';

export const isOutput = (device: GpioDeviceConfig): boolean => device.type === 'relay' || device.type === 'led';

export function capabilitiesOf(device: GpioDeviceConfig): Capability[] {
  switch (device.type) {
    case 'relay':
    case 'led':
      return [
        {
          type: 'switch',
          features: [
            {
              type: 'binary',
              name: 'state',
              property: 'state',
              access: ACCESS_STATE | ACCESS_SET | ACCESS_GET,
              value_on: 'ON',
              value_off: 'OFF',
              value_toggle: 'TOGGLE',
            },
          ],
        },
      ];
    case 'button':
      return [{ type: 'enum', name: 'action', property: 'action', access: ACCESS_STATE, values: ['single', 'double', 'long'] }];
    case 'contact':
      return [
        {
          type: 'binary',
          name: 'contact',
          property: 'contact',
          access: ACCESS_STATE | ACCESS_GET,
          value_on: false,
          value_off: true,
          description: 'false: open, true: closed',
        },
      ];
    case 'motion':
      return [{ type: 'binary', name: 'occupancy', property: 'occupancy', access: ACCESS_STATE, value_on: true, value_off: false }];
  }
}

export interface InputTimings extends ClickTimings {
  occupancyHoldS: number;
}

/** Turns one input's levels into reports. */
export interface InputLogic {
  /** The level read when the pin was opened. */
  initial(level: 0 | 1): void;
  level(level: 0 | 1): void;
  stop(): void;
}

export function inputLogic(device: GpioDeviceConfig, timings: InputTimings, report: (values: Record<string, unknown>) => void): InputLogic {
  switch (device.type) {
    case 'button': {
      const clicks = new ClickDetector(timings, (action) => report({ action }));
      return { initial: (level) => clicks.sync(level === 1), level: (level) => clicks.level(level === 1), stop: () => clicks.stop() };
    }
    case 'contact': {
      let last: 0 | 1 | undefined;
      const update = (level: 0 | 1) => {
        if (level === last) return;
        last = level;
        report({ contact: level === 1 });
      };
      return { initial: update, level: update, stop: () => undefined };
    }
    case 'motion': {
      let occupied: boolean | undefined;
      let hold: NodeJS.Timeout | undefined;
      const set = (value: boolean) => {
        if (value === occupied) return;
        occupied = value;
        report({ occupancy: value });
      };
      const update = (level: 0 | 1) => {
        clearTimeout(hold);
        if (level === 1) set(true);
        else if (occupied === true) hold = setTimeout(() => set(false), timings.occupancyHoldS * 1000);
        else set(false);
      };
      return { initial: update, level: update, stop: () => clearTimeout(hold) };
    }
    default:
      throw new Error(`${device.type} is not an input`);
  }
}
