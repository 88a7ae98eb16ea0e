/**
 * The Zigbee and Z-Wave sticks hearth knows (hardware/sticks.json): loading the table, telling
 * which stick a USB serial device is from its ids and strings (udev's glob rules, so the doctor
 * and the udev rules agree), and writing the udev rules that give each a stable /dev name.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { inPackage } from '../package-root.js';

const hexId = z.string().regex(/^[0-9a-f]{4}$/, 'four lower-case hex digits');

const stickSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  name: z.string().min(1),
  radio: z.enum(['zigbee', 'zwave']),
  adapter: z.string().optional(),
  usb: z.object({ vendorId: hexId, productId: hexId, product: z.string().optional(), manufacturer: z.string().optional() }),
  link: z.string().regex(/^tty[A-Za-z]+$/),
  note: z.string().optional(),
});

export type Stick = z.infer<typeof stickSchema>;

export const sticksFile = inPackage('hardware', 'sticks.json');
export const udevRulesFile = inPackage('hardware', 'udev', '99-hearth-radios.rules');

export function loadSticks(file = sticksFile): Stick[] {
  const parsed = z.object({ sticks: z.array(stickSchema) }).safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success)
    throw new Error(`${file}: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  return parsed.data.sticks;
}

/** A udev-style glob (`*`, `?`, `[...]`) as a whole-string regular expression. */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i] as string;
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else if (char === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) source += '\\[';
      else {
        source += `[${glob.slice(i + 1, end).replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else source += char.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

export interface UsbIdentity {
  vendorId: string;
  productId: string;
  product?: string | undefined;
  manufacturer?: string | undefined;
}

function stringMatches(glob: string | undefined, value: string | undefined): boolean {
  return glob === undefined || (value !== undefined && globToRegExp(glob).test(value));
}

/** The sticks these ids and strings can be; the ones that name a product string first. */
export function identifyStick(identity: UsbIdentity, sticks: readonly Stick[]): Stick[] {
  return sticks
    .filter(
      (stick) =>
        stick.usb.vendorId === identity.vendorId.toLowerCase() &&
        stick.usb.productId === identity.productId.toLowerCase() &&
        stringMatches(stick.usb.product, identity.product) &&
        stringMatches(stick.usb.manufacturer, identity.manufacturer),
    )
    .sort((a, b) => Number(b.usb.product !== undefined) - Number(a.usb.product !== undefined));
}

/** hardware/udev/99-hearth-radios.rules: one line per stick, the specific ones before the generic. */
export function udevRules(sticks: readonly Stick[]): string {
  const lines = [
    '# hearth: stable names for the Zigbee coordinators and Z-Wave controllers it knows, and the',
    '# dialout group on their serial devices. Generated from hardware/sticks.json by',
    '# `npm run udev-rules` (a test fails when it is stale); installed by scripts/install.sh to',
    '# /etc/udev/rules.d/. With two sticks of one kind, use their /dev/serial/by-id/ names.',
    'SUBSYSTEM!="tty", GOTO="hearth_radios_end"',
    'SUBSYSTEMS!="usb", GOTO="hearth_radios_end"',
    '',
  ];
  const ordered = [...sticks].sort((a, b) => Number(b.usb.product !== undefined) - Number(a.usb.product !== undefined));
  for (const stick of ordered) {
    const match = [`ATTRS{idVendor}=="${stick.usb.vendorId}"`, `ATTRS{idProduct}=="${stick.usb.productId}"`];
    if (stick.usb.manufacturer !== undefined) match.push(`ATTRS{manufacturer}=="${stick.usb.manufacturer}"`);
    if (stick.usb.product !== undefined) match.push(`ATTRS{product}=="${stick.usb.product}"`);
    lines.push(`# ${stick.name}${stick.note === undefined ? '' : ` (${stick.note})`}`);
    // the first rule that names a device wins: a generic one must not rename a known stick
    lines.push(
      `${match.join(', ')}, ENV{HEARTH_RADIO}!="?*", ENV{HEARTH_RADIO}="${stick.id}", GROUP="dialout", MODE="0660", SYMLINK+="${stick.link}"`,
    );
  }
  lines.push('', 'LABEL="hearth_radios_end"', '');
  return lines.join('\n');
}
