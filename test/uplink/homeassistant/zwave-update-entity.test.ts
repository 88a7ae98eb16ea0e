/**
 * Home Assistant's `update` entity for a Z-Wave device with firmware updates (the simulated
 * relay carries the Firmware Update Meta Data CC; the switch does not), on the real zwave-js
 * driver and its mock controller: the entity fits Home Assistant's update schema, reads the
 * device's state topic, and has no install command (a Z-Wave update needs a file or a service
 * version: bridge/request/zwave/firmware_update); every `update` state the relay publishes
 * through a firmware update from a file renders to what update.py takes (the latest version,
 * unknown meanwhile, as the installed one); bridge/devices says `supports_ota` for the relay only.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FirmwareState } from '../../../src/radios/zwave/simulator/firmware-behavior.js';
import { MqttWatch } from '../../support/mqtt-watch.js';
import { until } from '../../support/until.js';
import { intelHex } from '../../radios/zwave/intel-hex.js';
import { bridgeRequest, nodeIdOf, startZWaveHub } from '../../radios/zwave/support.js';
import { checkDiscovery } from './ha-schema.js';
import { complaintOf, renderTemplate } from './ha-template.js';

const marker = (nodeId: number): string => `_${nodeIdOf(nodeId).replace(/[^A-Za-z0-9_-]/g, '_')}_`;

describe("Home Assistant's update entity for Z-Wave", () => {
  it('gives a device with the Firmware Update Meta Data CC an update entity that reads its update state, and supports_ota', async () => {
    const hub = await startZWaveHub(['relay', 'switch']);
    const ha = await MqttWatch.connect(hub.broker.url, 'homeassistant/#');
    for (const id of [2, 3]) await until(() => hub.devices.device(nodeIdOf(id)) !== undefined, 20_000, `node ${id} is registered`);
    hub.devices.renameDevice(nodeIdOf(2), 'hall/relay');
    const updateConfigs = () =>
      ha.received
        .filter(({ topic, payload }) => topic.startsWith('homeassistant/update/') && payload !== '')
        .map(({ topic, payload }) => checkDiscovery(topic, payload));
    await until(
      () => updateConfigs().some(({ config }) => config.state_topic === 'hearth/zw/hall/relay'),
      15_000,
      "the relay's update config on its new name",
    );
    const relayConfigs = updateConfigs().filter(({ config }) => String(config.unique_id).includes(marker(2)));
    const config = relayConfigs.at(-1)!.config;
    expect(config).toMatchObject({ name: null, device_class: 'firmware', entity_category: 'config', state_topic: 'hearth/zw/hall/relay' });
    expect(config).not.toHaveProperty('command_topic');
    expect(config).not.toHaveProperty('payload_install');
    // the switch has no firmware updates: no update entity
    expect(updateConfigs().filter(({ config: other }) => String(other.unique_id).includes(marker(3)))).toEqual([]);

    type Entry = { id: string; definition?: { supports_ota: boolean } };
    const latestDevices = (): Entry[] =>
      JSON.parse(hub.watch.received.filter(({ topic }) => topic === 'hearth/zw/bridge/devices').at(-1)?.payload ?? '[]') as Entry[];
    const supportsOta = (nodeId: number): boolean | undefined =>
      latestDevices().find((device) => device.id === nodeIdOf(nodeId))?.definition?.supports_ota;
    await until(() => supportsOta(2) !== undefined && supportsOta(3) !== undefined, 15_000, 'bridge/devices with both nodes');
    expect(supportsOta(2)).toBe(true);
    expect(supportsOta(3)).toBe(false);

    // an update from a file: every update state the relay publishes renders to what update.py takes
    const folder = join(hub.config.stateDir, 'zwave-firmware');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'relay-1.1.hex'), intelHex(randomBytes(1024)));
    hub.network.device(2).node.state.set(FirmwareState.versionAfterUpdate, '1.1');
    const answer = await bridgeRequest(hub, 'zwave/firmware_update', { device: 'hall/relay', file: 'relay-1.1.hex' }, 60_000);
    expect(answer, JSON.stringify(answer)).toMatchObject({ status: 'ok' });
    await hub.watch.waitFor('hearth/zw/hall/relay', (p) => p.includes('"installed_version":"1.1"'), 30_000);

    const states = hub.watch.received.filter(({ topic, payload }) => topic === 'hearth/zw/hall/relay' && payload.includes('"update"'));
    const rendered = states.map(({ payload }) => {
      expect(complaintOf('update', config, payload), payload).toBeUndefined();
      return JSON.parse(renderTemplate(config.value_template as string, payload)) as Record<string, unknown>;
    });
    expect(rendered[0]).toEqual({ installed_version: '1.0', latest_version: '1.0', update_percentage: null, in_progress: false });
    const running = rendered.filter((entity) => entity.in_progress === true);
    expect(running.length).toBeGreaterThan(1);
    for (const entity of running) expect(entity).toMatchObject({ installed_version: '1.0', latest_version: '1.0' });
    expect(running.map((entity) => entity.update_percentage)).toContain(0);
    expect(running.some((entity) => typeof entity.update_percentage === 'number' && entity.update_percentage > 0)).toBe(true);
    expect(rendered.at(-1)).toEqual({ installed_version: '1.1', latest_version: '1.1', update_percentage: null, in_progress: false });
  });
});
