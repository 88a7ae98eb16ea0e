/**
 * A valid Zigbee OTA upgrade file, built byte by byte from the Zigbee OTA spec (docs 07-5123,
 * 11.4 "OTA Upgrade File Format"): the 56-byte header (upgrade file identifier 0x0BEEF11E,
 * header version 0x0100, header length, field control, manufacturer code, image type, file
 * version, stack version, a 32-byte header string, the total image size) and one upgrade image
 * sub-element (tag 0x0000, a 4-byte length, the data). herdsman's `parseOtaImage` reads it.
 */
import { randomBytes } from 'node:crypto';

export interface OtaImageSpec {
  manufacturerCode: number;
  imageType: number;
  fileVersion: number;
  /** Bytes of firmware in the upgrade image element. */
  size: number;
  headerString?: string;
}

const HEADER_LENGTH = 56;
const ELEMENT_HEADER = 6;

export function otaImage(spec: OtaImageSpec): Buffer {
  const total = HEADER_LENGTH + ELEMENT_HEADER + spec.size;
  const file = Buffer.alloc(total);
  file.writeUInt32LE(0x0beef11e, 0);
  file.writeUInt16LE(0x0100, 4);
  file.writeUInt16LE(HEADER_LENGTH, 6);
  file.writeUInt16LE(0, 8);
  file.writeUInt16LE(spec.manufacturerCode, 10);
  file.writeUInt16LE(spec.imageType, 12);
  file.writeUInt32LE(spec.fileVersion, 14);
  file.writeUInt16LE(2, 18); // Zigbee PRO
  file.write((spec.headerString ?? 'hearth test image').padEnd(32, '\0').slice(0, 32), 20, 'utf8');
  file.writeUInt32LE(total, 52);
  file.writeUInt16LE(0x0000, HEADER_LENGTH); // upgrade image
  file.writeUInt32LE(spec.size, HEADER_LENGTH + 2);
  randomBytes(spec.size).copy(file, HEADER_LENGTH + ELEMENT_HEADER);
  return file;
}
