/**
 * Doctor: the USB serial ports on this machine, by their stable /dev/serial/by-id/ names, and
 * which known Zigbee coordinator or Z-Wave controller each looks like (hardware/sticks.json),
 * from the USB ids and strings in sysfs. Also whether a radio's configured port is a stick of
 * the other radio. `roots` lets a test lay out its own /dev and /sys.
 */
import { readdir, readFile, readlink, realpath } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { identifyStick, loadSticks, type Stick, type UsbIdentity } from '../../hardware/sticks.js';
import type { CheckResult } from './check.js';

export interface SerialPortInfo {
  /** /dev/serial/by-id/… */
  byId: string;
  /** The device it points to: ttyUSB0, ttyACM0. */
  device: string;
  usb?: UsbIdentity;
  sticks: Stick[];
}

export interface Roots {
  dev: string;
  sys: string;
}

const systemRoots: Roots = { dev: '/dev', sys: '/sys' };

async function attribute(dir: string, name: string): Promise<string | undefined> {
  try {
    return (await readFile(join(dir, name), 'utf8')).trim();
  } catch {
    return undefined;
  }
}

/** The USB device above a tty in sysfs: the nearest ancestor that has idVendor. */
async function usbIdentity(sys: string, device: string): Promise<UsbIdentity | undefined> {
  let dir: string;
  try {
    dir = await realpath(join(sys, 'class/tty', device, 'device'));
  } catch {
    return undefined;
  }
  for (let depth = 0; depth < 6 && dir.startsWith(sys); depth++, dir = dirname(dir)) {
    const vendorId = await attribute(dir, 'idVendor');
    const productId = await attribute(dir, 'idProduct');
    if (vendorId !== undefined && productId !== undefined) {
      return { vendorId, productId, product: await attribute(dir, 'product'), manufacturer: await attribute(dir, 'manufacturer') };
    }
  }
  return undefined;
}

export async function scanSerialPorts(roots: Roots = systemRoots, sticks: readonly Stick[] = loadSticks()): Promise<SerialPortInfo[]> {
  const byIdDir = join(roots.dev, 'serial/by-id');
  let names: string[];
  try {
    names = (await readdir(byIdDir)).sort();
  } catch {
    return [];
  }
  const ports: SerialPortInfo[] = [];
  for (const name of names) {
    const byId = join(byIdDir, name);
    let device: string;
    try {
      device = basename(resolve(byIdDir, await readlink(byId)));
    } catch {
      continue;
    }
    const usb = await usbIdentity(roots.sys, device);
    ports.push(usb === undefined ? { byId, device, sticks: [] } : { byId, device, usb, sticks: identifyStick(usb, sticks) });
  }
  return ports;
}

function describeUsb(usb: UsbIdentity | undefined): string {
  if (usb === undefined) return 'no USB ids in sysfs';
  return `${usb.vendorId}:${usb.productId}${usb.product === undefined ? '' : ` "${usb.product}"`}`;
}

export function checkSerialPorts(ports: readonly SerialPortInfo[]): CheckResult[] {
  if (ports.length === 0) {
    return [
      { check: 'serial', ok: true, detail: 'no USB serial ports (/dev/serial/by-id/ is empty): no Zigbee or Z-Wave stick is plugged in' },
    ];
  }
  return ports.map((port) => {
    const what =
      port.sticks.length === 0
        ? 'not a stick hearth knows'
        : port.sticks
            .map(
              (stick) =>
                `${stick.name}, ${stick.radio === 'zigbee' ? `Zigbee coordinator (${stick.adapter ?? '?'})` : 'Z-Wave controller'}, /dev/${stick.link}`,
            )
            .join(' or ');
    const note = port.sticks.find((stick) => stick.note !== undefined)?.note;
    return {
      check: 'serial',
      ok: true,
      detail: `${port.byId} -> ${port.device}: ${describeUsb(port.usb)}: ${what}${note === undefined ? '' : ` (${note})`}`,
    };
  });
}

/** A configured port that is a known stick of the other radio: the usual mix-up with two sticks. */
export async function checkRadioPortKind(
  radio: 'zigbee' | 'zwave',
  configured: string,
  ports: readonly SerialPortInfo[],
): Promise<CheckResult | undefined> {
  let device: string;
  try {
    device = basename(await realpath(configured));
  } catch {
    return undefined;
  }
  const port = ports.find((candidate) => candidate.device === device);
  if (port === undefined || port.sticks.length === 0) return undefined;
  if (port.sticks.some((stick) => stick.radio === radio)) return undefined;
  const other = port.sticks[0] as Stick;
  return {
    check: `${radio} port`,
    ok: false,
    detail: `${configured} is ${other.name}, a ${other.radio === 'zigbee' ? 'Zigbee coordinator' : 'Z-Wave controller'}`,
    fix: `point radios.${radio}.serialPort at the ${radio === 'zigbee' ? 'Zigbee' : 'Z-Wave'} stick (see the serial lines above)`,
  };
}
