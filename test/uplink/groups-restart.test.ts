/**
 * Groups made over MQTT survive the hub's deaths: the real `hearth` command (a child process,
 * the simulated Zigbee network of the demo), groups and members created with Zigbee2MQTT's
 * requests, the process SIGKILLed right after the last answer, started again, stopped cleanly,
 * started again: each time `bridge/groups` (published afresh by the new process) lists exactly
 * the groups and members that were acknowledged.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { writeConfig } from '../support/config-file.js';
import { cleanEnv, HearthProcess } from '../support/hearth-process.js';
import { Mosquitto } from '../support/mosquitto.js';
import { MqttWatch } from '../support/mqtt-watch.js';
import { until } from '../support/until.js';

interface GroupDoc {
  id: number;
  friendly_name: string;
  members: { ieee_address: string; endpoint: number }[];
}

let transactions = 0;
/** The simulated Hue ambiance light's one endpoint (simulated-models.ts), its definition's default. */
const AMBIANCE_ENDPOINT = 11;

describe('groups across SIGKILL and clean restarts', () => {
  it('keeps every acknowledged group and member, bridge/groups identical after each restart', async () => {
    const broker = await Mosquitto.start();
    onTestFinished(() => broker.stop());
    const { file } = await writeConfig({
      hubId: 'gk',
      logging: { format: 'json', level: 'info' },
      metrics: { enabled: false },
      homeassistant: { enabled: false },
      uplink: { port: broker.port, healthIntervalS: 0 },
      radios: { zigbee: { enabled: true, simulate: true } },
    });
    const watch = await MqttWatch.connect(broker.url, 'hearth/gk/#');
    const start = async (): Promise<HearthProcess> => {
      // the new process's own bridge/groups, not the one the broker kept
      await watch.client.publishAsync('hearth/gk/bridge/groups', '', { qos: 1, retain: true });
      const from = watch.received.length;
      const hub = new HearthProcess(['start', '--config', file], cleanEnv());
      await hub.waitForMessage('hearth is ready', 90_000);
      await until(
        () => watch.received.slice(from).some((m) => m.topic === 'hearth/gk/bridge/groups' && m.payload !== ''),
        30_000,
        'bridge/groups from the new process',
      );
      return hub;
    };
    const groupsNow = (): GroupDoc[] => {
      const payload = watch.received.filter((m) => m.topic === 'hearth/gk/bridge/groups' && m.payload !== '').at(-1)?.payload;
      return (JSON.parse(payload ?? '[]') as GroupDoc[]).map(({ id, friendly_name, members }) => ({
        id,
        friendly_name,
        members: members.map(({ ieee_address, endpoint }) => ({ ieee_address, endpoint })),
      }));
    };
    const ask = async (command: string, body: Record<string, unknown>): Promise<Record<string, unknown>> => {
      const transaction = `g${++transactions}`;
      const answer = watch.waitFor(`hearth/gk/bridge/response/${command}`, (p) => p.includes(`"transaction":"${transaction}"`), 30_000);
      await watch.client.publishAsync(`hearth/gk/bridge/request/${command}`, JSON.stringify({ ...body, transaction }), { qos: 1 });
      const parsed = JSON.parse((await answer).payload) as Record<string, unknown>;
      expect(parsed, `${command} ${JSON.stringify(body)}`).toMatchObject({ status: 'ok' });
      return parsed;
    };

    let hub = await start();
    await until(
      () => ['zigbee/bulb', 'zigbee/ambiance', 'zigbee/plug'].every((name) => watch.received.some((m) => m.topic === `hearth/gk/${name}`)),
      60_000,
      'the demo devices',
    );
    const ieee = (name: string): string => {
      const devices = JSON.parse(watch.received.filter((m) => m.topic === 'hearth/gk/bridge/devices').at(-1)?.payload ?? '[]') as {
        friendly_name: string;
        ieee_address: string;
      }[];
      const found = devices.find((device) => device.friendly_name === name);
      if (found === undefined) throw new Error(`${name} is not in bridge/devices`);
      return found.ieee_address;
    };
    await until(
      () => watch.received.some((m) => m.topic === 'hearth/gk/bridge/devices' && m.payload.includes('zigbee/plug')),
      30_000,
      'bridge/devices',
    );

    await ask('group/add', { friendly_name: 'downstairs' });
    await ask('group/add', { friendly_name: 'upstairs', id: 7 });
    await ask('group/members/add', { group: 'downstairs', device: 'zigbee/bulb' });
    await ask('group/members/add', { group: 'downstairs', device: 'zigbee/ambiance' });
    await ask('group/members/add', { group: 7, device: 'zigbee/plug' });
    await ask('group/add', { friendly_name: 'spare' });
    await ask('group/remove', { id: 'spare' });
    await ask('group/members/remove', { group: 'downstairs', device: 'zigbee/ambiance' });
    await ask('group/rename', { from: 'upstairs', to: 'attic' });
    // killed at once after the last answer, before anything else may happen
    hub.signal('SIGKILL');
    expect((await hub.exited).signal).toBe('SIGKILL');

    const acknowledged: GroupDoc[] = [
      { id: 1, friendly_name: 'downstairs', members: [{ ieee_address: ieee('zigbee/bulb'), endpoint: 1 }] },
      { id: 7, friendly_name: 'attic', members: [{ ieee_address: ieee('zigbee/plug'), endpoint: 1 }] },
    ];
    hub = await start();
    const afterKill = groupsNow();
    expect(afterKill).toEqual(acknowledged);

    // a clean stop and a start: identical again
    hub.signal('SIGTERM');
    expect((await hub.exited).code).toBe(0);
    hub = await start();
    expect(groupsNow()).toEqual(afterKill);

    // and a second kill after more changes
    await ask('group/members/add', { group: 'attic', device: 'zigbee/ambiance' });
    hub.signal('SIGKILL');
    await hub.exited;
    hub = await start();
    expect(groupsNow()).toEqual([
      acknowledged[0],
      {
        ...acknowledged[1],
        members: [...(acknowledged[1] as GroupDoc).members, { ieee_address: ieee('zigbee/ambiance'), endpoint: AMBIANCE_ENDPOINT }],
      },
    ]);
    hub.signal('SIGTERM');
    expect((await hub.exited).code).toBe(0);
  }, 300_000);
});
