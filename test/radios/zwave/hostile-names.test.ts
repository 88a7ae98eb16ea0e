/**
 * A Z-Wave node's own name (Node Naming and Location CC, read by the real zwave-js driver from
 * the mock node) becomes its friendly name only when the name rule allows it: a hostile one is
 * not used (the id stays the name), logged once with DEVICE_NAME_INVALID and said in the
 * device_joined event, and the hub stays connected to Mosquitto.
 */
import { describe, expect, it } from 'vitest';
import type { SimulatedMember } from '../../../src/radios/zwave/simulator/simulated-devices.js';
import { HOSTILE_NAMES } from '../../support/hostile-names.js';
import { captureLog } from '../../support/log-capture.js';
import { until } from '../../support/until.js';
import { nodeIdOf, startZWaveHub } from './support.js';

// one of each kind of the shared list (every node's interview costs the test time): the five
// characters Mosquitto was seen to drop the hub for, a lone surrogate, a wildcard, an empty
// segment, the reserved names and an id-shaped one
const PICKED = [
  'evil\u0001name',
  'del\u007fname',
  'nel\u0085name',
  'non\uffffchar',
  'a\ufdd0b',
  'lone\ud800high',
  'a#b',
  'a//b',
  'bridge/state',
  'door/availability',
  'lamp/set',
  'zwave:1:2',
];
const HOSTILE = HOSTILE_NAMES.map(([name]) => name).filter((name) => PICKED.includes(name));

describe('Z-Wave node names', () => {
  it('refuses a hostile Node Naming name: the id stays the name, logged once, and the hub stays connected', async () => {
    const members: SimulatedMember[] = [
      { kind: 'switch', name: 'hall/switch' },
      { kind: 'switch', name: 'HALL/switch' },
      ...HOSTILE.map((name) => ({ kind: 'switch' as const, name })),
    ];
    expect(HOSTILE).toHaveLength(PICKED.length);
    const capture = captureLog();
    const { devices, watch, broker, link } = await startZWaveHub(members, { log: capture.log, broker: { logConnections: true } });
    const last = members.length + 1;
    await until(() => devices.device(nodeIdOf(last)) !== undefined, 60_000, `every node registered (${devices.size} of ${members.length})`);

    expect(devices.device(nodeIdOf(2))?.friendlyName).toBe('hall/switch');
    expect(devices.device(nodeIdOf(3))?.friendlyName).toBe(nodeIdOf(3)); // taken (case-insensitively)
    for (let node = 4; node <= last; node++)
      expect(devices.device(nodeIdOf(node))?.friendlyName, JSON.stringify(HOSTILE[node - 4])).toBe(nodeIdOf(node));

    const joined = (id: string) => watch.waitFor('hearth/zw/bridge/event', (p) => p.includes('device_joined') && p.includes(`"${id}"`));
    expect(JSON.parse((await joined(nodeIdOf(3))).payload)).toMatchObject({
      data: { friendly_name: nodeIdOf(3), refused_name: { code: 'DEVICE_NAME_TAKEN' } },
    });
    for (let node = 4; node <= last; node++) {
      const event = JSON.parse((await joined(nodeIdOf(node))).payload) as { data: { refused_name: { code: string; message: string } } };
      expect(event.data.refused_name.code, JSON.stringify(HOSTILE[node - 4])).toBe('DEVICE_NAME_INVALID');
      expect(event.data.refused_name.message.length).toBeLessThan(400);
      const logged = capture.warnings('carries a name that is not used').filter((line) => line.device === nodeIdOf(node));
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatchObject({ code: 'DEVICE_NAME_INVALID' });
    }

    // the valid command after them works, on the id-named topic
    await watch.client.publishAsync(`hearth/zw/${nodeIdOf(4)}/set`, '{"state":"ON"}', { qos: 1 });
    await watch.waitFor(`hearth/zw/${nodeIdOf(4)}`, (p) => p.includes('"state":"ON"'));
    expect(broker.log).not.toContain('malformed');
    expect(link.reconnectAttempts).toBe(0);
    expect(capture.warnings('lost the broker')).toEqual([]);
    // one hub interviews a dozen nodes: on a loaded 2-core machine that outlasts the default 60 s
  }, 120_000);
});
