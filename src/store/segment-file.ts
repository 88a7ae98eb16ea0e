/**
 * One journal segment open for appending, each append on disk when it resolves. Where the file
 * system takes it (ext4, f2fs, xfs, btrfs on a card or disk), the segment is written with
 * O_DIRECT: a commit sends the card only the 512-byte sectors it touches — the last partial
 * sector again, then the new bytes, padded with zeros to a sector — then fdatasync. Through the
 * page cache each commit rewrote at least one whole 4 KiB page, and a commit of a few hundred
 * bytes cost the card 4 KiB or 8 KiB. Where O_DIRECT is refused (tmpfs, some FUSE and network
 * file systems), or Node runs without WebAssembly, the bytes go through the page cache: write,
 * then fdatasync.
 *
 * The zero padding past the last record (under one sector) is cut off when the segment is
 * closed; after a crash it is still there, and the journal's reader takes a zero tail for the
 * unwritten end it is (journal-records.ts). Direct I/O wants its memory aligned: the sectors are
 * staged in a WebAssembly.Memory, whose buffer starts on a page boundary (a Node Buffer's need not).
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/** The sector size direct writes are aligned to (a card's and most disks' logical block size). */
export const SECTOR = 512;
/** How much a direct write stages at once: 64 KiB, one WebAssembly page; a longer batch goes in several. */
const STAGE_BYTES = 65536;

const roundUp = (n: number) => Math.ceil(n / SECTOR) * SECTOR;

type WasmMemory = new (pages: { initial: number; maximum: number }) => { buffer: ArrayBuffer };

/**
 * WebAssembly's Memory, read when a segment is made (this project's TypeScript libraries, no
 * DOM, do not declare it); undefined where Node runs without WebAssembly (`--jitless`,
 * `--lite-mode`): the segments then go through the page cache.
 */
const wasmMemory = (): WasmMemory | undefined => (globalThis as { WebAssembly?: { Memory?: WasmMemory } }).WebAssembly?.Memory;

export class SegmentFile {
  /** Bytes of records written (the padding of a direct write not counted). */
  private size = 0;
  private readonly stage: Buffer | undefined;

  private constructor(
    private handle: FileHandle,
    /** Whether appends go straight to the device (O_DIRECT) rather than through the page cache. */
    public direct: boolean,
    private readonly path: string,
    private readonly mode: number,
  ) {
    const Memory = wasmMemory();
    this.stage = direct && Memory !== undefined ? Buffer.from(new Memory({ initial: 1, maximum: 1 }).buffer) : undefined;
  }

  /**
   * Creates the segment at `path` (empty: a file already there holds no record, see Journal)
   * for appending; with `direct` false, or where the file system refuses O_DIRECT, through the page cache.
   */
  static async create(path: string, mode: number, direct = true): Promise<SegmentFile> {
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC;
    if (direct && constants.O_DIRECT !== undefined && wasmMemory() !== undefined) {
      try {
        return new SegmentFile(await open(path, flags | constants.O_DIRECT, mode), true, path, mode);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EINVAL') throw error;
      }
    }
    return new SegmentFile(await open(path, flags, mode), false, path, mode);
  }

  /** Bytes of records in the segment. */
  get bytes(): number {
    return this.size;
  }

  /**
   * Appends `bytes` and makes them durable (fdatasync). Returns how many bytes were sent to the
   * file: the sectors rewritten and padded for a direct write, `bytes.length` otherwise.
   */
  async append(bytes: Buffer): Promise<number> {
    let sent = bytes.length;
    if (this.direct) {
      try {
        sent = await this.appendDirect(bytes);
      } catch (error) {
        // a file system that opened with O_DIRECT but will not write so (EINVAL): through the page cache from here on
        if ((error as NodeJS.ErrnoException).code !== 'EINVAL') throw error;
        await this.reopenBuffered();
        await this.handle.write(bytes, 0, bytes.length, this.size);
      }
    } else {
      await this.handle.write(bytes, 0, bytes.length, this.size);
    }
    await this.handle.datasync();
    this.size += bytes.length;
    return sent;
  }

  /** The direct write: from the start of the last partial sector, staged a chunk at a time. */
  private async appendDirect(bytes: Buffer): Promise<number> {
    const stage = this.stage as Buffer;
    let position = this.size - (this.size % SECTOR);
    // the stage holds the last partial sector's bytes at its start (what the last write left there)
    let staged = this.size % SECTOR;
    let sent = 0;
    let from = 0;
    while (from < bytes.length) {
      const take = Math.min(bytes.length - from, STAGE_BYTES - staged);
      bytes.copy(stage, staged, from, from + take);
      from += take;
      staged += take;
      const length = roundUp(staged);
      stage.fill(0, staged, length);
      await this.handle.write(stage, 0, length, position);
      sent += length;
      // what goes on in the next write (or the next append) starts at the last partial sector
      const whole = staged - (staged % SECTOR);
      stage.copy(stage, 0, whole, staged);
      position += whole;
      staged -= whole;
    }
    return sent;
  }

  private async reopenBuffered(): Promise<void> {
    await this.handle.close();
    this.handle = await open(this.path, constants.O_WRONLY, this.mode);
    this.direct = false;
  }

  /** Closes the file, without the zero padding past the last record. */
  async close(): Promise<void> {
    try {
      if ((await this.handle.stat()).size > this.size) await this.handle.truncate(this.size);
    } finally {
      await this.handle.close();
    }
  }
}
