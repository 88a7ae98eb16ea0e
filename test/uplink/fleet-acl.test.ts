/**
 * The fleet broker of the README (docs/fleet/mosquitto.acl and mosquitto.conf) on a real
 * Mosquitto with a real `hearth start`: another hub's credentials cannot take the hub's client
 * id (the hub is never disconnected), the cloud consumers read states but never a backup, and
 * cannot ask for one, open joining or answer a Z-Wave inclusion; the admin role can.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { describe, expect, it, onTestFinished } from 'vitest';
import { writeConfig } from '../support/config-file.js';
import { fleetBroker } from '../support/fleet-broker.js';
import { cleanEnv, HearthProcess, repoRoot } from '../support/hearth-process.js';
import { Mosquitto } from '../support/mosquitto.js';
import { MqttWatch } from '../support/mqtt-watch.js';
import { until } from '../support/until.js';

describe('the fleet ACL', () => {
  it("binds each hub's client id to its user and keeps backups, joining and inclusion answers from the cloud consumers", async () => {
    const { acl, extraConfig } = await fleetBroker();
    const readme = await readFile(join(repoRoot, 'README.md'), 'utf8');
    expect(readme).toContain(acl.trim());
    expect(readme).toContain((await readFile(join(repoRoot, 'docs/fleet/mosquitto.conf'), 'utf8')).trim());
    const users = { h1: 'secret-h1', h2: 'secret-h2', admin: 'admin-secret', cloud: 'cloud-secret' };
    const broker = await Mosquitto.start({ users, acl, extraConfig, logPublishes: true });
    onTestFinished(() => broker.stop());
    const { file } = await writeConfig({
      hubId: 'h1',
      logging: { format: 'json', level: 'info' },
      metrics: { enabled: false },
      uplink: { port: broker.port, username: 'h1', password: users.h1, healthIntervalS: 0 },
      radios: { zigbee: { enabled: true, simulate: true } },
    });
    const hub = new HearthProcess(['start', '--config', file], cleanEnv());
    onTestFinished(() => hub.signal('SIGKILL'));
    await hub.waitForMessage('hearth is ready', 30_000);
    const admin = await MqttWatch.connect(broker.url, 'hearth/#', { username: 'admin', password: users.admin });
    const cloud = await MqttWatch.connect(broker.url, 'hearth/#', {
      username: 'cloud',
      password: users.cloud,
      protocolVersion: 5,
    } as never);
    await cloud.waitFor('hearth/h1/bridge/state', '{"state":"online"}');

    // h2's credentials with h1's client id: connected, but as h2; h1 keeps its session
    const intruder = await connectAsync(broker.url, {
      username: 'h2',
      password: users.h2,
      clientId: 'hearth-h1',
      clean: false,
      reconnectPeriod: 0,
    });
    onTestFinished(() => intruder.endAsync(true));
    await until(
      () => /New client connected from \S+ as \S+ \([^)]*u'h2'\)/.test(broker.log),
      5000,
      "the intruder's connect in the broker's log",
    );
    expect(broker.log).toMatch(/New client connected from \S+ as h2 \(/);
    expect(broker.log).not.toMatch(/already connected, closing old connection/);
    // still h1's session: it answers, and never lost the broker
    await admin.client.publishAsync('hearth/h1/bridge/request/health_check', '{"transaction":"after-intruder"}', { qos: 1 });
    await admin.waitFor('hearth/h1/bridge/response/health_check', (payload) => payload.includes('after-intruder'));
    expect(hub.lines.filter((line) => line.msg === 'lost the broker; reconnecting')).toEqual([]);
    expect(hub.lines.filter((line) => line.msg === 'connected to the broker')).toHaveLength(1);

    // the admin gets the backup, with the key when asked; the cloud never sees one
    await admin.client.publishAsync('hearth/h1/bridge/request/backup', '{"transaction":"b1","include_network_key":true}', { qos: 1 });
    const backup = JSON.parse((await admin.waitFor('hearth/h1/bridge/response/backup')).payload) as {
      status: string;
      data: { zigbee: { network_key: { key?: string } } };
    };
    expect(backup.status).toBe('ok');
    expect(backup.data.zigbee.network_key.key).toMatch(/^[0-9a-f]{32}$/);
    // the cloud, read-only: its requests are refused by the broker (MQTT 5: not authorized) and never reach the hub
    for (const [command, payload] of [
      ['backup', '{"include_network_key":true}'],
      ['permit_join', '{"value":true,"time":60}'],
      ['zwave/grant_security', '{"securityClasses":["S2_AccessControl"]}'],
      ['device/remove', '{"id":"zigbee/bulb"}'],
    ] as const) {
      await cloud.client.publishAsync(`hearth/h1/bridge/request/${command}`, payload, { qos: 1 }).catch(() => undefined);
    }
    await until(
      () => (broker.log.match(/Denied PUBLISH from cloud/g) ?? []).length >= 4,
      5000,
      "the broker denying the cloud's four requests",
    );
    // a later answer on the same hub: everything the hub published before it has reached the cloud
    await admin.client.publishAsync('hearth/h1/bridge/request/health_check', '{"transaction":"last"}', { qos: 1 });
    await cloud.waitFor('hearth/h1/bridge/response/health_check', (payload) => payload.includes('"last"'));
    expect(
      cloud.received.filter((m) => m.topic.includes('/bridge/response/') && !m.topic.endsWith('/health_check')).map((m) => m.topic),
    ).toEqual([]);
    expect(cloud.received.some((m) => m.payload.includes(backup.data.zigbee.network_key.key ?? 'no key'))).toBe(false);
    expect(
      admin.received
        .filter((m) => m.topic.startsWith('hearth/h1/bridge/response/') && !m.topic.endsWith('/health_check'))
        .map((m) => m.topic),
    ).toEqual(['hearth/h1/bridge/response/backup']);
    expect(admin.received.some((m) => m.topic === 'hearth/h1/bridge/event' && m.payload.includes('permit_join_changed'))).toBe(false);
    // and the cloud still reads the hub's states
    expect(cloud.received.some((m) => m.topic.startsWith('hearth/h1/zigbee/'))).toBe(true);

    hub.signal('SIGTERM');
    expect((await hub.exited).code).toBe(0);
  }, 60_000);
});
