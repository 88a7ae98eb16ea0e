/**
 * Z-Wave firmware updates over MQTT on zwave-js's mock controller: the relay carries the
 * Firmware Update Meta Data CC (the simulator's mock behaviour asks for the image fragment by
 * fragment and checks each fragment's CRC and the image's checksum). An update from an Intel
 * HEX file in the firmware folder reaches the node whole, with progress events, the device's
 * `update` state (updating, then idle with the new installed version after the interview) and
 * a success answer; a node that stops answering mid-way ends in FIRMWARE_UPDATE_FAILED
 * (Error_Timeout, after zwave-js's 2 minutes, on a fake clock); a path outside the folder, an
 * oversized image and the disabled firmware service are refused with their codes.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { CommandClass } from '@zwave-js/cc';
import { CommandClasses } from '@zwave-js/core';
import { MockZWaveFrameType, type MockZWaveFrame } from '@zwave-js/testing';
import { FirmwareState } from '../../../src/radios/zwave/simulator/firmware-behavior.js';
import { bridgeRequest, nodeIdOf, startZWaveHub, type ZWaveHub, type ZWaveHubOptions } from './support.js';
import { intelHex } from './intel-hex.js';
import { until } from '../../support/until.js';
import { tempDir } from '../../support/temp-dir.js';

const FIRMWARE_CC = CommandClasses['Firmware Update Meta Data'];

interface FirmwareEvent {
  type: string;
  data: { id: string; status: string; progress?: number; sent_fragments?: number; total_fragments?: number; result?: string };
}

async function firmwareHub(options: ZWaveHubOptions = {}): Promise<{ hub: ZWaveHub; folder: string }> {
  const hub = await startZWaveHub(['relay', 'switch'], options);
  for (const id of [2, 3]) await until(() => hub.devices.device(nodeIdOf(id)) !== undefined, 20_000, `node ${id} is registered`);
  hub.devices.renameDevice(nodeIdOf(2), 'hall/relay');
  const folder = join(hub.config.stateDir, 'zwave-firmware');
  await mkdir(folder, { recursive: true });
  return { hub, folder };
}

const firmwareEvents = (hub: ZWaveHub): FirmwareEvent[] =>
  hub.watch.received
    .filter(({ topic, payload }) => topic === 'hearth/zw/bridge/event' && payload.includes('"zwave_firmware_update"'))
    .map(({ payload }) => JSON.parse(payload) as FirmwareEvent);

const updateStates = (hub: ZWaveHub): Record<string, unknown>[] =>
  hub.watch.received
    .filter(({ topic }) => topic === 'hearth/zw/hall/relay')
    .map(({ payload }) => (JSON.parse(payload) as { update?: Record<string, unknown> }).update)
    .filter((update): update is Record<string, unknown> => update !== undefined);

describe('Z-Wave firmware updates', () => {
  it('updates a device from a firmware file with progress events and its update state, then shows the new version', async () => {
    const { hub, folder } = await firmwareHub();
    const relay = hub.network.device(2).node;
    await until(() => updateStates(hub).length > 0, 10_000, 'the relay has an update state');
    expect(updateStates(hub).at(-1)).toEqual({ state: 'idle', installed_version: '1.0', latest_version: '1.0' });

    const image = randomBytes(2048);
    await writeFile(join(folder, 'relay-1.1.hex'), intelHex(image));
    relay.state.set(FirmwareState.versionAfterUpdate, '1.1');
    const answer = await bridgeRequest(hub, 'zwave/firmware_update', { device: 'hall/relay', file: 'relay-1.1.hex' }, 60_000);
    expect(answer, JSON.stringify(answer)).toMatchObject({
      status: 'ok',
      data: { device: 'hall/relay', status: 'OK_NoRestart', bytes: intelHex(image).length, reinterview: true },
    });
    // the node got the image whole, fragment by fragment
    expect(Buffer.from(relay.state.get(FirmwareState.received) as Uint8Array).equals(image)).toBe(true);

    const events = firmwareEvents(hub).map((event) => event.data);
    expect(events[0]).toEqual({ id: nodeIdOf(2), radio: 'zwave', status: 'started' });
    expect(events.at(-1)).toEqual({ id: nodeIdOf(2), radio: 'zwave', status: 'succeeded', result: 'OK_NoRestart' });
    const progress = events.filter((event) => event.status === 'progress');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress[0]).toMatchObject({ total_fragments: 64 });
    const percents = progress.map((event) => event.progress ?? 0);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(percents.at(-1)).toBeGreaterThan(0);

    const states = updateStates(hub);
    expect(states).toContainEqual(expect.objectContaining({ state: 'updating', installed_version: '1.0' }));
    expect(states.some((state) => state.state === 'updating' && Number(state.progress) > 0)).toBe(true);
    // zwave-js interviews the node again after the update: the new version is installed
    await until(() => updateStates(hub).at(-1)?.installed_version === '1.1', 30_000, 'the new firmware version is reported');
    expect(updateStates(hub).at(-1)).toEqual({ state: 'idle', installed_version: '1.1', latest_version: '1.1' });
  });

  it('fails with FIRMWARE_UPDATE_FAILED when the device stops answering mid-way (zwave-js gives up after 2 minutes)', async () => {
    const { hub, folder } = await firmwareHub();
    const relay = hub.network.device(2).node;
    await writeFile(join(folder, 'relay.hex'), intelHex(randomBytes(2048)));
    relay.state.set(FirmwareState.stopAfter, 10);
    let stopped = false;
    // from the moment the node goes silent, the clock is a fake one (running at the real pace until moved on)
    relay.state.set(FirmwareState.onStop, () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'], shouldAdvanceTime: true, shouldClearNativeTimers: true });
      stopped = true;
    });
    onTestFinished(() => void vi.useRealTimers());
    const answered = bridgeRequest(hub, 'zwave/firmware_update', { device: 'hall/relay', file: 'relay.hex' }, 60_000);
    await until(() => stopped, 30_000, 'the node stopped answering');
    // the clock moves on 1 s at a time until zwave-js gives up: it waits 2 minutes for the next fragment request.
    // Small steps: on a loaded machine the driver arms that wait some steps after the node went silent, and each
    // step it is late costs the bound below one step (at 10 s a step, a CI run measured 220 s)
    const node = hub.radio.zwave.controller.nodes.get(2);
    let waitedS = 0;
    while (node?.isFirmwareUpdateInProgress() === true && waitedS < 300) {
      await vi.advanceTimersByTimeAsync(1000);
      waitedS += 1;
      // real turns of the event loop between steps (setImmediate is not faked): the driver's own work goes on meanwhile
      for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve));
    }
    // 2 minutes, and a step or few more on a loaded machine (the driver sets its wait a little after the node went silent)
    expect(waitedS).toBeGreaterThanOrEqual(120);
    expect(waitedS).toBeLessThanOrEqual(180);
    const answer = await answered;
    expect(answer.status).toBe('error');
    expect(answer.error?.code).toBe('FIRMWARE_UPDATE_FAILED');
    expect(answer.error?.message).toMatch(
      /firmware update failed \(Error_Timeout\): the device stopped answering after \d+ of 64 fragments/,
    );
    expect(firmwareEvents(hub).at(-1)?.data).toEqual({ id: nodeIdOf(2), radio: 'zwave', status: 'failed', result: 'Error_Timeout' });
    expect(updateStates(hub).at(-1)).toEqual({ state: 'idle', installed_version: '1.0', latest_version: '1.0' });
    expect(relay.state.get(FirmwareState.received)).toBeUndefined();
  });

  it('refuses a path outside the firmware folder, an image over maxBytes, a file that is no firmware, and the disabled service', async () => {
    const { hub, folder } = await firmwareHub({ firmwareMaxBytes: 4096 });
    const relay = hub.network.device(2).node;
    relay.clearReceivedControllerFrames();
    const outside = await tempDir();
    await writeFile(join(outside, 'evil.hex'), intelHex(randomBytes(64)));
    await symlink(join(outside, 'evil.hex'), join(folder, 'link.hex'));
    await writeFile(join(folder, 'big.bin'), randomBytes(5000));
    await writeFile(join(folder, 'notes.txt'), 'not firmware');

    const refusals: [Record<string, unknown>, string, RegExp][] = [
      [{ file: '../../etc/passwd' }, 'FIRMWARE_FILE_INVALID', /outside radios\.zwave\.firmware\.folder|not found/],
      [{ file: join(outside, 'evil.hex') }, 'FIRMWARE_FILE_INVALID', /outside radios\.zwave\.firmware\.folder/],
      [{ file: 'link.hex' }, 'FIRMWARE_FILE_INVALID', /outside radios\.zwave\.firmware\.folder/],
      [{ file: 'missing.hex' }, 'FIRMWARE_FILE_INVALID', /not found/],
      [{ file: 'big.bin' }, 'FIRMWARE_TOO_LARGE', /5000 bytes, over radios\.zwave\.firmware\.maxBytes \(4096\)/],
      [{ data: randomBytes(6000).toString('base64'), filename: 'big.bin' }, 'FIRMWARE_TOO_LARGE', /6000 bytes, over/],
      [{ file: 'notes.txt' }, 'FIRMWARE_FILE_INVALID', /not a firmware image zwave-js can read/],
      [{ data: 'not base64!', filename: 'x.bin' }, 'FIRMWARE_FILE_INVALID', /not base64/],
      [{ data: 'AAAA' }, 'PAYLOAD_INVALID', /filename/],
      [{ file: 'a.hex', data: 'AAAA', filename: 'a.bin' }, 'PAYLOAD_INVALID', /exactly one of/],
      [{ version: '2.0' }, 'FIRMWARE_SERVICE_DISABLED', /radios\.zwave\.firmware\.service\.enabled/],
    ];
    for (const [payload, code, message] of refusals) {
      const answer = await bridgeRequest(hub, 'zwave/firmware_update', { device: 'hall/relay', ...payload });
      expect(answer.status, JSON.stringify(payload)).toBe('error');
      expect(answer.error?.code, JSON.stringify(answer)).toBe(code);
      expect(answer.error?.message, JSON.stringify(payload)).toMatch(message);
    }
    const check = await bridgeRequest(hub, 'zwave/firmware_update/check', { device: 'hall/relay' });
    expect(check.error?.code).toBe('FIRMWARE_SERVICE_DISABLED');
    // nothing of it reached the device
    const firmwareFrame = (frame: MockZWaveFrame): boolean =>
      frame.type === MockZWaveFrameType.Request && frame.payload instanceof CommandClass && frame.payload.ccId === FIRMWARE_CC;
    expect(() => relay.assertReceivedControllerFrame(firmwareFrame)).toThrow();
    expect(firmwareEvents(hub)).toEqual([]);
  });
});
