/**
 * From the configured GPIO devices to the lines they use: header positions resolved to BCM
 * lines through the board profile, and the mistakes refused before any pin is touched — a
 * line used twice, a line the profile marks unsafe. `gpioPinProblems` is what the config
 * schema reports (board `auto`: every supported board shares the 40-pin header and the unsafe
 * lines, so the Pi 4 B's profile stands for them); `planPins` is what the radio runs on.
 */
import { gpioId } from '../model/device-id.js';
import { ErrorCode, HearthError } from '../errors.js';
import type { GpioDeviceConfig } from './schema.js';
import { boardProfile, type BoardId, type BoardProfile, unsafeReason } from '../hardware/board-profile.js';

/** Device ids name chip 0, the chip of the header's lines, whatever its sysfs base. */
export const HEADER_CHIP = 0;

export interface PlannedPin {
  device: GpioDeviceConfig;
  /** The BCM line (the number after GPIO in the board's documentation). */
  line: number;
  id: string;
  /** Why this line needs care (I2C pull-ups, the serial console), for a warning. */
  caution?: string;
}

export interface PinProblem {
  code: ErrorCode;
  /** Where in radios.gpio.devices: [index, field]. */
  path: (string | number)[];
  message: string;
  /** The value at `path`. */
  value: unknown;
}

function describePin(device: GpioDeviceConfig): string {
  return device.headerPin === undefined ? `pin ${device.pin ?? '?'}` : `headerPin ${device.headerPin}`;
}

function resolve(device: GpioDeviceConfig, profile: BoardProfile, index: number): { line: number } | PinProblem {
  if (device.pin !== undefined) return { line: device.pin };
  const line = profile.header.get(device.headerPin as number);
  if (line === undefined) {
    return {
      code: ErrorCode.GpioPinUnsafe,
      path: [index, 'headerPin'],
      value: device.headerPin,
      message: `header pin ${device.headerPin} carries power or ground, not a GPIO line; see hardware/gpio/header-40pin.json for the header's map`,
    };
  }
  return { line };
}

/** Every problem of the configured pins on a board (or on every supported board). */
export function gpioPinProblems(devices: readonly GpioDeviceConfig[], board?: BoardId): PinProblem[] {
  const profile = boardProfile(board ?? 'pi-4b');
  const onWhat = board === undefined ? 'every supported board' : `the ${profile.name}`;
  const problems: PinProblem[] = [];
  const usedBy = new Map<number, number>();
  devices.forEach((device, index) => {
    if ((device.pin === undefined) === (device.headerPin === undefined)) return; // the schema names that one
    const resolved = resolve(device, profile, index);
    if ('message' in resolved) {
      problems.push(resolved);
      return;
    }
    const field = device.headerPin === undefined ? 'pin' : 'headerPin';
    const value = device[field];
    const unsafe = unsafeReason(profile, resolved.line);
    if (unsafe !== undefined) {
      problems.push({
        code: ErrorCode.GpioPinUnsafe,
        path: [index, field],
        value,
        message: `GPIO${resolved.line} (${describePin(device)}) is unsafe to use on ${onWhat}: ${unsafe}; pick another line (GPIO4-27 are free on a bare board)`,
      });
      return;
    }
    const first = usedBy.get(resolved.line);
    if (first !== undefined) {
      problems.push({
        code: ErrorCode.GpioPinDuplicate,
        path: [index, field],
        value,
        message: `GPIO${resolved.line} (${describePin(device)}) is already used by devices[${first}]: one device per pin`,
      });
      return;
    }
    usedBy.set(resolved.line, index);
  });
  return problems;
}

/** The pins to open, or the first problem as a coded error naming the device and the fix. */
export function planPins(devices: readonly GpioDeviceConfig[], profile: BoardProfile): PlannedPin[] {
  const problem = gpioPinProblems(devices, profile.id)[0];
  if (problem !== undefined) throw new HearthError(problem.code, `radios.gpio.devices[${problem.path.join('].')}: ${problem.message}`);
  return devices.map((device, index) => {
    const { line } = resolve(device, profile, index) as { line: number };
    const caution = profile.caution.get(line);
    return { device, line, id: gpioId(HEADER_CHIP, line), ...(caution === undefined ? {} : { caution }) };
  });
}
