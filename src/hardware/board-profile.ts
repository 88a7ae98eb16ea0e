/**
 * Board profiles (hardware/gpio/*.json): which GPIO chip carries a board's header lines (by
 * its sysfs label), the header pin → BCM line map, which lines are unsafe or need care, and
 * the sysfs chip layouts kernels were reported to give (the simulator builds its tree from
 * them). Also detects the board from the device tree's model string.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ErrorCode, HearthError } from '../errors.js';
import { inPackage } from '../package-root.js';

export const BOARD_IDS = ['pi-zero-2-w', 'pi-3b-plus', 'pi-4b', 'pi-5'] as const;
export type BoardId = (typeof BOARD_IDS)[number];

const chipSchema = z.strictObject({ label: z.string().min(1), base: z.number().int().min(0), ngpio: z.number().int().min(1) });
export type SysfsChip = z.infer<typeof chipSchema>;

const profileSchema = z.strictObject({
  id: z.enum(BOARD_IDS),
  name: z.string(),
  models: z.array(z.string()).min(1),
  soc: z.string(),
  header: z.string(),
  chip: z.strictObject({ label: z.string(), ngpio: z.number().int().min(1) }),
  unsafe: z.record(z.string(), z.string()),
  caution: z.record(z.string(), z.string()),
  sysfsLayouts: z.record(z.string(), z.array(chipSchema).min(1)),
});

const headerSchema = z.strictObject({
  description: z.string(),
  pins: z.record(z.string(), z.union([z.number().int().min(0), z.string()])),
});

export interface BoardProfile {
  id: BoardId;
  name: string;
  /** Device-tree model strings (/proc/device-tree/model) of this board, matched as prefixes. */
  models: string[];
  /** The label of the sysfs gpiochip whose lines are the header's BCM lines. */
  chipLabel: string;
  ngpio: number;
  /** Physical header pin → BCM line (power and ground pins are absent). */
  header: Map<number, number>;
  /** BCM lines hearth refuses, with the reason (lines not on the header are refused too). */
  unsafe: Map<number, string>;
  /** BCM lines hearth uses with a warning, with the reason. */
  caution: Map<number, string>;
  /** Kernel → the sysfs chips it was reported to create, in gpiochip order. */
  sysfsLayouts: Record<string, SysfsChip[]>;
}

const HARDWARE = inPackage('hardware', 'gpio');
const cache = new Map<BoardId, BoardProfile>();

function readJson(name: string): unknown {
  return JSON.parse(readFileSync(join(HARDWARE, name), 'utf8'));
}

export function boardProfile(id: BoardId): BoardProfile {
  const cached = cache.get(id);
  if (cached !== undefined) return cached;
  const raw = profileSchema.parse(readJson(`${id}.json`));
  const header = headerSchema.parse(readJson(`${raw.header}.json`));
  const lines = new Map<number, number>();
  for (const [pin, what] of Object.entries(header.pins)) if (typeof what === 'number') lines.set(Number(pin), what);
  const numbered = (record: Record<string, string>) => new Map(Object.entries(record).map(([line, why]) => [Number(line), why]));
  const profile: BoardProfile = {
    id: raw.id,
    name: raw.name,
    models: raw.models,
    chipLabel: raw.chip.label,
    ngpio: raw.chip.ngpio,
    header: lines,
    unsafe: numbered(raw.unsafe),
    caution: numbered(raw.caution),
    sysfsLayouts: raw.sysfsLayouts,
  };
  cache.set(id, profile);
  return profile;
}

/** The header pin a BCM line is on, if any. */
export function headerPinOf(profile: BoardProfile, line: number): number | undefined {
  for (const [pin, bcm] of profile.header) if (bcm === line) return pin;
  return undefined;
}

/** Why a line must not be used, or undefined when it may. */
export function unsafeReason(profile: BoardProfile, line: number): string | undefined {
  const listed = profile.unsafe.get(line);
  if (listed !== undefined) return listed;
  if (headerPinOf(profile, line) === undefined)
    return `not on the ${profile.name}'s 40-pin header: the board itself uses it (SD card, Wi-Fi, power control)`;
  return undefined;
}

/** The board this runs on, from the device tree's model string. */
export async function detectBoard(modelFile = '/proc/device-tree/model'): Promise<BoardProfile> {
  let model: string;
  try {
    model = (await readFile(modelFile, 'utf8')).replace(/\0/g, '').trim();
  } catch (error) {
    throw new HearthError(
      ErrorCode.GpioBoardUnknown,
      `cannot tell which board this is (${modelFile} is unreadable): set radios.gpio.board to one of ${BOARD_IDS.join(', ')}`,
      { cause: error },
    );
  }
  for (const id of BOARD_IDS) {
    const profile = boardProfile(id);
    if (profile.models.some((prefix) => model.startsWith(prefix))) return profile;
  }
  throw new HearthError(
    ErrorCode.GpioBoardUnknown,
    `this board (${JSON.stringify(model)}) has no profile in hardware/gpio: set radios.gpio.board to the closest of ${BOARD_IDS.join(', ')}`,
  );
}
