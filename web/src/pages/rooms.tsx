/** Rooms: create, rename, delete, and which devices are in each (assigning a device moves it out of its old room). */
import { useState } from 'preact/hooks';
import { request } from '../api';
import type { HubState } from '../live';
import { roomChanged, roomsOf } from '../live';
import { Outcome, useAction } from '../parts/notice';
import { hrefOf } from '../route';
import type { Room } from '../types';

export function RoomsPage({ hub }: { hub: HubState }) {
  const rooms = roomsOf(hub);
  const [name, setName] = useState('');
  const create = useAction();
  return (
    <section aria-labelledby="rooms-title">
      <h1 id="rooms-title">Rooms</h1>
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          void create.run(async () => {
            roomChanged(await request<Room>('room/create', { name: name.trim() }));
            setName('');
          }, `Room ${name.trim()} created.`);
        }}
      >
        <label for="room-name">New room</label>
        <input id="room-name" name="room-name" value={name} onInput={(e) => setName(e.currentTarget.value)} required maxLength={100} />
        <button type="submit" disabled={create.busy}>
          Create
        </button>
      </form>
      <Outcome action={create} />
      {rooms.length === 0 ? <p class="small">No rooms yet.</p> : null}
      <ul class="cards rooms">
        {rooms.map((room) => (
          <RoomCard key={room.id} room={room} hub={hub} />
        ))}
      </ul>
    </section>
  );
}

function RoomCard({ room, hub }: { room: Room; hub: HubState }) {
  const [name, setName] = useState(room.name);
  const [adding, setAdding] = useState('');
  const action = useAction();
  const members = room.devices.map((id) => hub.devices.find((device) => device.id === id) ?? { id, friendly_name: id });
  const others = hub.devices
    .filter((device) => !room.devices.includes(device.id))
    .sort((a, b) => a.friendly_name.localeCompare(b.friendly_name));
  return (
    <li class="card" data-room={room.id}>
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(async () => roomChanged(await request<Room>('room/rename', { id: room.id, name: name.trim() })), 'Renamed.');
        }}
      >
        <label for={`rn-${room.id}`} class="sr-only">
          Name of room {room.name}
        </label>
        <input id={`rn-${room.id}`} value={name} onInput={(e) => setName(e.currentTarget.value)} required />
        <button type="submit" disabled={action.busy || name.trim() === room.name}>
          Rename
        </button>
        <button
          type="button"
          class="danger"
          disabled={action.busy}
          onClick={() => void action.run(async () => roomChanged(await request<Room>('room/delete', { id: room.id }), true))}
        >
          Delete room
        </button>
      </form>
      <ul class="members">
        {members.map((device) => (
          <li key={device.id}>
            <a href={hrefOf({ page: 'device', id: device.id })}>{device.friendly_name}</a>{' '}
            <button
              type="button"
              class="small-button"
              aria-label={`Take ${device.friendly_name} out of ${room.name}`}
              onClick={() =>
                void action.run(async () => roomChanged(await request<Room>('room/remove_device', { room: room.id, device: device.id })))
              }
            >
              take out
            </button>
          </li>
        ))}
        {members.length === 0 ? <li class="small">no devices</li> : null}
      </ul>
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          if (adding === '') return;
          void action.run(async () => {
            roomChanged(await request<Room>('room/add_device', { room: room.id, device: adding }));
            setAdding('');
          });
        }}
      >
        <label for={`add-${room.id}`} class="sr-only">
          Device to put in {room.name}
        </label>
        <select id={`add-${room.id}`} value={adding} onChange={(e) => setAdding(e.currentTarget.value)}>
          <option value="">put a device here…</option>
          {others.map((device) => (
            <option key={device.id} value={device.id}>
              {device.friendly_name}
              {device.room === null || device.room === undefined ? '' : ` (in ${device.room.name})`}
            </option>
          ))}
        </select>
        <button type="submit" disabled={action.busy || adding === ''}>
          Add
        </button>
      </form>
      <Outcome action={action} />
    </li>
  );
}
