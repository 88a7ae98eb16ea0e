/**
 * The journal's record framing: [length u32][crc32 u32][payload], the payload the JSON of
 * [seq, entry], or for a long one, when that is shorter, a 0x01 byte and the JSON deflated (raw
 * deflate: a batch of device changes shrinks to a fraction, and an SD card wears by the page).
 * How a record is encoded, and how a segment's bytes are decoded, with damage kept local: a bad
 * record in the middle is skipped (by its framing, or by finding the next record that checks
 * out), a torn end ends the good part, and zeros to the end are no record but the file's unwritten end.
 */
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';

const HEADER = 8;
/** A record longer than this is garbage from a torn length field, not a record. */
const MAX_RECORD = 16 * 1024 * 1024;
/** JSON payloads from this long on are stored deflated when that is shorter. */
const DEFLATE_FROM = 256;
/** The first byte of a deflated payload (a JSON one starts with `[`). */
const DEFLATED = 0x01;
/** Zeros after the last record shorter than this are a direct write's padding to its 512-byte sector, not damage. */
const PADDING_BYTES = 512;

/** The payload of one record: its JSON, or that deflated behind DEFLATED when it is long and that is shorter. */
function payloadOf(seq: number, entry: unknown): Buffer {
  const json = Buffer.from(JSON.stringify([seq, entry]));
  if (json.length < DEFLATE_FROM) return json;
  const deflated = deflateRawSync(json);
  if (deflated.length + 1 >= json.length) return json;
  const payload = Buffer.allocUnsafe(deflated.length + 1);
  payload[0] = DEFLATED;
  deflated.copy(payload, 1);
  return payload;
}

/** Encodes one record: header and payload. */
export function encodeRecord(seq: number, entry: unknown): Buffer {
  const payload = payloadOf(seq, entry);
  const record = Buffer.allocUnsafe(HEADER + payload.length);
  record.writeUInt32LE(payload.length, 0);
  record.writeUInt32LE(crc32(payload), 4);
  payload.copy(record, HEADER);
  return record;
}

/** A stretch of a segment that held no readable record. */
export interface SegmentDamage {
  /** Where it begins, in bytes. */
  offset: number;
  /** How long it is (to the next good record, or to the end of the file). */
  bytes: number;
  problem: string;
  /**
   * The file ends inside this record (a write a crash or power cut cut short: it was never
   * acknowledged), rather than a complete record whose bytes changed afterwards.
   */
  torn: boolean;
}

type Read = { record: [number, unknown]; next: number } | { problem: string; torn: boolean; next?: number };

const OPEN_BRACKET = 0x5b;

function startsPayload(byte: number | undefined): boolean {
  return byte === OPEN_BRACKET || byte === DEFLATED;
}

/** Reads the record framed at `offset`; `next` is where its framing says the next one starts. */
function readRecordAt(bytes: Buffer, offset: number): Read {
  if (bytes.length - offset < HEADER) return { problem: `torn header at byte ${offset}`, torn: true };
  const length = bytes.readUInt32LE(offset);
  const checksum = bytes.readUInt32LE(offset + 4);
  if (length > MAX_RECORD) return { problem: `impossible record length ${length} at byte ${offset}`, torn: false };
  const next = offset + HEADER + length;
  if (next > bytes.length)
    return { problem: `torn record at byte ${offset} (${length} bytes announced, ${bytes.length - offset - HEADER} present)`, torn: true };
  const payload = bytes.subarray(offset + HEADER, next);
  // every payload is the JSON of [seq, entry] or that deflated: a cheap test before the checksum while resyncing
  if (!startsPayload(payload[0]) || crc32(payload) !== checksum)
    return { problem: `checksum mismatch at byte ${offset}`, torn: false, next };
  let decoded: unknown;
  try {
    const json = payload[0] === DEFLATED ? inflateRawSync(payload.subarray(1), { maxOutputLength: MAX_RECORD }) : payload;
    decoded = JSON.parse(json.toString());
  } catch {
    return { problem: `unreadable record at byte ${offset}`, torn: false, next };
  }
  if (!Array.isArray(decoded) || decoded.length !== 2 || typeof decoded[0] !== 'number')
    return { problem: `malformed record at byte ${offset}`, torn: false, next };
  return { record: [decoded[0], decoded[1]], next };
}

/**
 * Where reading can go on after a bad record at `offset`: where its framing says the next
 * record starts when a good one is there, else the first offset after it where a good record
 * is framed (a damaged length field); undefined when no good record follows.
 */
function resync(bytes: Buffer, offset: number, framedNext: number | undefined): number | undefined {
  if (framedNext !== undefined && framedNext < bytes.length && 'record' in readRecordAt(bytes, framedNext)) return framedNext;
  for (let at = offset + 1; at + HEADER < bytes.length; at++) {
    if (!startsPayload(bytes[at + HEADER])) continue;
    if ('record' in readRecordAt(bytes, at)) return at;
  }
  return undefined;
}

/** How many bytes from `offset` to the end, when every one of them is zero. */
function zeroTail(bytes: Buffer, offset: number): number | undefined {
  for (let at = offset; at < bytes.length; at++) if (bytes[at] !== 0) return undefined;
  return bytes.length - offset;
}

/**
 * Decodes the records of one segment's bytes. A bad record in the middle (a flipped byte, a bad
 * block) is skipped, by its framing or by finding the next good record, and everything after
 * it kept; a bad stretch at the end (a torn last write) ends the good part (`goodBytes`).
 * `spans` are the byte ranges of the good records, in order.
 */
export function decodeSegment(bytes: Buffer): {
  records: [number, unknown][];
  goodBytes: number;
  damage: SegmentDamage[];
  spans: [number, number][];
} {
  const records: [number, unknown][] = [];
  const damage: SegmentDamage[] = [];
  const spans: [number, number][] = [];
  let offset = 0;
  let goodBytes = 0;
  while (offset < bytes.length) {
    // zeros to the end: no record (a length of 0 frames none) but the unwritten end of the file —
    // a direct write's padding to its sector (segment-file.ts), or sectors a crash left unwritten
    const zeros = zeroTail(bytes, offset);
    if (zeros !== undefined) {
      if (zeros >= PADDING_BYTES)
        damage.push({ offset, bytes: zeros, problem: `unwritten end at byte ${offset} (${zeros} zero bytes)`, torn: true });
      break;
    }
    const read = readRecordAt(bytes, offset);
    if ('record' in read) {
      records.push(read.record);
      spans.push([offset, read.next]);
      offset = goodBytes = read.next;
      continue;
    }
    const next = resync(bytes, offset, read.next);
    damage.push({ offset, bytes: (next ?? bytes.length) - offset, problem: read.problem, torn: next === undefined && read.torn });
    if (next === undefined) break;
    offset = next;
  }
  return { records, goodBytes, damage, spans };
}
