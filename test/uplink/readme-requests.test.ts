/**
 * The README's table of bridge requests (issue 19.18) is true: every command the hub knows has a
 * row; each row's example payload, run in the table's order against a hub with one device,
 * succeeds, and its answer is the documented `data` wherever the README gives it whole (no `…`).
 */
import type { Radio } from '../../src/radios/radio.js';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ActorSystem } from '../../src/actors/actor-system.js';
import { configSchema } from '../../src/config/schema.js';
import { DeviceService } from '../../src/devices/device-service.js';
import { BRIDGE_COMMANDS, BridgeRequests } from '../../src/uplink/bridge-requests.js';
import { RuleEngine } from '../../src/rules/rule-engine.js';
import { ALL_REQUESTS } from '../../src/uplink/requests/all-requests.js';
import { capturingLog } from '../actors/support.js';
import {
  bindResponse,
  configureResponse,
  interviewResponse,
  networkMapResponse,
  otaCheckResponse,
  otaUpdateResponse,
} from './conformance/z2m-tools-api.js';
import { actorsConfig } from '../support/config-defaults.js';
import { tempDir } from '../support/temp-dir.js';
import { readmeRows, ZWAVE_TOOLS_END, ZWAVE_TOOLS_TABLE } from '../support/readme-rows.js';

/**
 * Requests the Zigbee radio's network tools answer: this hub has no radio, so their rows are
 * checked here against the request's schema and Zigbee2MQTT's response shape; they run for real
 * on the simulated network in test/radios/zigbee/ (binds, network-map, configure-options, ota).
 */
const ZIGBEE_TOOL_ANSWERS: Record<string, { safeParse(data: unknown): { success: boolean } }> = {
  'device/bind': bindResponse,
  'device/unbind': bindResponse,
  networkmap: networkMapResponse,
  'device/configure': configureResponse,
  'device/interview': interviewResponse,
  'device/ota_update/check': otaCheckResponse,
  'device/ota_update/check/downgrade': otaCheckResponse,
  'device/ota_update/update': otaUpdateResponse,
  'device/ota_update/update/downgrade': otaUpdateResponse,
};

describe("the README's bridge requests", () => {
  it('document every command with an example that works and the answer it gets', async () => {
    const rows = await readmeRows();
    // the Z-Wave tools have their own table, run against the simulated Z-Wave network (test/radios/zwave/zwave-readme.test.ts)
    const zwaveRows = await readmeRows(ZWAVE_TOOLS_TABLE, ZWAVE_TOOLS_END);
    expect([...rows, ...zwaveRows].map((row) => row.command).sort()).toEqual([...BRIDGE_COMMANDS].sort());

    const { log } = capturingLog();
    const system = new ActorSystem({ log, config: actorsConfig({ idleTimeoutMs: 0 }) });
    const devices = new DeviceService({
      stateDir: await tempDir(),
      store: configSchema.parse({ store: { journalBatchMs: 5 } }).store,
      system,
      log,
    });
    await devices.start();
    onTestFinished(async () => {
      await system.shutdown();
      await devices.stop();
    });
    devices.addDevice({ id: 'zigbee:0x00158d0001a2b3c4', friendlyName: 'living/lamp', radio: 'zigbee' });
    const rules = new RuleEngine({ devices, events: devices.events, rules: [], settings: { maxFiringsPerS: 10 }, log });
    await rules.start();
    onTestFinished(() => rules.stop());
    const requests = new BridgeRequests(
      {
        devices,
        radios: {
          permitJoin: () => Promise.resolve(),
          exclusion: () => Promise.resolve(),
          answerInclusion: () => undefined,
          // the group rows' Zigbee member: the radio's side is tested on the simulated network (test/radios/zigbee/groups.test.ts)
          running: (kind) => {
            if (kind !== 'zigbee') throw new Error(`no ${kind} radio in this test`);
            return {
              groups: {
                addMember: () => Promise.resolve(1),
                removeMember: () => Promise.resolve(),
                removeGroup: () => Promise.resolve(),
                send: () => Promise.resolve({}),
              },
            } as unknown as Radio;
          },
          backup: () => Promise.resolve({ zigbee: { metadata: { format: 'zigpy/open-coordinator-backup', version: 1 } } }),
        },
        health: () => ({ status: 'ok' }),
        rules,
      },
      64 * 1024,
    );
    for (const row of rows) {
      const zigbeeAnswer = ZIGBEE_TOOL_ANSWERS[row.command];
      if (zigbeeAnswer !== undefined) {
        expect(ALL_REQUESTS[row.command]?.schema.safeParse(JSON.parse(row.payload)).success, `${row.command} ${row.payload}`).toBe(true);
        const documented = row.data.replace('{…}', '{}');
        expect(zigbeeAnswer.safeParse(JSON.parse(documented)).success, `${row.command} answer ${row.data}`).toBe(true);
        continue;
      }
      const answer = await requests.handle(row.command, Buffer.from(row.payload));
      expect(answer, `${row.command} ${row.payload}`).toMatchObject({ status: 'ok' });
      if (!row.data.includes('…')) expect(answer.data, `${row.command} ${row.payload}`).toEqual(JSON.parse(row.data));
    }
    // the documented failure (the device back, the last row removed it)
    devices.addDevice({ id: 'zigbee:0x00158d0001a2b3c4', friendlyName: 'kitchen/lamp', radio: 'zigbee' });
    expect(await requests.handle('room/add_device', Buffer.from('{"room":"Attic","device":"kitchen/lamp"}'))).toMatchObject({
      error: { code: 'ROOM_NOT_FOUND', message: 'no room with id or name "Attic"' },
    });
  });
});
