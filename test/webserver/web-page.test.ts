/**
 * The web page's API on a demo hub over real HTTP (test/webserver/web-hub.ts): logins (good,
 * wrong, rate-limited), the snapshot of every demo device, a Zigbee plug switched from the page
 * with its state on the event stream and on MQTT, a rename seen on bridge/devices, requests
 * without a session, with a forged Origin or without the CSRF token refused, a pulled Zigbee
 * stick on the `health` stream at once, and no secret in any answer or event.
 */
import { describe, expect, it } from 'vitest';
import { WebClient, type EventReader, type Frame } from './web-client.js';
import { startWebHub } from './web-hub.js';

const DEMO_NAMES = [
  'zigbee/bulb',
  'zigbee/ambiance',
  'zigbee/climate',
  'zigbee/door',
  'zigbee/plug',
  'zigbee/remote',
  'zigbee/widget',
  'zwave/switch',
  'zwave/dimmer',
  'zwave/multisensor',
  'zwave/door',
  'zwave/plug',
  'gpio-relay',
  'gpio-button',
];

interface Snapshot {
  devices: { id: string; friendly_name: string }[];
  states: Record<string, Record<string, unknown>>;
  info: { hub_id: string };
  health: { health: { parts: Record<string, { status: string }> } };
}

function healthOf(frame: Frame, part: string): string | undefined {
  return (frame.data as Snapshot['health']).health.parts[part]?.status;
}

describe('the web API on a demo hub', () => {
  it('logs in, shows every demo device, switches the Zigbee plug (stream and MQTT), renames, refuses what it must, and says no secret', async () => {
    const hub = await startWebHub();
    const page = new WebClient(hub.port);

    // a wrong token, then the right one
    const wrong = await page.login('not-the-token-at-all');
    expect(wrong.status).toBe(401);
    expect(wrong.json).toMatchObject({ status: 'error', error: { code: 'WEB_TOKEN_INVALID' } });
    expect((await page.request('/api/session')).status).toBe(401);
    const good = await page.login(hub.token);
    expect(good.status).toBe(200);
    const cookie = good.headers['set-cookie']?.[0] ?? '';
    expect(cookie).toMatch(/^hearth_session=[A-Za-z0-9_-]{40,};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toMatch(/Max-Age=43200/);
    expect(cookie).toMatch(/Expires=/);
    expect((await page.request('/api/session')).json).toMatchObject({ csrf: page.csrf });

    // security headers on every answer
    for (const answer of [good, wrong, await page.request('/'), await page.request('/api/snapshot')]) {
      expect(answer.headers['content-security-policy']).toContain("default-src 'self'");
      expect(answer.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(answer.headers['content-security-policy']).not.toContain('unsafe-inline');
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
      expect(answer.headers['referrer-policy']).toBe('no-referrer');
    }

    // the snapshot: every demo device, with the bridge's payloads
    const snapshot = (await page.request('/api/snapshot')).json as Snapshot;
    expect(snapshot.devices.map((device) => device.friendly_name).sort()).toEqual(expect.arrayContaining(DEMO_NAMES));
    expect(snapshot.info.hub_id).toBe('web');
    expect(healthOf({ event: 'health', data: snapshot.health, raw: '' }, 'radios.zigbee')).toBe('ok');
    const plug = snapshot.devices.find((device) => device.friendly_name === 'zigbee/plug');
    expect(plug).toBeDefined();

    // switch the plug: ok, its state on the stream and on MQTT, and the simulated plug is on
    const stream = await page.stream();
    await stream.waitFor((frame) => frame.event === 'snapshot', 15_000, 'snapshot');
    const set = await page.post(`/api/devices/${encodeURIComponent('zigbee/plug')}/set`, { state: 'ON' });
    expect(set.status).toBe(200);
    expect(set.json).toMatchObject({ status: 'ok', data: { state: 'ON' } });
    await stream.waitFor(
      (frame) =>
        frame.event === 'state' &&
        (frame.data as { id: string; state: { state?: string } }).id === plug?.id &&
        (frame.data as { state: { state?: string } }).state.state === 'ON',
      15_000,
      'the plug ON',
    );
    await hub.watch.waitFor('hearth/web/zigbee/plug', (payload) => (JSON.parse(payload) as { state?: string }).state === 'ON');
    expect(hub.network.byKind('plug').attribute('genOnOff', 'onOff')).toBe(1);
    // by id too, and a bad value is the router's coded error, as over MQTT
    const bad = await page.post(`/api/devices/${plug?.id ?? ''}/set`, { state: 'SIDEWAYS' });
    expect(bad.json).toMatchObject({ status: 'error', error: { code: 'COMMAND_INVALID' } });
    await hub.watch.waitFor(
      'hearth/web/bridge/event',
      (payload) => payload.includes('command_failed') && payload.includes('COMMAND_INVALID'),
    );
    const unknown = await page.post('/api/devices/zigbee%2Fnothing/set', { state: 'ON' });
    expect(unknown.json).toMatchObject({ status: 'error', error: { code: 'DEVICE_NOT_FOUND' } });

    // rename through the bridge request: on MQTT bridge/devices and on the stream
    const rename = await page.post('/api/request/device/rename', { from: 'zigbee/bulb', to: 'kitchen/bulb', transaction: 't1' });
    expect(rename.json).toMatchObject({ status: 'ok', data: { from: 'zigbee/bulb', to: 'kitchen/bulb' }, transaction: 't1' });
    await hub.watch.waitFor('hearth/web/bridge/devices', (payload) =>
      (JSON.parse(payload) as { friendly_name: string }[]).some((device) => device.friendly_name === 'kitchen/bulb'),
    );
    await hub.watch.waitFor('hearth/web/bridge/response/device/rename', (payload) => payload.includes('"t1"'));
    await stream.waitFor(
      (frame) =>
        frame.event === 'devices' && (frame.data as { friendly_name: string }[]).some((device) => device.friendly_name === 'kitchen/bulb'),
      15_000,
      'the renamed bulb in devices',
    );
    const taken = await page.post('/api/request/device/rename', { from: 'kitchen/bulb', to: 'zigbee/plug' });
    expect(taken.json).toMatchObject({ status: 'error', error: { code: 'DEVICE_NAME_TAKEN' } });
    const unknownRequest = await page.post('/api/request/no/such/request', {});
    expect(unknownRequest.json).toMatchObject({ status: 'error', error: { code: 'UNKNOWN_COMMAND' } });

    // refused: no session, a forged Origin, no CSRF token, a foreign Host
    const stranger = new WebClient(hub.port);
    const noSession = await stranger.post('/api/devices/zigbee%2Fplug/set', { state: 'OFF' });
    expect(noSession.status).toBe(401);
    expect(noSession.json).toMatchObject({ error: { code: 'WEB_LOGIN_REQUIRED' } });
    expect((await stranger.request('/api/snapshot')).status).toBe(401);
    expect((await stranger.request('/api/events')).status).toBe(401);
    const forged = await page.post('/api/devices/zigbee%2Fplug/set', { state: 'OFF' }, { origin: 'http://evil.example' });
    expect(forged.status).toBe(403);
    expect(forged.json).toMatchObject({ error: { code: 'WEB_ORIGIN_REFUSED' } });
    const noOrigin = await page.request('/api/devices/zigbee%2Fplug/set', {
      method: 'POST',
      body: '{"state":"OFF"}',
      headers: { 'content-type': 'application/json', 'x-csrf-token': page.csrf ?? '' },
    });
    expect(noOrigin.status).toBe(403);
    const noCsrf = await page.post('/api/devices/zigbee%2Fplug/set', { state: 'OFF' }, { 'x-csrf-token': 'forged' });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.json).toMatchObject({ error: { code: 'WEB_CSRF_INVALID' } });
    const rebound = await page.request('/api/snapshot', { headers: { host: 'attacker.example' } });
    expect(rebound.status).toBe(403);
    expect(rebound.json).toMatchObject({ error: { code: 'WEB_HOST_REFUSED' } });
    const form = await page.request('/api/devices/zigbee%2Fplug/set', {
      method: 'POST',
      body: 'state=OFF',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: page.origin, 'x-csrf-token': page.csrf ?? '' },
    });
    expect(form.status).toBe(415);
    // none of them switched the plug
    expect(hub.network.byKind('plug').attribute('genOnOff', 'onOff')).toBe(1);

    // bounded: a body over uplink.maxPayloadBytes, a payload nested too deep
    const huge = await page.post('/api/request/device/rename', { from: 'x'.repeat(hub.config.uplink.maxPayloadBytes), to: 'y' });
    expect(huge.status).toBe(413);
    expect(huge.json).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    // an NVM restore may be larger (a 700-series NVM is 64 KiB in base64): read whole, and checked
    const restore = await page.post('/api/request/zwave/nvm/restore', { nvm: 7, pad: 'x'.repeat(hub.config.uplink.maxPayloadBytes) });
    expect(restore.json).toMatchObject({ status: 'error', error: { code: 'PAYLOAD_INVALID' } });
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = { a: deep };
    const nested = await page.post('/api/request/device/rename', deep);
    expect(nested.json).toMatchObject({ status: 'error', error: { code: 'PAYLOAD_INVALID' } });

    // a pulled Zigbee stick: the `health` frame right after the radio_state event says so
    const pulledAt = Date.now();
    hub.network.unplug();
    const radioEvent = await stream.waitFor(
      (frame) =>
        frame.event === 'event' &&
        (frame.data as { type: string; data: { radio?: string } }).type === 'radio_state' &&
        (frame.data as { data: { radio?: string } }).data.radio === 'zigbee',
      15_000,
      'radio_state zigbee',
    );
    const next = stream.frames[stream.frames.indexOf(radioEvent) + 1] ?? (await stream.waitFor((frame) => frame.event === 'health'));
    expect(next.event).toBe('health');
    expect(healthOf(next, 'radios.zigbee')).not.toBe('ok');
    console.log(`a pulled Zigbee stick on the health stream ${Date.now() - pulledAt} ms after the pull`);
    hub.network.plugIn();

    // a logout ends the session and its stream
    expect((await page.post('/api/logout', {})).status).toBe(200);
    expect((await page.request('/api/snapshot')).status).toBe(401);
    await waitClosed(stream);

    // no secret anywhere: answers, the snapshot, every frame of the stream
    const everything = [...page.texts, ...stranger.texts, stream.text].join('\n');
    expect(everything.length).toBeGreaterThan(10_000);
    for (const secret of hub.secrets) expect(everything).not.toContain(secret);
  });

  it('rate-limits failed logins per address (429 with Retry-After), the right token included, while others log in', async () => {
    const hub = await startWebHub({ login: { maxAttempts: 3, windowS: 60 } }, { radios: false });
    const client = new WebClient(hub.port);
    const from = { localAddress: '127.0.0.2' };
    const login = (token: string) =>
      client.request('/api/login', {
        ...from,
        method: 'POST',
        body: JSON.stringify({ token }),
        headers: { 'content-type': 'application/json', origin: client.origin },
      });
    for (let i = 0; i < 3; i++) expect((await login(`wrong-${i}`)).status).toBe(401);
    const limited = await login(hub.token);
    expect(limited.status).toBe(429);
    expect(limited.json).toMatchObject({ error: { code: 'WEB_LOGIN_LIMITED' } });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    // another address is not held back
    expect((await new WebClient(hub.port).login(hub.token)).status).toBe(200);
  });
});

function waitClosed(stream: EventReader): Promise<void> {
  return new Promise((resolve) => {
    if (stream.closed) resolve();
    else stream.response.on('close', () => resolve());
  });
}
