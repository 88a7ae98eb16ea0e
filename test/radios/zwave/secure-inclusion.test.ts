/**
 * Secure inclusion: with S2 keys configured, permit_join includes with zwave-js's default
 * strategy (S2 where the device supports it, without security where it does not), and the
 * questions zwave-js asks during an S2 bootstrap (grant which security classes, confirm the
 * DSK with the device's PIN) are put over MQTT and answered by bridge requests.
 *
 * zwave-js 15.15's mock nodes do not speak S2, so the bootstrap itself cannot run here: the
 * questions are asked the way zwave-js asks them, by calling the radio's inclusion callbacks
 * (the ones handed to the real Driver) directly.
 */
import { randomBytes } from 'node:crypto';
import { SecurityClass } from '@zwave-js/core';
import { describe, expect, it } from 'vitest';
import { until } from '../../support/until.js';
import { nodeIdOf, startZWaveHub } from './support.js';

const keys = {
  S2_Unauthenticated: randomBytes(16),
  S2_Authenticated: randomBytes(16),
  S2_AccessControl: randomBytes(16),
  S0_Legacy: randomBytes(16),
};

describe('Z-Wave secure inclusion', () => {
  it('includes with S2 keys set: a device without security still joins', async () => {
    const hub = await startZWaveHub(['switch'], { securityKeys: keys });
    const { devices, network, watch } = hub;
    await until(() => devices.device(nodeIdOf(2)) !== undefined, 15_000, 'the switch is registered');
    const plug = network.pairNew('plug');
    await watch.client.publishAsync('hearth/zw/bridge/request/permit_join', '{"value":true,"time":30}', { qos: 1 });
    await watch.waitFor('hearth/zw/bridge/event', (p) => p.includes('device_joined') && p.includes(nodeIdOf(plug.id)));
    await until(() => devices.device(nodeIdOf(plug.id))?.capabilities !== undefined, 20_000, 'the plug is registered');
  });

  it('asks which security classes to grant and for the PIN over MQTT, and passes the answers to zwave-js', async () => {
    const hub = await startZWaveHub(['switch'], { securityKeys: keys });
    const { radio, watch } = hub;
    const answer = async (command: string, body: unknown) => {
      await watch.client.publishAsync(`hearth/zw/bridge/request/zwave/${command}`, JSON.stringify(body), { qos: 1 });
      const response = await watch.waitFor(`hearth/zw/bridge/response/zwave/${command}`, (p) =>
        p.includes(`"transaction":${JSON.stringify((body as { transaction: unknown }).transaction)}`),
      );
      return JSON.parse(response.payload) as { status: string; error?: { code: string; message: string } };
    };

    // nothing asked yet: an answer is refused
    expect(await answer('validate_dsk', { pin: '12345', transaction: 1 })).toMatchObject({
      status: 'error',
      error: { code: 'REQUEST_FAILED' },
    });

    const granted = radio.prompts.grantSecurityClasses({
      securityClasses: [SecurityClass.S2_Authenticated, SecurityClass.S2_Unauthenticated],
      clientSideAuth: false,
    });
    const asked = await watch.waitFor('hearth/zw/bridge/event', (p) => p.includes('zwave_grant_security'));
    expect(JSON.parse(asked.payload)).toMatchObject({
      type: 'zwave_grant_security',
      data: { radio: 'zwave', requested_classes: ['S2_Authenticated', 'S2_Unauthenticated'], client_side_auth: false },
    });
    // a class the device did not ask for is refused, and the question stays open
    expect(await answer('grant_security', { securityClasses: ['S2_AccessControl'], transaction: 2 })).toMatchObject({
      status: 'error',
      error: { code: 'PAYLOAD_INVALID', message: expect.stringContaining('did not request S2_AccessControl') },
    });
    expect(await answer('grant_security', { securityClasses: ['S2_Authenticated'], transaction: 3 })).toMatchObject({ status: 'ok' });
    expect(await granted).toEqual({ securityClasses: [SecurityClass.S2_Authenticated], clientSideAuth: false });

    const pin = radio.prompts.validateDSKAndEnterPIN('-12345-23456-34567-45678-56789-11111-22222');
    const dsk = await watch.waitFor('hearth/zw/bridge/event', (p) => p.includes('zwave_validate_dsk'));
    expect(JSON.parse(dsk.payload)).toMatchObject({ data: { dsk: '-12345-23456-34567-45678-56789-11111-22222' } });
    expect(await answer('validate_dsk', { pin: '12a45', transaction: 4 })).toMatchObject({
      status: 'error',
      error: { code: 'PAYLOAD_INVALID' },
    });
    expect(await answer('validate_dsk', { pin: '54321', transaction: 5 })).toMatchObject({ status: 'ok' });
    expect(await pin).toBe('54321');

    // declining: an empty grant, a DSK without a PIN; zwave-js's abort is announced
    const declined = radio.prompts.grantSecurityClasses({ securityClasses: [SecurityClass.S2_Unauthenticated], clientSideAuth: false });
    await until(() => watch.received.filter((m) => m.payload.includes('zwave_grant_security')).length === 2, 5000, 'the second question');
    await answer('grant_security', { securityClasses: [], transaction: 6 });
    expect(await declined).toBe(false);
    const mismatch = radio.prompts.validateDSKAndEnterPIN('-11111-22222-33333-44444-55555-66666-77777');
    await until(() => watch.received.filter((m) => m.payload.includes('zwave_validate_dsk')).length === 2, 5000, 'the second DSK');
    await answer('validate_dsk', { transaction: 7 });
    expect(await mismatch).toBe(false);
    radio.prompts.abort();
    await watch.waitFor('hearth/zw/bridge/event', (p) => p.includes('zwave_inclusion_aborted'));
  });
});
