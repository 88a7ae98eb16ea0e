/**
 * Where OTA images come from on a hub without internet (`radios.zigbee.ota`): a local folder of
 * OTA files (each file's header, parsed by herdsman's `parseOtaImage`, says which devices it is
 * for) and a local index file in the zigbee-OTA index format (Koenkk/zigbee-OTA `index.json`:
 * `fileName`, `fileVersion`, `url`, `imageType`, `manufacturerCode`, …; a relative `url` is read
 * from the index's folder). Both are merged into one index file herdsman's OTA code reads. An
 * online index is a second source, used only when configured. Bounded: at most 1000 images of
 * at most 16 MiB each, an index of at most 4 MiB.
 */
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parseOtaImage } from 'zigbee-herdsman';
import { describeError, ErrorCode, HearthError } from '../../errors.js';

export interface ZigbeeOtaSettings {
  /** A folder of OTA image files. */
  imagesDir?: string | undefined;
  /** A local index file (zigbee-OTA's format). */
  indexFile?: string | undefined;
  /** An online index (https://…), only when configured. */
  onlineIndex?: string | undefined;
  /** Where the merged local index is written (under the state directory). */
  mergedIndexPath: string;
  /** How long a device may take to ask for the next block before the update fails. */
  requestTimeoutMs: number;
  /** The least time between two block answers. */
  responseDelayMs: number;
  /** The block size when the device asks for more. */
  maximumDataSize: number;
}

/** One image of the index, as herdsman's `findMatchingOtaImage` reads it. */
export interface OtaIndexEntry {
  fileName: string;
  fileVersion: number;
  fileSize: number;
  url: string;
  imageType: number;
  manufacturerCode: number;
  otaHeaderString?: string;
  hardwareVersionMin?: number;
  hardwareVersionMax?: number;
  [more: string]: unknown;
}

const MAX_IMAGES = 1000;
const MAX_IMAGE_BYTES = 16 * 1024 * 1024;
const MAX_INDEX_BYTES = 4 * 1024 * 1024;

async function boundedRead(path: string, limit: number, what: string): Promise<Buffer> {
  const size = (await stat(path)).size;
  if (size > limit) throw new HearthError(ErrorCode.PayloadTooLarge, `${what} ${path} is ${size} bytes, more than ${limit}`);
  return readFile(path);
}

/** An index entry from an OTA file's own header. */
async function entryOfFile(path: string): Promise<OtaIndexEntry> {
  const buffer = await boundedRead(path, MAX_IMAGE_BYTES, 'the OTA image');
  const start = buffer.indexOf(Buffer.from([0x1e, 0xf1, 0xee, 0x0b]));
  if (start < 0) throw new HearthError(ErrorCode.PayloadInvalid, `${path} is not an OTA file (no OTA upgrade file identifier)`);
  const { header } = parseOtaImage(buffer.subarray(start));
  const entry: OtaIndexEntry = {
    fileName: path.split('/').at(-1) as string,
    fileVersion: header.fileVersion,
    fileSize: header.totalImageSize,
    url: path,
    imageType: header.imageType,
    manufacturerCode: header.manufacturerCode,
    otaHeaderString: header.otaHeaderString.replace(/\0+$/, ''),
  };
  if (header.minimumHardwareVersion !== undefined) entry.hardwareVersionMin = header.minimumHardwareVersion;
  if (header.maximumHardwareVersion !== undefined) entry.hardwareVersionMax = header.maximumHardwareVersion;
  return entry;
}

async function folderEntries(dir: string, warn: (message: string) => void): Promise<OtaIndexEntry[]> {
  const names = (await readdir(dir)).filter((name) => !name.startsWith('.')).sort();
  if (names.length > MAX_IMAGES)
    throw new HearthError(ErrorCode.PayloadTooLarge, `${dir} holds ${names.length} files, more than ${MAX_IMAGES}`);
  const entries: OtaIndexEntry[] = [];
  for (const name of names) {
    try {
      entries.push(await entryOfFile(join(dir, name)));
    } catch (error) {
      warn(`radios.zigbee.ota.imagesDir: ${name} skipped: ${describeError(error)}`);
    }
  }
  return entries;
}

async function indexEntries(path: string): Promise<OtaIndexEntry[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse((await boundedRead(path, MAX_INDEX_BYTES, 'the OTA index')).toString('utf8'));
  } catch (error) {
    throw new HearthError(ErrorCode.PayloadInvalid, `radios.zigbee.ota.indexFile ${path}: ${describeError(error)}`, { cause: error });
  }
  if (!Array.isArray(parsed) || parsed.length > MAX_IMAGES)
    throw new HearthError(
      ErrorCode.PayloadInvalid,
      `radios.zigbee.ota.indexFile ${path}: expected an array of at most ${MAX_IMAGES} images`,
    );
  const entries: OtaIndexEntry[] = [];
  for (const [i, item] of parsed.entries()) {
    const url = (item as { url?: unknown }).url;
    if (typeof item !== 'object' || item === null || typeof url !== 'string')
      throw new HearthError(ErrorCode.PayloadInvalid, `radios.zigbee.ota.indexFile ${path}: image ${i} has no url`);
    if (/^https?:/.test(url)) {
      entries.push(item as OtaIndexEntry);
      continue;
    }
    const file = isAbsolute(url) ? url : resolve(dirname(path), url);
    // what the file's header says fills in what the index leaves out
    entries.push({ ...(await entryOfFile(file)), ...(item as Record<string, unknown>), url: file });
  }
  return entries;
}

/** The herdsman OTA sources to try, in order: the merged local index (written now), then the online index. */
export async function otaSources(settings: ZigbeeOtaSettings, warn: (message: string) => void): Promise<{ url: string }[]> {
  const sources: { url: string }[] = [];
  if (settings.imagesDir !== undefined || settings.indexFile !== undefined) {
    const entries = [
      ...(settings.indexFile === undefined ? [] : await indexEntries(settings.indexFile)),
      ...(settings.imagesDir === undefined ? [] : await folderEntries(settings.imagesDir, warn)),
    ];
    await mkdir(dirname(settings.mergedIndexPath), { recursive: true, mode: 0o700 });
    await writeFile(settings.mergedIndexPath, JSON.stringify(entries), { mode: 0o600 });
    sources.push({ url: settings.mergedIndexPath });
  }
  if (settings.onlineIndex !== undefined) sources.push({ url: settings.onlineIndex });
  if (sources.length === 0)
    throw new HearthError(
      ErrorCode.CommandInvalid,
      'no OTA images are configured: set radios.zigbee.ota.imagesDir or indexFile (or onlineIndex on a hub with internet)',
    );
  return sources;
}
