import { describe, expect, it } from 'vitest';
import { Rooms, type RoomMemberView } from '../../src/devices/rooms.js';

const lamp1 = 'zigbee:0x0000000000000001';
const lamp2 = 'zigbee:0x0000000000000002';
const door = 'zigbee:0x0000000000000003';
const sensor = 'zwave:1:5';

function tracked(): { rooms: Rooms; changes: () => number } {
  let changes = 0;
  const rooms = new Rooms([], () => changes++);
  return { rooms, changes: () => changes };
}

describe('rooms', () => {
  it('creates, renames, lists and deletes rooms, reporting each change', () => {
    const { rooms, changes } = tracked();
    expect(rooms.create('Living Room')).toEqual({ id: 'living-room', name: 'Living Room', devices: [] });
    expect(rooms.create('Kitchen', 'kitchen')).toEqual({ id: 'kitchen', name: 'Kitchen', devices: [] });
    expect(rooms.rename('kitchen', '  Cuisine ')).toMatchObject({ id: 'kitchen', name: 'Cuisine' });
    expect(rooms.list().map((room) => room.id)).toEqual(['living-room', 'kitchen']);
    rooms.delete('living-room');
    expect(rooms.list().map((room) => room.id)).toEqual(['kitchen']);
    expect(changes()).toBe(4);
  });

  it('keeps device order, with O(1) membership, and puts a device in at most one room', () => {
    const { rooms } = tracked();
    rooms.create('Living', 'living');
    rooms.create('Hall', 'hall');
    rooms.addDevice('living', lamp1);
    rooms.addDevice('living', lamp2);
    rooms.addDevice('living', door, 0);
    expect(rooms.get('living').devices).toEqual([door, lamp1, lamp2]);
    expect(rooms.has('living', lamp2)).toBe(true);
    expect(rooms.roomOf(lamp2)?.id).toBe('living');
    expect(rooms.addDevice('living', lamp1).devices).toEqual([door, lamp1, lamp2]); // idempotent
    expect(() => rooms.addDevice('hall', lamp1)).toThrow(
      expect.objectContaining({ code: 'DEVICE_IN_OTHER_ROOM', message: `${lamp1} is in room "Living" (living); remove it there first` }),
    );
    rooms.removeDevice('living', lamp1);
    expect(rooms.addDevice('hall', lamp1).devices).toEqual([lamp1]);
    expect(rooms.get('living').devices).toEqual([door, lamp2]);
  });

  it("frees a deleted device from its room, and a deleted room's devices", () => {
    const { rooms } = tracked();
    rooms.create('Living', 'living');
    rooms.addDevice('living', lamp1);
    rooms.addDevice('living', lamp2);
    rooms.deviceRemoved(lamp1);
    expect(rooms.get('living').devices).toEqual([lamp2]);
    expect(rooms.roomOf(lamp1)).toBeUndefined();
    rooms.delete('living');
    expect(rooms.roomOf(lamp2)).toBeUndefined();
    rooms.create('Hall', 'hall');
    expect(rooms.addDevice('hall', lamp2).devices).toEqual([lamp2]);
  });

  it("finds a room by its name (any case, trimmed) as well as by its id; a name that is one room's id and another's name is ambiguous", () => {
    const { rooms } = tracked();
    rooms.create('Living Room');
    expect(rooms.addDevice('Living Room', lamp1)).toMatchObject({ id: 'living-room', devices: [lamp1] });
    expect(rooms.removeDevice(' living room ', lamp1).devices).toEqual([]);
    expect(rooms.rename('LIVING ROOM', 'Lounge')).toMatchObject({ id: 'living-room', name: 'Lounge' });
    expect(rooms.get('living-room').name).toBe('Lounge');
    rooms.create('Scullery', 'kitchen');
    rooms.create('Kitchen'); // its id becomes kitchen-2
    expect(() => rooms.addDevice('kitchen', lamp2)).toThrow(
      expect.objectContaining({
        code: 'ROOM_AMBIGUOUS',
        message:
          '"kitchen" is the id of room "Scullery" and the name of room kitchen-2: say "kitchen-2" for that one, "Scullery" for the other',
      }),
    );
    expect(rooms.addDevice('kitchen-2', lamp2).name).toBe('Kitchen');
    expect(rooms.delete('Scullery').id).toBe('kitchen');
    expect(rooms.get('kitchen').id).toBe('kitchen-2'); // no longer ambiguous
  });

  it('names what is wrong: unknown room, duplicate name or id, bad name, device not in the room', () => {
    const { rooms } = tracked();
    rooms.create('Kitchen');
    expect(() => rooms.get('attic')).toThrow(
      expect.objectContaining({ code: 'ROOM_NOT_FOUND', message: 'no room with id or name "attic"' }),
    );
    expect(() => rooms.create('kitchen')).toThrow(
      expect.objectContaining({ code: 'ROOM_EXISTS', message: 'a room named "Kitchen" already exists (id kitchen)' }),
    );
    expect(() => rooms.create('Other', 'kitchen')).toThrow(expect.objectContaining({ code: 'ROOM_EXISTS' }));
    expect(() => rooms.create('')).toThrow(
      expect.objectContaining({ code: 'ROOM_NAME_INVALID', message: 'room name "": expected at least 1 character' }),
    );
    expect(() => rooms.create('a/#')).toThrow(expect.objectContaining({ code: 'ROOM_NAME_INVALID' }));
    expect(() => rooms.create('Attic', 'Bad Id')).toThrow(
      expect.objectContaining({ code: 'ROOM_NAME_INVALID', message: expect.stringContaining('"Bad Id"') }),
    );
    expect(() => rooms.removeDevice('kitchen', lamp1)).toThrow(expect.objectContaining({ code: 'DEVICE_NOT_IN_ROOM' }));
    expect(() => rooms.rename('attic', 'x')).toThrow(expect.objectContaining({ code: 'ROOM_NOT_FOUND' }));
    expect(() => rooms.addDevice('attic', lamp1)).toThrow(expect.objectContaining({ code: 'ROOM_NOT_FOUND' }));
    expect(() => rooms.delete('attic')).toThrow(expect.objectContaining({ code: 'ROOM_NOT_FOUND' }));
  });

  it('gives a second room with a clashing id a numbered id', () => {
    const { rooms } = tracked();
    rooms.create('Bed room');
    expect(rooms.create('Bed-room!').id).toBe('bed-room-2');
  });

  it('derives the room state from its devices on request', () => {
    const { rooms } = tracked();
    rooms.create('Living', 'living');
    for (const device of [lamp1, lamp2, door, sensor]) rooms.addDevice('living', device);
    const states: Record<string, RoomMemberView> = {
      [lamp1]: { isLight: true, state: { state: 'ON', brightness: 100 } },
      [lamp2]: { isLight: true, state: { state: 'OFF' } },
      [door]: { isLight: false, state: { contact: false, battery: 90 } },
      [sensor]: { isLight: false, state: { temperature: 21.5, humidity: 40, occupancy: false } },
    };
    expect(rooms.stateOf('living', (id) => states[id])).toEqual({
      devices: 4,
      lights_on: 1,
      lights_off: 1,
      all_lights_on: false,
      any_light_on: true,
      any_contact_open: true,
      any_occupancy: false,
      temperature_avg: 21.5,
      humidity_avg: 40,
    });
    states[lamp2] = { isLight: true, state: { state: 'ON' } };
    states[door] = { isLight: false, state: { contact: true } };
    expect(rooms.stateOf('living', (id) => states[id])).toMatchObject({ all_lights_on: true, any_contact_open: false });
  });

  it('round-trips through its persisted form, refusing a device listed in two rooms', () => {
    const { rooms } = tracked();
    rooms.create('Living', 'living');
    rooms.addDevice('living', lamp1);
    const restored = new Rooms(JSON.parse(JSON.stringify(rooms)) as ReturnType<Rooms['list']>);
    expect(restored.list()).toEqual(rooms.list());
    const damaged = new Rooms([
      { id: 'a', name: 'A', devices: [lamp1] },
      { id: 'b', name: 'B', devices: [lamp1, lamp2] },
    ]);
    expect(damaged.roomOf(lamp1)?.id).toBe('a');
    expect(damaged.get('b').devices).toEqual([lamp2]);
  });
});
