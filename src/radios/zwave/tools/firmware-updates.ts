/**
 * Z-Wave device firmware updates on zwave-js's own API: a local image (firmware-files.ts)
 * through `ZWaveNode.updateFirmware`, or an update zwave-js's online firmware update service
 * offers (`getAvailableFirmwareUpdates` / `firmwareUpdateOTA`, only when configured: a hub may
 * have no internet). Meanwhile `zwave_firmware_update` events carry the progress, and the
 * device's `update` state has Zigbee2MQTT's shape (`state` idle/updating, `progress`,
 * `installed_version`, `latest_version`), which Home Assistant's `update` entity reads. The
 * answer comes when the device reported the end; a failure is FIRMWARE_UPDATE_FAILED with
 * zwave-js's status (Error_Timeout: the device stopped asking for fragments).
 */
import { CommandClasses, isZWaveError, ZWaveErrorCodes } from '@zwave-js/core';
import {
  FirmwareUpdateStatus,
  getEnumMemberName,
  type Firmware,
  type FirmwareUpdateProgress,
  type FirmwareUpdateResult,
  type ZWaveNode,
} from 'zwave-js';
import { describeError, ErrorCode, HearthError } from '../../../errors.js';
import type { AvailableFirmware, FirmwareSource, FirmwareUpdateOutcome } from '../../zwave-tools.js';
import { loadFirmware, type FirmwareLimits } from './firmware-files.js';
import type { ToolContext } from './tool-context.js';

export interface FirmwareSettings extends FirmwareLimits {
  /** zwave-js's firmware update service; absent: not used. */
  service?: { apiKey?: string | undefined; includePrereleases: boolean } | undefined;
}

/** A device's `update` state, in Zigbee2MQTT's shape. */
export interface UpdateState {
  state: 'idle' | 'updating';
  installed_version: string | null;
  latest_version: string | null;
  progress?: number;
}

export class FirmwareUpdates {
  constructor(
    private readonly context: ToolContext,
    private readonly settings: FirmwareSettings | undefined,
  ) {}

  /** The `update` state of a node that can take firmware updates (none for one without the Firmware Update Meta Data CC). */
  stateOf(node: ZWaveNode): { update: UpdateState } | undefined {
    if (!node.supportsCC(CommandClasses['Firmware Update Meta Data'])) return undefined;
    const installed = node.firmwareVersion ?? null;
    return { update: { state: 'idle', installed_version: installed, latest_version: installed } };
  }

  async update(deviceId: string, source: FirmwareSource, target?: number): Promise<FirmwareUpdateOutcome> {
    const settings = this.settings;
    if (settings === undefined) throw new HearthError(ErrorCode.RadioUnavailable, 'the Z-Wave radio has no firmware settings');
    const node = this.context.node(deviceId);
    this.refuseBusy(node, deviceId);
    const image = await loadFirmware(source, settings);
    const firmware: Firmware = target === undefined ? image.firmware : { ...image.firmware, firmwareTarget: target };
    return this.run(node, image.bytes, null, () => node.updateFirmware([firmware]));
  }

  async available(deviceId: string): Promise<AvailableFirmware[]> {
    return (await this.offered(deviceId)).updates.map(({ version, changelog, channel, downgrade }) => ({
      version,
      changelog,
      channel,
      downgrade,
    }));
  }

  async updateFromService(deviceId: string, version: string): Promise<FirmwareUpdateOutcome> {
    const { node, updates } = await this.offered(deviceId);
    const chosen = updates.find((update) => update.version === version);
    if (chosen === undefined)
      throw new HearthError(
        ErrorCode.FirmwareUpdateFailed,
        `${deviceId}: the firmware update service offers no version ${JSON.stringify(version)} (it offers ${updates.map((u) => u.version).join(', ') || 'none'})`,
      );
    this.refuseBusy(node, deviceId);
    const controller = this.context.driver().controller;
    return this.run(node, undefined, chosen.version, () => controller.firmwareUpdateOTA(node.id, chosen));
  }

  private async offered(deviceId: string) {
    const service = this.settings?.service;
    if (service === undefined)
      throw new HearthError(
        ErrorCode.FirmwareServiceDisabled,
        "zwave-js's firmware update service is not enabled (radios.zwave.firmware.service.enabled): update from a file instead",
      );
    const node = this.context.node(deviceId);
    const options = { includePrereleases: service.includePrereleases, ...(service.apiKey === undefined ? {} : { apiKey: service.apiKey }) };
    const updates = await this.context.driver().controller.getAvailableFirmwareUpdates(node.id, options);
    return { node, updates };
  }

  private refuseBusy(node: ZWaveNode, deviceId: string): void {
    if (node.isFirmwareUpdateInProgress())
      throw new HearthError(ErrorCode.RadioBusy, `${deviceId}: a firmware update of this device is already under way`);
  }

  private async run(
    node: ZWaveNode,
    bytes: number | undefined,
    latest: string | null,
    start: () => Promise<FirmwareUpdateResult>,
  ): Promise<FirmwareUpdateOutcome> {
    const id = this.context.idOf(node);
    const installed = node.firmwareVersion ?? null;
    const report = (state: UpdateState): void => this.context.report(id, { update: state });
    let last: FirmwareUpdateProgress | undefined;
    const onProgress = (_node: ZWaveNode, progress: FirmwareUpdateProgress): void => {
      // zwave-js's throttle may hand over an older progress after a newer one: progress never goes back
      if (last !== undefined && progress.progress <= last.progress) return;
      last = progress;
      report({ state: 'updating', installed_version: installed, latest_version: latest, progress: progress.progress });
      this.context.event('zwave_firmware_update', {
        id,
        radio: 'zwave',
        status: 'progress',
        progress: progress.progress,
        sent_fragments: progress.sentFragments,
        total_fragments: progress.totalFragments,
      });
    };
    this.context.event('zwave_firmware_update', { id, radio: 'zwave', status: 'started' });
    report({ state: 'updating', installed_version: installed, latest_version: latest, progress: 0 });
    node.on('firmware update progress', onProgress);
    let result: FirmwareUpdateResult;
    try {
      result = await start();
    } catch (error) {
      this.ended(id, installed, 'failed', isZWaveError(error) ? getEnumMemberName(ZWaveErrorCodes, error.code) : 'error');
      if (isZWaveError(error) && error.code === ZWaveErrorCodes.FirmwareUpdateCC_Busy)
        throw new HearthError(ErrorCode.RadioBusy, `${id}: ${describeError(error)}`, { cause: error });
      throw new HearthError(ErrorCode.FirmwareUpdateFailed, `${id}: firmware update not started: ${describeError(error)}`, {
        cause: error,
      });
    } finally {
      node.off('firmware update progress', onProgress);
    }
    const status = getEnumMemberName(FirmwareUpdateStatus, result.status);
    if (!result.success) {
      this.ended(id, installed, 'failed', status);
      throw new HearthError(ErrorCode.FirmwareUpdateFailed, `${id}: firmware update failed (${status}): ${why(result.status, last)}`);
    }
    this.ended(id, installed, 'succeeded', status);
    // the device is interviewed again: its new firmware version comes with it
    if (result.reInterview) node.once('ready', () => this.context.report(id, this.stateOf(node) ?? {}));
    return {
      status,
      ...(bytes === undefined ? {} : { bytes }),
      reinterview: result.reInterview,
      ...(result.waitTime === undefined ? {} : { wait_time_s: result.waitTime }),
    };
  }

  private ended(id: string, installed: string | null, status: 'succeeded' | 'failed', result: string): void {
    this.context.report(id, { update: { state: 'idle', installed_version: installed, latest_version: installed } });
    this.context.event('zwave_firmware_update', { id, radio: 'zwave', status, result });
  }
}

function why(status: FirmwareUpdateStatus, last: FirmwareUpdateProgress | undefined): string {
  const sent = last === undefined ? 'before the first fragment' : `after ${last.sentFragments} of ${last.totalFragments} fragments`;
  switch (status) {
    case FirmwareUpdateStatus.Error_Timeout:
      return `the device stopped answering ${sent}; it keeps its old firmware`;
    case FirmwareUpdateStatus.Error_Checksum:
      return 'the device found the image corrupt (checksum); it keeps its old firmware';
    case FirmwareUpdateStatus.Error_TransmissionFailed:
      return `the transfer failed ${sent} (the device did not answer, or the update was aborted)`;
    default:
      return 'the device refused the image (wrong manufacturer, firmware id, target or hardware version?)';
  }
}
