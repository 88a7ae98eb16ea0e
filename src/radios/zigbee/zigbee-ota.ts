/**
 * OTA updates of Zigbee devices, as Zigbee2MQTT's otaUpdate extension does them: herdsman's
 * `Device.checkOta`/`updateOta` (the OTA cluster's query next image, image blocks, upgrade end)
 * with the converters' definition `ota` as the image's extra match data, images from the local
 * sources of ota-index.ts. The device's state carries `update` in Zigbee2MQTT's shape
 * (`state` idle/available/updating, `installed_version`, `latest_version`, `progress`,
 * `remaining`): reported on a check, at the start of an update, at each tenth of the image
 * the device has asked for (its image block requests) and herdsman's own progress calls, and
 * at the end. One check or update per device at a time.
 */
import type { Controller, Events, Models } from 'zigbee-herdsman';
import type { Definition } from 'zigbee-herdsman-converters';
import { describeError, ErrorCode, HearthError } from '../../errors.js';
import { ACCESS_STATE, type Capability, type Feature } from '../../model/capabilities.js';
import type { OtaCheckResult, OtaUpdateOptions, OtaUpdateResult } from '../zigbee-tools-api.js';
import { otaSources, type ZigbeeOtaSettings } from './ota-index.js';

type Device = Models.Device;
type Current = Awaited<ReturnType<Device['checkOta']>>;

export interface OtaHost {
  readonly herdsman: Controller;
  device(deviceId: string): Device;
  definition(device: Device): Promise<Definition | undefined>;
  readonly otaSettings: ZigbeeOtaSettings | undefined;
  /** Hands a state change of the device to its actor. */
  reportState(deviceId: string, values: Record<string, unknown>): void;
  warn(message: string): void;
}

export interface UpdateState {
  state: 'idle' | 'available' | 'updating';
  installed_version: number | null;
  latest_version: number | null;
  latest_source: string | null;
  latest_release_notes: string | null;
  progress?: number;
  remaining?: number;
}

const PROGRESS_STEP = 10;
const NO_SOURCE = { latest_source: null, latest_release_notes: null };

export class ZigbeeOta {
  private readonly busy = new Set<string>();

  constructor(private readonly host: OtaHost) {}

  private settings(): ZigbeeOtaSettings {
    const settings = this.host.otaSettings;
    if (settings === undefined) throw new HearthError(ErrorCode.CommandInvalid, 'OTA updates are not configured (radios.zigbee.ota)');
    return settings;
  }

  /** The device and its definition's OTA extra metas; COMMAND_INVALID when its definition has no OTA. */
  private async otaDevice(deviceId: string): Promise<{ device: Device; extra: Record<string, unknown> }> {
    const device = this.host.device(deviceId);
    const definition = await this.host.definition(device);
    if (definition?.ota === undefined || definition.ota === false)
      throw new HearthError(ErrorCode.CommandInvalid, `${deviceId} does not support OTA updates`);
    return { device, extra: typeof definition.ota === 'object' ? definition.ota : {} };
  }

  private async exclusive<T>(deviceId: string, run: () => Promise<T>): Promise<T> {
    if (this.busy.has(deviceId))
      throw new HearthError(ErrorCode.RadioBusy, `an OTA update or check for ${deviceId} is already in progress`);
    this.busy.add(deviceId);
    try {
      return await run();
    } finally {
      this.busy.delete(deviceId);
    }
  }

  private report(deviceId: string, update: UpdateState): void {
    this.host.reportState(deviceId, { update });
  }

  /** Asks the device its version and the sources for a newer one: the first source that has an image for it wins. */
  private async find(deviceId: string, device: Device, extra: Record<string, unknown>, downgrade: boolean) {
    const sources = await otaSources(this.settings(), (message) => this.host.warn(message));
    let current: Current['current'] | undefined;
    let result: Current | undefined;
    for (const source of sources) {
      try {
        result = await device.checkOta({ ...source, downgrade }, current, extra);
      } catch (error) {
        throw new HearthError(ErrorCode.DeviceUnreachable, `${deviceId}: OTA check failed: ${describeError(error)}`, { cause: error });
      }
      current = result.current;
      if (result.available) return { result, source };
    }
    return { result: result as Current, source: undefined };
  }

  check(deviceId: string, downgrade: boolean): Promise<OtaCheckResult> {
    return this.exclusive(deviceId, async () => {
      const { device, extra } = await this.otaDevice(deviceId);
      const { result } = await this.find(deviceId, device, extra, downgrade);
      const latest = result.availableMeta?.fileVersion ?? result.current.fileVersion;
      this.report(deviceId, {
        state: result.available ? 'available' : 'idle',
        installed_version: result.current.fileVersion,
        latest_version: latest,
        latest_source: result.availableMeta?.url ?? null,
        latest_release_notes: result.availableMeta?.releaseNotes ?? null,
      });
      const answer: OtaCheckResult = {
        updateAvailable: result.available,
        installedVersion: result.current.fileVersion,
        latestVersion: latest,
      };
      if (result.availableMeta?.url !== undefined) answer.source = result.availableMeta.url;
      if (result.availableMeta?.releaseNotes !== undefined) answer.releaseNotes = result.availableMeta.releaseNotes;
      return answer;
    });
  }

  update(deviceId: string, options: OtaUpdateOptions): Promise<OtaUpdateResult> {
    return this.exclusive(deviceId, async () => {
      const settings = this.settings();
      const { device, extra } = await this.otaDevice(deviceId);
      const { result, source } = await this.find(deviceId, device, extra, options.downgrade);
      const installed = result.current.fileVersion;
      if (source === undefined || result.availableMeta === undefined)
        throw new HearthError(ErrorCode.CommandInvalid, `${deviceId}: no OTA image is available for it (installed version ${installed})`);
      const latest = result.availableMeta.fileVersion;
      const size = result.availableMeta.fileSize;
      const known = { latest_source: result.availableMeta.url, latest_release_notes: result.availableMeta.releaseNotes ?? null };
      const from = await readBuild(device);
      const updating = (progress: number, remaining: number): void =>
        this.report(deviceId, {
          state: 'updating',
          installed_version: installed,
          latest_version: latest,
          ...known,
          progress,
          remaining: Math.round(remaining),
        });
      const stopWatching = watchBlocks(this.host.herdsman, device, size, updating);
      let to: Current['current'] | undefined;
      try {
        [, to] = await device.updateOta(
          { ...source, downgrade: options.downgrade },
          undefined,
          undefined,
          extra,
          (progress, remaining) => updating(progress, remaining),
          {
            requestTimeout: options.requestTimeoutMs ?? settings.requestTimeoutMs,
            responseDelay: options.responseDelayMs ?? settings.responseDelayMs,
            baseSize: options.maximumDataSize ?? settings.maximumDataSize,
          },
        );
      } catch (error) {
        this.report(deviceId, { state: 'available', installed_version: installed, latest_version: latest, ...known });
        throw new HearthError(ErrorCode.DeviceUnreachable, `${deviceId}: OTA update failed: ${describeError(error)}`, { cause: error });
      } finally {
        stopWatching();
      }
      if (to === undefined) {
        this.report(deviceId, { ...NO_SOURCE, state: 'idle', installed_version: installed, latest_version: installed });
        throw new HearthError(ErrorCode.CommandInvalid, `${deviceId}: update failed (no image currently available)`);
      }
      this.report(deviceId, { ...NO_SOURCE, state: 'idle', installed_version: to.fileVersion, latest_version: to.fileVersion });
      return { from: { file_version: installed, ...from }, to: { file_version: to.fileVersion, ...(await readBuild(device)) } };
    });
  }
}

/** Progress from the device's own image block requests, at each tenth of the image (herdsman reports only every 30 s). */
function watchBlocks(
  controller: Controller,
  device: Device,
  size: number | undefined,
  progress: (percent: number, remainingS: number) => void,
): () => void {
  if (size === undefined || size <= 0) return () => undefined;
  let startedAt: number | undefined;
  let startOffset = 0;
  let lastStep = -1;
  const onMessage = (message: Events.MessagePayload): void => {
    if (message.device !== device || message.type !== 'commandImageBlockRequest') return;
    const offset = Number((message.data as { fileOffset?: unknown }).fileOffset);
    if (!Number.isFinite(offset)) return;
    const now = Date.now();
    if (startedAt === undefined) {
      startedAt = now;
      startOffset = offset;
      lastStep = Math.floor((offset / size) * PROGRESS_STEP);
      return;
    }
    const step = Math.floor((offset / size) * PROGRESS_STEP);
    if (step <= lastStep) return;
    lastStep = step;
    const rate = (offset - startOffset) / Math.max(1, now - startedAt);
    const remainingS = rate > 0 ? (size - offset) / rate / 1000 : 0;
    progress(Math.round((offset / size) * 10_000) / 100, remainingS);
  };
  controller.on('message', onMessage);
  return () => controller.off('message', onMessage);
}

/** The device's software build and date code (genBasic), as Zigbee2MQTT answers them beside the file versions. */
async function readBuild(device: Device): Promise<{ software_build_id?: string; date_code?: string }> {
  const endpoint = device.endpoints.find((candidate) => candidate.supportsInputCluster('genBasic'));
  if (endpoint === undefined) return {};
  try {
    const read = await endpoint.read('genBasic', ['dateCode', 'swBuildId'], { sendPolicy: 'immediate' });
    const build: { software_build_id?: string; date_code?: string } = {};
    if (typeof read.swBuildId === 'string') build.software_build_id = read.swBuildId;
    if (typeof read.dateCode === 'string') build.date_code = read.dateCode;
    return build;
  } catch {
    return {};
  }
}

const reported = (name: string, label: string): Feature => ({ type: 'numeric', name, property: name, label, access: ACCESS_STATE });

/** The `update` a device whose definition has OTA reports (Home Assistant's `update` entity reads it). */
export function otaCapabilities(definition: Definition | undefined): Capability[] {
  if (definition?.ota === undefined || definition.ota === false) return [];
  return [
    {
      type: 'composite',
      name: 'update',
      property: 'update',
      label: 'Firmware update',
      access: ACCESS_STATE,
      features: [
        { type: 'enum', name: 'state', property: 'state', label: 'State', access: ACCESS_STATE, values: ['idle', 'available', 'updating'] },
        reported('installed_version', 'Installed version'),
        reported('latest_version', 'Latest version'),
        reported('progress', 'Progress'),
        reported('remaining', 'Remaining'),
      ],
    },
  ];
}
