/**
 * The page's picture of the hub: loaded once from /api/snapshot, then kept current by the
 * event stream (/api/events, server-sent events; no polling). Holds what the pages show —
 * devices, rooms, states, health, open permit-join windows, the Z-Wave question waiting for an
 * answer, the latest pairing events — and tells the pages when it changed.
 */
import { useEffect, useState } from 'preact/hooks';
import { snapshot } from './api';
import type { BridgeEvent, Device, DeviceState, Health, Info, Room } from './types';

export interface JoinWindow {
  value: boolean;
  /** Milliseconds since the epoch when the window closes (page clock). */
  until: number;
}

export interface ZWavePrompt {
  kind: 'grant' | 'dsk';
  data: Record<string, unknown>;
}

export interface HubState {
  loaded: boolean;
  /** The event stream is open. */
  live: boolean;
  info: Info;
  health: Health;
  devices: Device[];
  groups: unknown[];
  rules: unknown[];
  rooms: Room[] | undefined;
  states: Record<string, DeviceState>;
  availability: Record<string, string>;
  /** Radios whose last radio_state event said they are not running, with its words. */
  radioDown: Record<string, string | undefined>;
  joins: Record<string, JoinWindow>;
  exclusion: Record<string, JoinWindow>;
  prompt: ZWavePrompt | undefined;
  /** Pairing events, newest first, at most 50. */
  pairing: BridgeEvent[];
}

const initial = (): HubState => ({
  loaded: false,
  live: false,
  info: {},
  health: {},
  devices: [],
  groups: [],
  rules: [],
  rooms: undefined,
  states: {},
  availability: {},
  radioDown: {},
  joins: {},
  exclusion: {},
  prompt: undefined,
  pairing: [],
});

let state: HubState = initial();
const listeners = new Set<() => void>();

function update(change: Partial<HubState>): void {
  state = { ...state, ...change };
  for (const listener of listeners) listener();
}

export function hubState(): HubState {
  return state;
}

/** The hub's state in a component; re-renders it on every change. */
export function useHub(): HubState {
  const [, setTick] = useState(0);
  useEffect(() => {
    const listener = (): void => setTick((tick) => tick + 1);
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, []);
  return state;
}

const PAIRING_EVENTS = new Set([
  'device_joined',
  'device_interview',
  'device_leave',
  'device_refused',
  'device_announce',
  'device_name_refused',
]);

function windowOf(data: Record<string, unknown>): JoinWindow {
  if (data.value !== true) return { value: false, until: 0 };
  return { value: true, until: typeof data.time === 'number' ? Date.now() + data.time * 1000 : Number.POSITIVE_INFINITY };
}

/** Applies one bridge event to the picture. */
export function applyEvent(event: BridgeEvent): void {
  const data = event.data ?? {};
  const radio = typeof data.radio === 'string' ? data.radio : 'zigbee';
  if (PAIRING_EVENTS.has(event.type)) update({ pairing: [event, ...state.pairing].slice(0, 50) });
  switch (event.type) {
    case 'permit_join_changed':
      update({ joins: { ...state.joins, [radio]: windowOf(data) } });
      break;
    case 'exclusion_changed': {
      // the page that asked knows how long it runs (exclusionAnswered); another one counts the default minute
      const known = state.exclusion[radio];
      const until = data.value !== true ? 0 : known?.value === true && known.until > Date.now() ? known.until : Date.now() + 60_000;
      update({ exclusion: { ...state.exclusion, [radio]: { value: data.value === true, until } } });
      break;
    }
    case 'zwave_grant_security':
      update({ prompt: { kind: 'grant', data } });
      break;
    case 'zwave_validate_dsk':
      update({ prompt: { kind: 'dsk', data } });
      break;
    case 'zwave_inclusion_aborted':
      update({ prompt: undefined });
      break;
    case 'radio_state': {
      const running = data.state === 'running';
      const words = running ? undefined : `${String(data.state)}${typeof data.error === 'string' ? `: ${data.error}` : ''}`;
      update({ radioDown: { ...state.radioDown, [radio]: words } });
      break;
    }
    default:
      break;
  }
}

/** The hub took a zwave/exclusion request: its answer says how long it runs (exclusion_changed says only that it runs). */
export function exclusionAnswered(answer: { value?: boolean; time?: number }): void {
  const open = answer.value === true;
  update({ exclusion: { ...state.exclusion, zwave: { value: open, until: open ? Date.now() + (answer.time ?? 60) * 1000 : 0 } } });
}

/** The answer to the open question was taken: the page stops asking. */
export function promptAnswered(): void {
  update({ prompt: undefined });
}

/** A room/* answer: the room as it is now (kept until the hub sends the rooms itself). */
export function roomChanged(room: Room, deleted = false): void {
  const rooms = (state.rooms ?? derivedRooms()).filter((known) => known.id !== room.id);
  update({ rooms: deleted ? rooms : [...rooms, room].sort((a, b) => a.name.localeCompare(b.name)) });
}

function derivedRooms(): Room[] {
  const rooms = new Map<string, Room>();
  for (const device of state.devices) {
    if (device.room === null || device.room === undefined) continue;
    const room = rooms.get(device.room.id) ?? { ...device.room, devices: [] };
    room.devices.push(device.id);
    rooms.set(room.id, room);
  }
  return [...rooms.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** The rooms: the hub's list when it sends one, else those the devices name and the page has changed. */
export function roomsOf(hub: HubState): Room[] {
  return hub.rooms ?? derivedRooms();
}

function parse(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}

/** A health document, and the radios it shows running again no longer marked down by an earlier radio_state. */
function withHealth(health: Health): Partial<HubState> {
  const radioDown = { ...state.radioDown };
  for (const [name, part] of Object.entries(health.health?.parts ?? {}))
    if (name.startsWith('radios.') && part.status === 'ok') delete radioDown[name.slice('radios.'.length)];
  return { health, radioDown };
}

function fromSnapshot(body: Record<string, unknown>): Partial<HubState> {
  const availability = (body.availability as Record<string, string> | undefined) ?? {};
  const permit = (body.permit_join as Record<string, { value?: boolean; until_ms?: number }> | undefined) ?? {};
  const joins: Record<string, JoinWindow> = {};
  // until_ms is the hub's wall clock; a window without one is open until the radio says it closed
  for (const [radio, window] of Object.entries(permit))
    joins[radio] = { value: window.value === true, until: window.value === true ? (window.until_ms ?? Number.POSITIVE_INFINITY) : 0 };
  const prompt = body.zwave_prompt as BridgeEvent | null | undefined;
  return {
    loaded: true,
    info: (body.info as Info | undefined) ?? {},
    ...withHealth((body.health as Health | undefined) ?? {}),
    devices: (body.devices as Device[] | undefined) ?? [],
    groups: (body.groups as unknown[] | undefined) ?? [],
    rules: (body.rules as unknown[] | undefined) ?? [],
    rooms: body.rooms as Room[] | undefined,
    states: (body.states as Record<string, DeviceState> | undefined) ?? {},
    availability,
    ...(Object.keys(joins).length === 0 ? {} : { joins }),
    ...(prompt === null || prompt === undefined
      ? {}
      : { prompt: { kind: prompt.type === 'zwave_validate_dsk' ? 'dsk' : 'grant', data: prompt.data } }),
  };
}

let stream: EventSource | undefined;

/** Loads the snapshot and opens the event stream (which starts with a fresh snapshot, at each reconnect too). */
export async function connect(onClosed: () => void): Promise<void> {
  disconnect();
  update(fromSnapshot((await snapshot()) as Record<string, unknown>));
  const source = new EventSource('/api/events');
  stream = source;
  source.addEventListener('open', () => update({ live: true }));
  source.addEventListener('error', () => {
    update({ live: false });
    // the browser retries by itself (and the stream starts again with a snapshot) unless the hub refused it: a session that ended
    if (source.readyState === EventSource.CLOSED) onClosed();
  });
  const on = (type: string, apply: (value: unknown) => void): void =>
    source.addEventListener(type, (message) => {
      const value = parse((message as MessageEvent<string>).data);
      if (value !== undefined) apply(value);
    });
  on('snapshot', (value) => update(fromSnapshot(value as Record<string, unknown>)));
  on('devices', (value) => update({ devices: value as Device[] }));
  on('groups', (value) => update({ groups: value as unknown[] }));
  on('rules', (value) => update({ rules: value as unknown[] }));
  on('rooms', (value) => update({ rooms: value as Room[] }));
  on('health', (value) => update(withHealth(value as Health)));
  on('state', (value) => {
    const { id, state: deviceState } = value as { id: string; state: DeviceState };
    update({ states: { ...state.states, [id]: deviceState } });
  });
  on('availability', (value) => {
    const { id, state: available } = value as { id: string; state: string | { state: string } };
    update({ availability: { ...state.availability, [id]: typeof available === 'string' ? available : available.state } });
  });
  on('event', (value) => applyEvent(value as BridgeEvent));
}

export function disconnect(): void {
  stream?.close();
  stream = undefined;
  state = initial();
}
