/**
 * The OTA upgrade client of a simulated Zigbee device (Zigbee OTA cluster, 0x0019, client side):
 * told of an image (imageNotify) it asks for the next image (queryNextImageRequest); offered one
 * (queryNextImageResponse) it downloads it block by block (imageBlockRequest/Response), asking a
 * block again when its answer does not come, and reports the end (upgradeEndRequest); told when
 * to switch (upgradeEndResponse) it runs the new version and announces itself, as after a reboot.
 * An interrupted download is kept: offered the same image again, it resumes where it stopped.
 * `dropAt` makes the device drop out of the network (go silent) once it holds that many bytes.
 */
import type { Zcl } from 'zigbee-herdsman';

/** What the client needs of its device. */
export interface OtaClientHost {
  readonly manufacturerCode: number;
  /** Sends a genOta command to the coordinator. */
  send(command: string, payload: Record<string, unknown>): void;
  /** The device drops out (answers nothing from here on). */
  dropOut(): void;
  /** The device rebooted into the new image: it announces itself. */
  rebooted(fileVersion: number): void;
}

interface Download {
  imageType: number;
  fileVersion: number;
  size: number;
  chunks: Buffer[];
  offset: number;
}

const SUCCESS = 0;
const MAXIMUM_DATA_SIZE = 64;
/** How long the client waits for a block before asking for it again. */
const RETRY_MS = 250;

export class SimulatedOtaClient {
  fileVersion: number;
  readonly imageType: number;
  /** Drop out once this many bytes of a download are held (tests). */
  dropAt: number | undefined;
  private download: Download | undefined;
  private retry: NodeJS.Timeout | undefined;
  /** Every image installed, its bytes as received (tests). */
  readonly installed: Buffer[] = [];

  constructor(
    private readonly host: OtaClientHost,
    initial: { fileVersion: number; imageType: number },
  ) {
    this.fileVersion = initial.fileVersion;
    this.imageType = initial.imageType;
  }

  /** Bytes held of the download under way (tests). */
  get downloaded(): number {
    return this.download?.offset ?? 0;
  }

  /** A genOta command from the coordinator; true when it was one of the server's commands. */
  handle(request: Zcl.Frame): boolean {
    const payload = request.payload as Record<string, number | Buffer>;
    switch (request.command.name) {
      case 'imageNotify':
        this.later(() => this.query());
        return true;
      case 'queryNextImageResponse':
        if (payload.status === SUCCESS) this.offered(payload);
        return true;
      case 'imageBlockResponse':
        if (payload.status === SUCCESS) this.block(payload);
        else this.stopRetrying();
        return true;
      case 'upgradeEndResponse':
        this.switchOver();
        return true;
      default:
        return false;
    }
  }

  private query(): void {
    this.host.send('queryNextImageRequest', {
      fieldControl: 0,
      manufacturerCode: this.host.manufacturerCode,
      imageType: this.imageType,
      fileVersion: this.fileVersion,
    });
  }

  private offered(payload: Record<string, number | Buffer>): void {
    const image = { imageType: Number(payload.imageType), fileVersion: Number(payload.fileVersion), size: Number(payload.imageSize) };
    const held = this.download;
    const same =
      held !== undefined && held.imageType === image.imageType && held.fileVersion === image.fileVersion && held.size === image.size;
    // a download of the same image resumes where it stopped (the spec lets a client keep its offset)
    if (!same) this.download = { ...image, chunks: [], offset: 0 };
    this.later(() => this.requestBlock());
  }

  private requestBlock(): void {
    const download = this.download;
    if (download === undefined) return;
    this.host.send('imageBlockRequest', {
      fieldControl: 0,
      manufacturerCode: this.host.manufacturerCode,
      imageType: download.imageType,
      fileVersion: download.fileVersion,
      fileOffset: download.offset,
      maximumDataSize: MAXIMUM_DATA_SIZE,
    });
    this.stopRetrying();
    this.retry = setTimeout(() => this.requestBlock(), RETRY_MS);
    this.retry.unref();
  }

  private block(payload: Record<string, number | Buffer>): void {
    const download = this.download;
    // a late answer to a block asked twice: the first one was taken
    if (download === undefined || Number(payload.fileOffset) !== download.offset) return;
    this.stopRetrying();
    const data = payload.data as Buffer;
    download.chunks.push(Buffer.from(data));
    download.offset += data.length;
    if (this.dropAt !== undefined && download.offset >= this.dropAt) {
      this.dropAt = undefined;
      this.host.dropOut();
      return;
    }
    if (download.offset < download.size) {
      this.later(() => this.requestBlock());
      return;
    }
    this.later(() =>
      this.host.send('upgradeEndRequest', {
        status: SUCCESS,
        manufacturerCode: this.host.manufacturerCode,
        imageType: download.imageType,
        fileVersion: download.fileVersion,
      }),
    );
  }

  private switchOver(): void {
    const download = this.download;
    if (download === undefined || download.offset < download.size) return;
    this.download = undefined;
    this.installed.push(Buffer.concat(download.chunks));
    this.fileVersion = download.fileVersion;
    this.later(() => this.host.rebooted(download.fileVersion), 20);
  }

  private stopRetrying(): void {
    if (this.retry !== undefined) clearTimeout(this.retry);
    this.retry = undefined;
  }

  /** The client answers after the frame that prompted it was handled, as a radio round trip does. */
  private later(action: () => void, ms = 2): void {
    setTimeout(action, ms).unref();
  }
}
