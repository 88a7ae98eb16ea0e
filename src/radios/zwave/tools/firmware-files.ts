/**
 * The firmware image of a Z-Wave update, from where the request says: a file under the
 * configured folder (its real path, symbolic links resolved, must stay inside the folder's) or
 * base64 bytes; bounded by `maxBytes` before anything is read or decoded whole; unpacked by
 * zwave-js's own `extractFirmware` in the format `guessFirmwareFileFormat` reads from the file
 * name and contents. A .zip is refused (unpack it first): its declared sizes can lie.
 */
import { open, realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { extractFirmware, guessFirmwareFileFormat, type Firmware } from 'zwave-js';
import { describeError, ErrorCode, HearthError } from '../../../errors.js';
import type { FirmwareSource } from '../../zwave-tools.js';

export interface FirmwareLimits {
  /** The folder files are read from (absolute). */
  folder: string;
  maxBytes: number;
}

export interface FirmwareImage {
  firmware: Firmware;
  /** The file's size (or the decoded payload's). */
  bytes: number;
}

const tooLarge = (what: string, bytes: number, limits: FirmwareLimits): HearthError =>
  new HearthError(
    ErrorCode.FirmwareTooLarge,
    `${what} is ${bytes} bytes, over radios.zwave.firmware.maxBytes (${limits.maxBytes}): nothing was sent to the device`,
  );

const invalid = (message: string, cause?: unknown): HearthError =>
  new HearthError(ErrorCode.FirmwareFileInvalid, message, cause === undefined ? undefined : { cause });

/** The file's real path, which must be inside the folder's. */
async function pathInside(file: string, limits: FirmwareLimits): Promise<string> {
  const named = resolve(limits.folder, file);
  let real: string;
  let folder: string;
  try {
    folder = await realpath(limits.folder);
  } catch (error) {
    throw invalid(`the firmware folder ${limits.folder} (radios.zwave.firmware.folder) cannot be read: ${describeError(error)}`, error);
  }
  try {
    real = await realpath(named);
  } catch (error) {
    throw invalid(`firmware file ${JSON.stringify(file)} not found in ${limits.folder}`, error);
  }
  const inside = relative(folder, real);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside))
    throw invalid(`firmware file ${JSON.stringify(file)} is outside radios.zwave.firmware.folder (${limits.folder}): refused`);
  return real;
}

async function readBounded(file: string, limits: FirmwareLimits): Promise<Uint8Array> {
  const path = await pathInside(file, limits);
  const handle = await open(path, 'r');
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw invalid(`firmware file ${JSON.stringify(file)} is not a regular file`);
    if (stat.size > limits.maxBytes) throw tooLarge(`firmware file ${JSON.stringify(file)}`, stat.size, limits);
    const data = Buffer.alloc(stat.size);
    const { bytesRead } = await handle.read(data, 0, stat.size, 0);
    return data.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function decodeBounded(data: string, limits: FirmwareLimits): Uint8Array {
  const compact = data.replace(/\s+/g, '');
  const bytes = Math.floor((compact.length * 3) / 4) - (compact.endsWith('==') ? 2 : compact.endsWith('=') ? 1 : 0);
  if (bytes > limits.maxBytes) throw tooLarge('the base64 firmware', bytes, limits);
  const decoded = Buffer.from(compact, 'base64');
  if (decoded.byteLength === 0 || decoded.toString('base64') !== compact) throw invalid('data is not base64');
  return decoded;
}

/** The image the source names, read and unpacked (FIRMWARE_FILE_INVALID, FIRMWARE_TOO_LARGE). */
export async function loadFirmware(source: FirmwareSource, limits: FirmwareLimits): Promise<FirmwareImage> {
  const name = 'file' in source ? source.file : source.filename;
  if (/\.zip$/i.test(name)) throw invalid(`${JSON.stringify(name)} is a .zip: unpack the firmware image from it first`);
  const raw = 'file' in source ? await readBounded(source.file, limits) : decodeBounded(source.data, limits);
  try {
    const format = guessFirmwareFileFormat(name, raw);
    return { firmware: await extractFirmware(raw, format), bytes: raw.byteLength };
  } catch (error) {
    throw invalid(`${JSON.stringify(name)} is not a firmware image zwave-js can read: ${describeError(error)}`, error);
  }
}
