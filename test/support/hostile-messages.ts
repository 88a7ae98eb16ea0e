/**
 * Hostile MQTT messages for the hardening test and the `fuzz` bench, from a seeded random
 * source: deep nesting, huge key counts, oversized payloads, wrong types, prototype keys,
 * unknown commands, binary junk and hostile names, aimed at `bridge/request/*` and
 * `<device>/set` (`/set/<attribute>`, `/get`). Each says whether the hub answers it on the
 * message's MQTT 5 response topic (all do, but for a packet too big for the hub's Maximum
 * Packet Size, which the broker drops).
 */
import { maximumPacketSizeFor } from '../../src/uplink/mqtt-link.js';

export interface HostileMessage {
  kind: string;
  /** Below the base topic. */
  topic: string;
  payload: Buffer;
  /** Whether an answer comes on the response topic. */
  answered: boolean;
}

export interface HostileTargets {
  /** A device commands go to. */
  device: string;
  /** The id of a device the hostile renames may rename (not `device`). */
  victimId: string;
  maxPayloadBytes: number;
}

/** A small seeded PRNG (mulberry32): the same seed, the same messages. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DEEP_ARRAY = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
const DEEP_OBJECT = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
const manyKeys = (count: number) => JSON.stringify(Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, 1])));
const MANY_KEYS = manyKeys(5000);
const SOME_KEYS = manyKeys(900);
const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype'];
/** Names that are hostile but cannot get the hub itself disconnected (those are the name rule's own tests). */
const HOSTILE_NAMES = [
  'bridge/state',
  'bridge',
  'a/set',
  'b/get',
  'c/availability',
  '__proto__',
  'constructor',
  '',
  ' ',
  'a//b',
  '/lead',
  'trail/',
  'zigbee:0x00158d0001ffffff',
  'n'.repeat(20_000),
  'ünï/çødé',
  '😀/🔥',
];
const CONTROL_NAMES = ['evil\u0001name', 'del\u007f', 'nel\u0085', 'nonchar\uffff', 'nonchar\ufdd0', 'nul\u0000'];
const REQUESTS = [
  'permit_join',
  'device/rename',
  'device/remove',
  'device/options',
  'room/create',
  'room/add_device',
  'health_check',
  'zwave/validate_dsk',
];

export function hostileMessage(random: () => number, targets: HostileTargets): HostileMessage {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const { device } = targets;
  const commandTopics = [`${device}/set`, `${device}/set/state`, `bridge/request/${pick(REQUESTS)}`];
  const text = (kind: string, topic: string, payload: string, answered = true): HostileMessage => ({
    kind,
    topic,
    payload: Buffer.from(payload),
    answered,
  });
  switch (Math.floor(random() * 11)) {
    case 0:
      return text('deep_nesting', pick([...commandTopics, `${device}/get`]), pick([DEEP_ARRAY, DEEP_OBJECT]));
    case 1:
      return random() < 0.5
        ? text('many_keys', pick(commandTopics), MANY_KEYS)
        : text(
            'many_keys',
            pick([`${device}/set`, 'bridge/request/device/options']),
            random() < 0.5 ? SOME_KEYS : JSON.stringify({ id: device, options: JSON.parse(SOME_KEYS) as unknown }),
          );
    case 2: {
      // past maxPayloadBytes but within the packet size: answered PAYLOAD_TOO_LARGE; past the packet size: dropped by the broker
      const dropped = random() < 0.1;
      const size = dropped
        ? maximumPacketSizeFor(targets.maxPayloadBytes) + 1024
        : targets.maxPayloadBytes + 1 + Math.floor(random() * 1000);
      return {
        kind: dropped ? 'oversized_dropped' : 'oversized',
        topic: pick(commandTopics),
        payload: Buffer.alloc(size, 0x78),
        answered: !dropped,
      };
    }
    case 3:
      return random() < 0.5
        ? text(
            'wrong_types',
            `${device}/set`,
            pick(['{"state":5}', '{"state":[1,2]}', '{"state":{"on":true}}', 'null', '[]', '42', '"ON"', 'true', '{"state":null}']),
          )
        : text(
            'wrong_types',
            pick(['bridge/request/permit_join', 'bridge/request/device/rename', 'bridge/request/room/create']),
            pick(['{"value":"yes"}', '{"from":5,"to":[]}', '{"name":{}}', '[1,2]', '"x"', '{"value":true,"time":1e309}']),
          );
    case 4: {
      const name = pick(PROTOTYPE_NAMES);
      return pick([
        text('prototype_keys', `${device}/set`, `{"${name}":{"state":"ON"}}`),
        text('prototype_keys', `${device}/set/${name}`, 'ON'),
        text('prototype_keys', `bridge/request/${name}`, '{}'),
        text('prototype_keys', 'bridge/request/device/rename', JSON.stringify({ from: name, to: 'x' })),
        text('prototype_keys', `${name}/set`, '{"state":"ON"}'),
        text('prototype_keys', 'bridge/request/room/create', JSON.stringify({ name })),
      ]);
    }
    case 5:
      return text(
        'unknown_command',
        pick([
          'bridge/request/reboot',
          `bridge/request/x/${Math.floor(random() * 1e9)}`,
          'bridge/request/device/ota_update/check',
          `bridge/request/${'z'.repeat(500)}`,
        ]),
        '{}',
      );
    case 6: {
      const bytes = Buffer.alloc(1 + Math.floor(random() * 300));
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(random() * 256);
      // never empty after trimming: an empty /get asks for the state, which has no answer of its own
      bytes[0] = 0x01;
      return { kind: 'binary_junk', topic: pick(commandTopics), payload: bytes, answered: true };
    }
    case 7:
      return text('hostile_name', 'bridge/request/device/rename', JSON.stringify({ from: targets.victimId, to: pick(HOSTILE_NAMES) }));
    case 8:
      return text('hostile_name', 'bridge/request/device/rename', JSON.stringify({ from: 'nobody', to: pick(CONTROL_NAMES) }));
    case 9:
      return text(
        'hostile_name',
        pick(['bridge/request/room/create', 'bridge/request/device/options']),
        JSON.stringify({
          name: pick([...HOSTILE_NAMES, ...CONTROL_NAMES]),
          id: pick(['__proto__', 'constructor', 'x'.repeat(5000)]),
          options: {},
        }),
      );
    default:
      return text('unknown_device', `${pick(['nobody', 'x'.repeat(3000), 'a/b/c'])}/set`, '{"state":"ON"}');
  }
}
