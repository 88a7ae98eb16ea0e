/**
 * Three hubs (real `hearth start` processes, each with the simulated Z-Wave network and so the
 * same device ids and friendly names) on one Mosquitto with the fleet ACL of the README
 * (docs/fleet/mosquitto.acl and mosquitto.conf): every topic a hub writes is its own, discovery ids are unique
 * per hub, a command for one hub's device reaches no other hub's device of the same name, and
 * the hub whose discovery prefix lies outside its namespace is refused by the broker, logs it
 * with the topic, and goes on publishing the rest.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { writeConfig } from '../../support/config-file.js';
import { fleetBroker } from '../../support/fleet-broker.js';
import { cleanEnv, HearthProcess, repoRoot, type LogLine } from '../../support/hearth-process.js';
import { Mosquitto } from '../../support/mosquitto.js';
import { MqttWatch, type Received } from '../../support/mqtt-watch.js';
import { until } from '../../support/until.js';
import { checkDiscovery } from './ha-schema.js';

const HUBS = ['h1', 'h2', 'h3'] as const;
const password = (hub: string): string => `secret-${hub}`;

function latest(received: readonly Received[], topic: string): Record<string, unknown> | undefined {
  const last = received.filter((message) => message.topic === topic).at(-1);
  return last === undefined || last.payload === '' ? undefined : (JSON.parse(last.payload) as Record<string, unknown>);
}

describe('many hubs on one broker', () => {
  it('keeps each hub to its own topics, discovery ids and commands under the fleet ACL', async () => {
    const { acl, extraConfig } = await fleetBroker();
    // the README shows this very file
    expect(await readFile(join(repoRoot, 'README.md'), 'utf8')).toContain(acl.trim());
    const users: Record<string, string> = { homeassistant: 'ha-secret', cloud: 'cloud-secret', admin: 'admin-secret' };
    for (const hub of HUBS) users[hub] = password(hub);
    const broker = await Mosquitto.start({ users, acl, extraConfig, logPublishes: true });
    onTestFinished(() => broker.stop());
    const ha = await MqttWatch.connect(broker.url, 'homeassistant/#', { username: 'homeassistant', password: 'ha-secret' });
    const cloud = await MqttWatch.connect(broker.url, 'hearth/#', { username: 'cloud', password: 'cloud-secret' });
    // the cloud consumers only read: the fleet's commands come from the admin role
    const admin = await MqttWatch.connect(broker.url, 'hearth/+/bridge/state', { username: 'admin', password: 'admin-secret' });

    const hubs = new Map<string, HearthProcess>();
    for (const hub of HUBS) {
      const { file } = await writeConfig({
        hubId: hub,
        logging: { format: 'json', level: 'info' },
        metrics: { enabled: false },
        uplink: { port: broker.port, username: hub, password: password(hub), healthIntervalS: 0 },
        // the demo's door sensor sleeps until its first wake-up (30 s in): discovery waits 2 s for it, not the default 30 s
        radios: { zwave: { enabled: true, simulate: true }, settleMaxS: 2 },
        // h3's discovery prefix is outside what the ACL grants it
        ...(hub === 'h3' ? { homeassistant: { prefix: 'hass' } } : {}),
      });
      hubs.set(hub, new HearthProcess(['start', '--config', file], cleanEnv()));
    }
    const hubOf = (hub: string): HearthProcess => hubs.get(hub) as HearthProcess;
    // three hubs start side by side on a 2-core machine that runs other test files meanwhile
    await Promise.all(HUBS.map((hub) => hubOf(hub).waitForMessage('hearth is ready', 90_000)));
    // every hub's plug and switch are there, under the same names
    await until(
      () =>
        HUBS.every(
          (hub) =>
            latest(cloud.received, `hearth/${hub}/zwave/plug`) !== undefined &&
            latest(cloud.received, `hearth/${hub}/zwave/switch`) !== undefined,
        ),
      30_000,
      "every hub's devices",
    );

    // discovery: h1's and h2's configs, each under its own node, its ids and topics its own
    const plugConfig = (hub: string) =>
      ha.received.find((m) => m.topic.startsWith(`homeassistant/switch/hearth-${hub}/`) && m.payload.includes('"zwave/plug"'));
    await until(() => plugConfig('h1') !== undefined && plugConfig('h2') !== undefined, 30_000, "the plugs' discovery");
    const discovered = () =>
      ha.received.filter((m) => m.payload !== '' && m.topic.endsWith('/config')).map((m) => checkDiscovery(m.topic, m.payload));
    // the same devices (the same object ids) on both hubs: wait for both hubs' discovery to be complete
    const objects = (hub: string): Set<string> =>
      new Set(
        discovered()
          .filter((c) => c.nodeId === `hearth-${hub}`)
          .map((c) => c.objectId),
      );
    const shared = (): string[] => [...objects('h1')].filter((object) => objects('h2').has(object));
    await until(() => shared().length >= 5, 30_000, "both hubs' discovery of the same devices");
    const configs = discovered();
    expect(new Set(configs.map((c) => c.nodeId))).toEqual(new Set(['hearth-h1', 'hearth-h2']));
    for (const { nodeId, config } of configs) {
      const hub = nodeId.slice('hearth-'.length);
      expect(String(config.unique_id)).toMatch(new RegExp(`^hearth_${hub}_`));
      for (const key of ['state_topic', 'command_topic'])
        if (config[key] !== undefined) expect(config[key]).toMatch(new RegExp(`^hearth/${hub}/`));
      for (const { topic } of (config.availability ?? []) as { topic: string }[]) expect(topic).toMatch(new RegExp(`^hearth/${hub}/`));
      expect((config.device as { identifiers: string[] }).identifiers[0]).toMatch(new RegExp(`^hearth_${hub}_`));
    }
    // the same device ids on every hub, yet one unique id per config topic
    const idByTopic = new Map(
      ha.received
        .filter((m) => m.payload !== '' && m.topic.endsWith('/config'))
        .map((m) => [m.topic, (JSON.parse(m.payload) as { unique_id: string }).unique_id]),
    );
    expect(new Set(idByTopic.values()).size).toBe(idByTopic.size);

    // commands: the same friendly name on three hubs, each command reaches one device
    const on = (hub: string, device: string): boolean => latest(cloud.received, `hearth/${hub}/zwave/${device}`)?.state === 'ON';
    await admin.client.publishAsync('hearth/h2/zwave/plug/set', '{"state":"ON"}', { qos: 1 });
    await until(() => on('h2', 'plug'), 30_000, "h2's plug on");
    await admin.client.publishAsync('hearth/h3/zwave/switch/set', '{"state":"ON"}', { qos: 1 });
    await until(() => on('h3', 'switch'), 30_000, "h3's switch on");
    // Home Assistant's command for h1's plug, on the topic h1's discovery gave it
    const h1Plug = JSON.parse(plugConfig('h1')?.payload ?? '{}') as { command_topic: string; payload_on: string };
    await ha.client.publishAsync(h1Plug.command_topic, h1Plug.payload_on, { qos: 1 });
    await until(() => on('h1', 'plug'), 30_000, "h1's plug on");
    // no fixed wait for a stray command: an empty /get to every device goes through its actor after any command that
    // reached it, and its answer (the hub's state, published even when unchanged) comes after what that command changed
    const settled = async (hub: string, device: string): Promise<void> => {
      const topic = `hearth/${hub}/zwave/${device}`;
      const count = () => cloud.received.filter((message) => message.topic === topic).length;
      const before = count();
      await admin.client.publishAsync(`${topic}/get`, '', { qos: 1 });
      await until(() => count() > before, 30_000, `${topic} after its /get`);
    };
    await Promise.all(HUBS.flatMap((hub) => ['plug', 'switch'].map((device) => settled(hub, device))));
    expect({
      h1: [on('h1', 'plug'), on('h1', 'switch')],
      h2: [on('h2', 'plug'), on('h2', 'switch')],
      h3: [on('h3', 'plug'), on('h3', 'switch')],
    }).toEqual({
      h1: [true, false],
      h2: [true, false],
      h3: [false, true],
    });
    // each hub carried out exactly its own command
    for (const hub of HUBS) {
      const sets = cloud.received
        .filter((m) => m.topic.startsWith(`hearth/${hub}/`) && !m.topic.endsWith('/set') && m.payload.includes('"state":"ON"'))
        .map((m) => m.topic);
      expect(new Set(sets), hub).toEqual(new Set([`hearth/${hub}/zwave/${hub === 'h3' ? 'switch' : 'plug'}`]));
    }

    // Home Assistant's birth reaches the hubs that discover into its prefix
    await ha.client.publishAsync('homeassistant/status', 'online', { qos: 1 });
    const birth = (line: LogLine): boolean => line.msg === 'Home Assistant is online; republishing discovery and states';
    await Promise.all(['h1', 'h2'].map((hub) => hubOf(hub).waitForLine(birth, 30_000)));

    // the broker's own account: every publish it accepted from a hub was within the hub's namespace
    const accepted = [...broker.log.matchAll(/Received PUBLISH from (h\d) \([^']*'([^']*)'/g)].map(([, hub, topic]) => ({
      hub: hub as string,
      topic: topic as string,
    }));
    expect(new Set(accepted.map((a) => a.hub))).toEqual(new Set(HUBS));
    for (const { hub, topic } of accepted)
      expect(
        topic.startsWith(`hearth/${hub}/`) || (topic.startsWith(`homeassistant/`) && topic.split('/')[2] === `hearth-${hub}`),
        `${hub} wrote ${topic}`,
      ).toBe(true);
    // h3 tried its discovery outside its namespace: the broker denied it, h3 logged it with the topic and went on
    const denied = [...broker.log.matchAll(/Denied PUBLISH from (h\d) \([^']*'([^']*)'/g)].map(([, hub, topic]) => ({
      hub,
      topic: topic as string,
    }));
    expect(denied.length).toBeGreaterThan(0);
    expect(denied.every((d) => d.hub === 'h3' && d.topic.startsWith('hass/'))).toBe(true);
    const refused = await hubOf('h3').waitForLine(
      (line) => line.level === 'warn' && String(line.msg).startsWith('the broker refused a publish to hass/'),
      5000,
    );
    expect(refused).toMatchObject({
      topic: expect.stringMatching(/^hass\/[a-z_]+\/hearth-h3\/[A-Za-z0-9_-]+\/config$/),
      reasonCode: '0x87',
    });
    expect(denied.map((d) => d.topic)).toContain(refused.topic);
    // refusals do not hold up h3's outbox: it published on after the first of them
    const firstDenied = broker.log.indexOf('Denied PUBLISH from h3 ');
    expect(broker.log.indexOf('Received PUBLISH from h3 ', firstDenied)).toBeGreaterThan(firstDenied);

    await Promise.all(
      HUBS.map(async (hub) => {
        hubOf(hub).signal('SIGTERM');
        expect((await hubOf(hub).exited).code).toBe(0);
      }),
    );
  }, 240_000);
});
