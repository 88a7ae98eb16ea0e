/**
 * A radio's serial port, checked before the radio's library opens it: a port that does not
 * exist (the stick is not plugged in, or the path is not its name) or that the hub may not open
 * fails the start with one coded error that names the port and the fix, as `hearth doctor`
 * does, instead of what the library makes of it (zigbee-herdsman's "USB adapter discovery
 * error (spawn udevadm ENOENT)", zwave-js's "Failed to open the serial port", with stacks).
 * Ports that are not paths (`tcp://host:port`, `mdns://…`) are left to the library.
 */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { ErrorCode, HearthError } from '../errors.js';
import type { Radio } from './radio.js';

/** What `hearth doctor` and the radios say to do about a port that is not there. */
export const SERIAL_PORT_FIX = 'plug the stick in, and name it by its stable path: ls -l /dev/serial/by-id/';
export const SERIAL_PORT_ACCESS_FIX = 'add the user that runs hearth to the dialout group (usermod -aG dialout USER), then log in again';

/** The coded error for `port` as it is now, or undefined when the library may try to open it. */
export async function serialPortProblem(port: string): Promise<HearthError | undefined> {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(port)) return undefined;
  try {
    await access(port, constants.R_OK | constants.W_OK);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      return new HearthError(ErrorCode.SerialPortMissing, `the serial port ${port} does not exist: ${SERIAL_PORT_FIX}`);
    if (code === 'EACCES' || code === 'EPERM')
      return new HearthError(
        ErrorCode.SerialPortDenied,
        `the serial port ${port} may not be opened (permission denied): ${SERIAL_PORT_ACCESS_FIX}`,
      );
    return undefined;
  }
}

/** `radio`, whose every start first checks `port` (and fails with its problem, if it has one). */
export function checkingSerialPort(radio: Radio, port: string): Radio {
  const start: Radio['start'] = async (listener, signal) => {
    const problem = await serialPortProblem(port);
    if (problem !== undefined) throw problem;
    return radio.start(listener, signal);
  };
  return new Proxy(radio, {
    get: (target, property) => {
      if (property === 'start') return start;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
