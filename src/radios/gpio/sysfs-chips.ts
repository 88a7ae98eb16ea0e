/**
 * The sysfs numbering of GPIO lines: the kernel numbers every chip's lines from a base it picks
 * (0 before 6.6 on a Pi 4; 512 since, 571 on some Pi 5 kernels), so a BCM line is
 * `base + line` in /sys/class/gpio. Reads the chips (each gpiochipN's `base`, `label`, `ngpio`) and
 * finds the one carrying the header by the label the board profile names.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, HearthError } from '../../errors.js';
import type { BoardProfile, SysfsChip } from '../../hardware/board-profile.js';

export async function readChips(sysfsPath: string): Promise<SysfsChip[]> {
  const names = (await readdir(sysfsPath)).filter((name) => /^gpiochip\d+$/.test(name));
  const chips = await Promise.all(
    names.map(async (name) => {
      const field = async (file: string) => (await readFile(join(sysfsPath, name, file), 'utf8')).trim();
      return { label: await field('label'), base: Number(await field('base')), ngpio: Number(await field('ngpio')) };
    }),
  );
  return chips.sort((a, b) => a.base - b.base);
}

/** The chip whose lines are the board's header lines. */
export async function headerChip(sysfsPath: string, profile: BoardProfile): Promise<SysfsChip> {
  const chips = await readChips(sysfsPath);
  const chip = chips.find((candidate) => candidate.label === profile.chipLabel);
  if (chip === undefined) {
    const found = chips.map((candidate) => `${candidate.label} at ${candidate.base}`).join(', ') || 'none';
    throw new HearthError(
      ErrorCode.GpioChipNotFound,
      `no GPIO chip labelled ${profile.chipLabel} (the ${profile.name}'s header) in ${sysfsPath} (found: ${found}): is radios.gpio.board right for this board?`,
    );
  }
  return chip;
}
