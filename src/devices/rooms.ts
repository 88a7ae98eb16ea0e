/**
 * Rooms: each has a stable id, a name and an ordered list of devices; a device is in at most
 * one room. Membership is O(1) (a set beside the ordered list, and a device-to-room index),
 * as the seed's deviceMap beside its slice. Every change is reported to `onChange` so the store
 * can persist it. A request names a room by its id or by its name (names are unique, compared
 * case-insensitively; a name matching one room's id and another's name is ROOM_AMBIGUOUS). A room's state (lights on, a contact open, mean temperature) is derived on
 * request from its devices' states, never stored.
 */
import { ErrorCode, HearthError } from '../errors.js';
import { nameMessage, nameProblem, ROOM_NAME_MAX } from '../model/name-rule.js';

export interface RoomData {
  id: string;
  name: string;
  devices: string[];
}

export interface RoomState {
  devices: number;
  lights_on: number;
  lights_off: number;
  all_lights_on: boolean;
  any_light_on: boolean;
  any_contact_open: boolean;
  any_occupancy: boolean;
  temperature_avg?: number;
  humidity_avg?: number;
}

/** What a derived room state needs to know of a device. */
export interface RoomMemberView {
  /** The device's last state values. */
  state: Readonly<Record<string, unknown>> | undefined;
  /** Whether its `state` attribute is a light's or a switch's (it counts as a light). */
  isLight: boolean;
}

class Room {
  readonly order: string[] = [];
  readonly members = new Set<string>();

  constructor(
    readonly id: string,
    public name: string,
  ) {}

  toJSON(): RoomData {
    return { id: this.id, name: this.name, devices: [...this.order] };
  }
}

const ROOM_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** A room name follows the name rule every name follows (name-rule.ts), trimmed, 1-64 characters. */
function checkName(name: unknown): string {
  const clean = typeof name === 'string' ? name.trim() : name;
  const problem = nameProblem(clean, ROOM_NAME_MAX);
  if (problem !== undefined) throw new HearthError(ErrorCode.RoomNameInvalid, nameMessage('room name', name, problem));
  return clean as string;
}

/** A room id from a name: "Living Room" → "living-room". */
export function roomIdFrom(name: string): string {
  const slug = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
  return slug.length > 0 ? slug : 'room';
}

export class Rooms {
  private readonly rooms = new Map<string, Room>();
  private readonly roomOfDevice = new Map<string, Room>();

  constructor(
    data: readonly RoomData[] = [],
    private readonly onChange: () => void = () => undefined,
  ) {
    for (const entry of data) {
      const room = new Room(entry.id, entry.name);
      this.rooms.set(room.id, room);
      for (const device of entry.devices) {
        if (this.roomOfDevice.has(device)) continue; // a damaged file cannot put a device in two rooms
        room.order.push(device);
        room.members.add(device);
        this.roomOfDevice.set(device, room);
      }
    }
  }

  /** The room `ref` names: its id, or its name (trimmed, case-insensitive). */
  private room(ref: string): Room {
    const byId = this.rooms.get(ref);
    const name = typeof ref === 'string' ? ref.trim().toLowerCase() : '';
    let byName: Room | undefined;
    for (const room of this.rooms.values()) if (room.name.toLowerCase() === name) byName = room;
    if (byId !== undefined && byName !== undefined && byId !== byName) {
      throw new HearthError(
        ErrorCode.RoomAmbiguous,
        `${JSON.stringify(ref)} is the id of room ${JSON.stringify(byId.name)} and the name of room ${byName.id}: say ${JSON.stringify(byName.id)} for that one, ${JSON.stringify(byId.name)} for the other`,
      );
    }
    const room = byId ?? byName;
    if (room === undefined) throw new HearthError(ErrorCode.RoomNotFound, `no room with id or name ${JSON.stringify(ref)}`);
    return room;
  }

  private assertNameFree(name: string, except?: Room): void {
    for (const room of this.rooms.values()) {
      if (room !== except && room.name.toLowerCase() === name.toLowerCase()) {
        throw new HearthError(ErrorCode.RoomExists, `a room named ${JSON.stringify(room.name)} already exists (id ${room.id})`);
      }
    }
  }

  create(name: string, id?: string): RoomData {
    const clean = checkName(name);
    this.assertNameFree(clean);
    let roomId = id ?? roomIdFrom(clean);
    if (!ROOM_ID.test(roomId))
      throw new HearthError(
        ErrorCode.RoomNameInvalid,
        `room id: expected 1-64 of a-z 0-9 _ - starting with a letter or digit, got ${JSON.stringify(roomId)}`,
      );
    if (this.rooms.has(roomId)) {
      if (id !== undefined) throw new HearthError(ErrorCode.RoomExists, `a room with id ${JSON.stringify(id)} already exists`);
      let n = 2;
      while (this.rooms.has(`${roomId}-${n}`)) n++;
      roomId = `${roomId}-${n}`;
    }
    const room = new Room(roomId, clean);
    this.rooms.set(roomId, room);
    this.onChange();
    return room.toJSON();
  }

  rename(id: string, name: string): RoomData {
    const room = this.room(id);
    const clean = checkName(name);
    this.assertNameFree(clean, room);
    room.name = clean;
    this.onChange();
    return room.toJSON();
  }

  /** Deletes a room; its devices belong to no room afterwards. */
  delete(ref: string): RoomData {
    const room = this.room(ref);
    for (const device of room.order) this.roomOfDevice.delete(device);
    this.rooms.delete(room.id);
    this.onChange();
    return room.toJSON();
  }

  /** Adds a device at the end (or at `position`); fails if it is in another room. */
  addDevice(id: string, deviceId: string, position?: number): RoomData {
    const room = this.room(id);
    const current = this.roomOfDevice.get(deviceId);
    if (current === room) return room.toJSON();
    if (current !== undefined) {
      throw new HearthError(
        ErrorCode.DeviceInOtherRoom,
        `${deviceId} is in room ${JSON.stringify(current.name)} (${current.id}); remove it there first`,
      );
    }
    const at = position === undefined ? room.order.length : Math.max(0, Math.min(room.order.length, Math.trunc(position)));
    room.order.splice(at, 0, deviceId);
    room.members.add(deviceId);
    this.roomOfDevice.set(deviceId, room);
    this.onChange();
    return room.toJSON();
  }

  removeDevice(id: string, deviceId: string): RoomData {
    const room = this.room(id);
    if (!room.members.has(deviceId))
      throw new HearthError(ErrorCode.DeviceNotInRoom, `${deviceId} is not in room ${JSON.stringify(room.name)} (${room.id})`);
    this.detach(room, deviceId);
    this.onChange();
    return room.toJSON();
  }

  /** A device was deleted: it leaves its room, if it had one. */
  deviceRemoved(deviceId: string): void {
    const room = this.roomOfDevice.get(deviceId);
    if (room === undefined) return;
    this.detach(room, deviceId);
    this.onChange();
  }

  private detach(room: Room, deviceId: string): void {
    room.members.delete(deviceId);
    room.order.splice(room.order.indexOf(deviceId), 1);
    this.roomOfDevice.delete(deviceId);
  }

  /** The room of a device, O(1). */
  roomOf(deviceId: string): RoomData | undefined {
    return this.roomOfDevice.get(deviceId)?.toJSON();
  }

  has(id: string, deviceId: string): boolean {
    return this.rooms.get(id)?.members.has(deviceId) ?? false;
  }

  get(id: string): RoomData {
    return this.room(id).toJSON();
  }

  list(): RoomData[] {
    return [...this.rooms.values()].map((room) => room.toJSON());
  }

  /** The room's state, derived now from its devices. */
  stateOf(id: string, view: (deviceId: string) => RoomMemberView | undefined): RoomState {
    const room = this.room(id);
    const state: RoomState = {
      devices: room.order.length,
      lights_on: 0,
      lights_off: 0,
      all_lights_on: false,
      any_light_on: false,
      any_contact_open: false,
      any_occupancy: false,
    };
    const temperatures: number[] = [];
    const humidities: number[] = [];
    for (const deviceId of room.order) {
      const member = view(deviceId);
      const values = member?.state;
      if (values === undefined) continue;
      if (member?.isLight === true && typeof values.state === 'string') {
        if (values.state.toUpperCase() === 'ON') state.lights_on++;
        else state.lights_off++;
      }
      if (values.contact === false) state.any_contact_open = true; // Zigbee2MQTT: contact true = closed
      if (values.occupancy === true) state.any_occupancy = true;
      if (typeof values.temperature === 'number') temperatures.push(values.temperature);
      if (typeof values.humidity === 'number') humidities.push(values.humidity);
    }
    state.any_light_on = state.lights_on > 0;
    state.all_lights_on = state.lights_on > 0 && state.lights_off === 0;
    const mean = (list: number[]) => Math.round((list.reduce((a, b) => a + b, 0) / list.length) * 100) / 100;
    if (temperatures.length > 0) state.temperature_avg = mean(temperatures);
    if (humidities.length > 0) state.humidity_avg = mean(humidities);
    return state;
  }

  toJSON(): RoomData[] {
    return this.list();
  }
}
