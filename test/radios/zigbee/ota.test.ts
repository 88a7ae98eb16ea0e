/**
 * OTA updates over MQTT with Zigbee2MQTT's request names, on the simulated network through
 * herdsman's real OTA code and the converters' definitions: the hub's images come from a local
 * folder (`radios.zigbee.ota.imagesDir`, no internet); `device/ota_update/check` finds the newer
 * image from the file's own header; `device/ota_update/update` runs it block by block, the
 * device's state showing `update` with progress; the device drops out in the middle, the update
 * fails with the state back at `available`, and a second update resumes where the device stopped
 * and installs the very bytes of the file. Answers and the `update` state checked against
 * Zigbee2MQTT's shapes; Home Assistant's update entity against its schema and every state.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SIMULATED_FILE_VERSION, SIMULATED_IMAGE_TYPE } from '../../../src/radios/zigbee/simulator/simulated-device.js';
import { okResponse, otaCheckResponse, otaUpdateResponse, otaUpdateState } from '../../uplink/conformance/z2m-tools-api.js';
import { tempDir } from '../../support/temp-dir.js';
import { until } from '../../support/until.js';
import { checkDiscovery } from '../../uplink/homeassistant/ha-schema.js';
import { complaintOf, renderTemplate } from '../../uplink/homeassistant/ha-template.js';
import { idOf, startZigbeeHub, type ZigbeeHub } from './support.js';
import { askBridge } from './tools-support.js';
import { otaImage } from './ota-image.js';

const NEW_VERSION = SIMULATED_FILE_VERSION + 0x100;
const IMAGE_BYTES = 3000;

/** Every `update` the hub published for a device since message `from`. */
function updates(hub: ZigbeeHub, topic: string, from = 0) {
  return hub.watch.received
    .slice(from)
    .filter((m) => m.topic === topic)
    .map((m) => (JSON.parse(m.payload) as { update?: unknown }).update)
    .filter((update) => update !== undefined)
    .map((update) => otaUpdateState.parse(update));
}

describe('Zigbee OTA updates', () => {
  it('checks, updates with progress, survives a drop in the middle and resumes', async () => {
    const images = join(await tempDir(), 'ota');
    await mkdir(images);
    const ikea = 0x117c;
    const image = otaImage({ manufacturerCode: ikea, imageType: SIMULATED_IMAGE_TYPE, fileVersion: NEW_VERSION, size: IMAGE_BYTES });
    await writeFile(join(images, 'bulb.ota'), image);
    // an image for someone else and a file that is no image: neither matches the bulb
    await writeFile(join(images, 'other.ota'), otaImage({ manufacturerCode: 0x1234, imageType: 1, fileVersion: 0x7fffffff, size: 100 }));
    await writeFile(join(images, 'notes.txt'), 'release notes');
    const hub = await startZigbeeHub(['bulb', 'widget'], {
      otherProfile: { zigbee: { ota: { imagesDir: images, imageBlockRequestTimeoutMs: 3000, imageBlockResponseDelayMs: 0 } } },
      watchAlso: ['homeassistant/#'],
    });
    const bulb = hub.network.byKind('bulb');
    const topic = hub.topic(bulb);
    const ota = bulb.ota;
    if (ota === undefined) throw new Error('the simulated bulb has no OTA client');

    const checked = await askBridge(hub, 'device/ota_update/check', { id: idOf(bulb) });
    expect(okResponse(otaCheckResponse).parse(checked).data).toEqual({
      id: idOf(bulb),
      update_available: true,
      downgrade: false,
      source: join(images, 'bulb.ota'),
    });
    await hub.watch.waitFor(topic, (p) => p.includes('"state":"available"'));
    expect(updates(hub, topic).at(-1)).toMatchObject({
      state: 'available',
      installed_version: SIMULATED_FILE_VERSION,
      latest_version: NEW_VERSION,
    });
    // nothing newer to go back to
    const down = await askBridge(hub, 'device/ota_update/check/downgrade', { id: idOf(bulb) });
    expect(okResponse(otaCheckResponse).parse(down).data).toMatchObject({ update_available: false, downgrade: true });

    // the first update: the bulb drops out half way
    ota.dropAt = IMAGE_BYTES / 2;
    const firstFrom = hub.watch.received.length;
    const failed = await askBridge(hub, 'device/ota_update/update', { id: idOf(bulb) }, 30_000);
    expect(failed).toMatchObject({
      status: 'error',
      error: { code: 'DEVICE_UNREACHABLE', message: expect.stringContaining('OTA update failed') },
    });
    expect(ota.downloaded).toBeGreaterThanOrEqual(IMAGE_BYTES / 2);
    expect(ota.fileVersion).toBe(SIMULATED_FILE_VERSION);
    await until(() => updates(hub, topic, firstFrom).at(-1)?.state === 'available', 10_000, 'the update state back at available');
    const first = updates(hub, topic, firstFrom);
    const firstProgress = first.filter((u) => u.state === 'updating').map((u) => u.progress as number);
    expect(firstProgress[0]).toBe(0);
    expect(firstProgress.some((p) => p > 0 && p < 100)).toBe(true);
    expect(Math.max(...firstProgress)).toBeLessThan(100);
    expect(first.at(-1)).toMatchObject({ state: 'available', latest_version: NEW_VERSION });

    // back in the network: the update resumes where the bulb stopped
    bulb.fault = undefined;
    const secondFrom = hub.watch.received.length;
    const blocksBefore = bulb.received.length;
    const updated = await askBridge(hub, 'device/ota_update/update', { id: idOf(bulb) }, 30_000);
    expect(okResponse(otaUpdateResponse).parse(updated).data).toEqual({
      id: idOf(bulb),
      from: { file_version: SIMULATED_FILE_VERSION, software_build_id: '1.0.0', date_code: '20240101' },
      to: { file_version: NEW_VERSION, software_build_id: `ota-${NEW_VERSION}`, date_code: '20240101' },
    });
    const blocks = bulb.received.slice(blocksBefore).filter((frame) => frame.command === 'imageBlockResponse');
    expect((blocks[0]?.payload as { fileOffset: number }).fileOffset).toBeGreaterThanOrEqual(IMAGE_BYTES / 2);
    // the bulb runs the new image: the very bytes of the file
    expect(ota.fileVersion).toBe(NEW_VERSION);
    expect(ota.installed).toHaveLength(1);
    expect(ota.installed[0]?.equals(image)).toBe(true);
    await until(() => updates(hub, topic, secondFrom).at(-1)?.installed_version === NEW_VERSION, 10_000, 'the new version in the state');
    const second = updates(hub, topic, secondFrom);
    const secondProgress = second.filter((u) => u.state === 'updating').map((u) => u.progress as number);
    expect(secondProgress.some((p) => p >= 50 && p <= 100)).toBe(true);
    expect(second.at(-1)).toEqual({
      state: 'idle',
      installed_version: NEW_VERSION,
      latest_version: NEW_VERSION,
      latest_source: null,
      latest_release_notes: null,
    });
    // Home Assistant's update entity: valid, installing through ota_update/update, reading every state the bulb had meanwhile
    const updateTopic = `homeassistant/update/hearth-zb/${idOf(bulb).replace(/[^A-Za-z0-9_-]/g, '_')}_update/config`;
    const discovered = hub.watch.received.filter((m) => m.topic === updateTopic).at(-1);
    if (discovered === undefined) throw new Error(`no ${updateTopic}`);
    const entity = checkDiscovery(discovered.topic, discovered.payload).config;
    expect(entity).toMatchObject({ state_topic: topic, command_topic: 'hearth/zb/bridge/request/device/ota_update/update' });
    expect(JSON.parse(entity.payload_install as string)).toEqual({ id: idOf(bulb) });
    const states = hub.watch.received.filter((m) => m.topic === topic).map((m) => m.payload);
    expect(states.map((state) => complaintOf('update', entity, state)).filter((c) => c !== undefined)).toEqual([]);
    expect(JSON.parse(renderTemplate(entity.value_template as string, states.at(-1) as string))).toEqual({
      installed_version: String(NEW_VERSION),
      latest_version: String(NEW_VERSION),
      update_percentage: null,
      in_progress: false,
    });
    // up to date now
    const again = await askBridge(hub, 'device/ota_update/check', { id: idOf(bulb) });
    expect(okResponse(otaCheckResponse).parse(again).data).toMatchObject({ update_available: false });
  }, 120_000);

  it('refuses what it cannot or must not do, with coded errors', async () => {
    const hub = await startZigbeeHub(['bulb', 'widget']);
    const bulb = hub.network.byKind('bulb');
    const widget = hub.network.byKind('widget');
    // no images configured: the hub does not go online for them
    expect(await askBridge(hub, 'device/ota_update/check', { id: idOf(bulb) })).toMatchObject({
      status: 'error',
      error: { code: 'COMMAND_INVALID', message: expect.stringContaining('radios.zigbee.ota.imagesDir') },
    });
    expect(await askBridge(hub, 'device/ota_update/update', { id: idOf(widget) })).toMatchObject({
      status: 'error',
      error: { code: 'COMMAND_INVALID', message: expect.stringContaining('does not support OTA updates') },
    });
    // a url or firmware from the broker would have the hub read any file or fetch any address
    for (const body of [{ url: 'http://attacker.example/index.json' }, { hex: { data: '1ef1ee0b' } }])
      expect(await askBridge(hub, 'device/ota_update/update', { id: idOf(bulb), ...body })).toMatchObject({
        status: 'error',
        error: { code: 'PAYLOAD_INVALID', message: expect.stringContaining('is not accepted') },
      });
    expect(await askBridge(hub, 'device/ota_update/check', { id: 'nobody' })).toMatchObject({
      status: 'error',
      error: { code: 'DEVICE_NOT_FOUND' },
    });
    expect(bulb.received.some((frame) => frame.cluster === 'genOta')).toBe(false);
  }, 60_000);
});
