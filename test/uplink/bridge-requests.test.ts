import fc from 'fast-check';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ActorSystem } from '../../src/actors/actor-system.js';
import { configSchema } from '../../src/config/schema.js';
import { DeviceService } from '../../src/devices/device-service.js';
import { BRIDGE_COMMANDS, BridgeRequests } from '../../src/uplink/bridge-requests.js';
import { capturingLog } from '../actors/support.js';
import { tempDir } from '../support/temp-dir.js';
import { actorsConfig } from '../support/config-defaults.js';

const lamp = 'zigbee:0x00158d0001a2b3c4';

async function setup() {
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
  devices.addDevice({ id: lamp, friendlyName: 'living/lamp', radio: 'zigbee' });
  const joins: number[] = [];
  const requests = new BridgeRequests(
    {
      devices,
      radios: {
        permitJoin: (seconds) => Promise.resolve(void joins.push(seconds)),
        exclusion: () => Promise.resolve(),
        answerInclusion: () => undefined,
        running: (kind) => {
          throw new Error(`no ${kind} radio in this test`);
        },
        backup: () => Promise.resolve({ zigbee: { pan_id: '1a2b' } }),
      },
      health: () => ({ status: 'ok' }),
    },
    1024,
  );
  const ask = (command: string, body: unknown) =>
    requests.handle(command, Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)));
  return { devices, system, requests, ask, joins };
}

describe('bridge requests', () => {
  it('runs each command and answers ok, echoing the transaction', async () => {
    const { ask, devices, joins } = await setup();
    expect(await ask('permit_join', { value: true, time: 60, transaction: 'a1' })).toEqual({
      status: 'ok',
      data: { value: true, time: 60 },
      transaction: 'a1',
    });
    expect(joins).toEqual([60]);
    expect(await ask('device/rename', { from: 'living/lamp', to: 'living/ceiling' })).toMatchObject({
      status: 'ok',
      data: { id: lamp, from: 'living/lamp', to: 'living/ceiling' },
    });
    expect(await ask('device/options', { id: 'living/ceiling', options: { debounce: 0.5, retain: false } })).toMatchObject({
      status: 'ok',
      data: { options: { debounceMs: 500, retain: false } },
    });
    expect(await ask('room/create', { name: 'Living' })).toMatchObject({ status: 'ok', data: { id: 'living' } });
    expect(await ask('room/add_device', { room: 'living', device: lamp })).toMatchObject({ status: 'ok', data: { devices: [lamp] } });
    expect(await ask('room/rename', { id: 'living', name: 'Lounge' })).toMatchObject({ status: 'ok', data: { name: 'Lounge' } });
    expect(await ask('room/remove_device', { room: 'living', device: 'living/ceiling' })).toMatchObject({
      status: 'ok',
      data: { devices: [] },
    });
    expect(await ask('room/delete', { id: 'living' })).toMatchObject({ status: 'ok' });
    expect(await ask('health_check', '')).toEqual({ status: 'ok', data: { healthy: true, health: { status: 'ok' } } });
    expect(await ask('backup', { transaction: 7 })).toEqual({ status: 'ok', data: { zigbee: { pan_id: '1a2b' } }, transaction: 7 });
    expect(await ask('device/remove', { id: lamp })).toMatchObject({ status: 'ok', data: { id: lamp } });
    expect(devices.size).toBe(0);
  });

  it('answers every bad request with a coded error and changes nothing', async () => {
    const { ask, devices } = await setup();
    expect(await ask('device/rename', { from: 'nobody', to: 'x', transaction: 7 })).toEqual({
      status: 'error',
      data: {},
      error: { code: 'DEVICE_NOT_FOUND', message: 'no device named or with id "nobody"' },
      transaction: 7,
    });
    expect((await ask('permit_join', '{"value": tru')).error).toMatchObject({
      code: 'PAYLOAD_INVALID',
      message: expect.stringMatching(/^malformed JSON: /),
    });
    expect((await ask('permit_join', { value: 'yes' })).error).toEqual({
      code: 'PAYLOAD_INVALID',
      message: 'permit_join: value: expected true or false',
    });
    expect((await ask('reboot_everything', {})).error).toMatchObject({
      code: 'UNKNOWN_COMMAND',
      message: expect.stringContaining('known: permit_join, device/rename'),
    });
    expect((await ask('device/rename', 'x'.repeat(2000))).error).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      message: 'payload of 2000 bytes is over the limit of 1024',
    });
    expect((await ask('device/rename', { from: 'living/lamp', to: 'a/#' })).error).toMatchObject({ code: 'DEVICE_NAME_INVALID' });
    expect((await ask('room/delete', { id: 'attic' })).error).toMatchObject({ code: 'ROOM_NOT_FOUND' });
    expect((await ask('device/rename', [1, 2])).error).toMatchObject({ code: 'PAYLOAD_INVALID' });
    expect(devices.device(lamp)?.friendlyName).toBe('living/lamp');
  });

  it('never throws and never changes a device on random payloads', async () => {
    const { requests, devices } = await setup();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          ...BRIDGE_COMMANDS.filter((c) => c !== 'device/remove' && c !== 'device/rename' && c !== 'device/options'),
          'nope',
          '',
        ),
        fc.oneof(
          fc.json(),
          fc.string(),
          fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
        ),
        async (command, body) => {
          const response = await requests.handle(command, Buffer.from(body));
          expect(['ok', 'error']).toContain(response.status);
          if (response.status === 'error') expect(response.error?.code).toMatch(/^[A-Z_]+$/);
        },
      ),
      { numRuns: 500 },
    );
    expect(devices.device(lamp)?.friendlyName).toBe('living/lamp');
  });
});
