/** A device's page: its state live, its controls, its options, rename, room, remove and its radio's care actions. */
import { useEffect, useState } from 'preact/hooks';
import { request } from '../api';
import type { HubState } from '../live';
import { roomChanged, roomsOf } from '../live';
import { Controls } from '../parts/controls';
import { Outcome, useAction } from '../parts/notice';
import { CareActions } from '../parts/care';
import { DeviceOptions } from '../parts/device-options';
import type { Device, Room } from '../types';
import { ago, availabilityOf, radioName } from '../words';

export function DevicePage({ hub, id }: { hub: HubState; id: string }) {
  const device = hub.devices.find((known) => known.id === id || known.friendly_name === id);
  if (device === undefined)
    return (
      <section>
        <h1>Device not found</h1>
        <p>
          No device <code>{id}</code> on this hub (it may have been removed). <a href="#/devices">All devices</a>
        </p>
      </section>
    );
  const state = hub.states[device.id] ?? {};
  const availability = availabilityOf(hub, device);
  return (
    <section aria-labelledby="device-title" data-device={device.id}>
      <h1 id="device-title">{device.friendly_name}</h1>
      <p class="small">
        {radioName(device.radio)} · <code>{device.id}</code> · {device.definition?.description ?? device.model ?? 'unknown model'}
        {device.vendor === undefined ? '' : ` by ${device.vendor}`}
        {device.supported === false ? <span class="badge warn">unsupported: generic controls from its clusters</span> : null}
      </p>
      <p>
        <span class={`badge ${availability === 'online' ? 'good' : availability === 'offline' ? 'bad' : ''}`}>{availability}</span> last
        seen {ago(state.last_seen)} · room {device.room?.name ?? 'none'}
      </p>
      <h2>Controls</h2>
      <Controls deviceId={device.id} exposes={device.definition?.exposes ?? []} state={state} />
      <h2>State</h2>
      <dl class="facts state" aria-label="State" aria-live="polite">
        {Object.entries(state).map(([key, value]) => (
          <>
            <dt key={`${key}-k`}>{key}</dt>
            <dd key={`${key}-v`} data-state={key}>
              {typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)}
            </dd>
          </>
        ))}
      </dl>
      <h2>Name and room</h2>
      <RenameForm device={device} />
      <RoomForm device={device} rooms={roomsOf(hub)} />
      <h2>Options</h2>
      <DeviceOptions device={device} />
      <h2>Care</h2>
      <CareActions device={device} />
      <h2>Remove</h2>
      <RemoveDevice device={device} />
    </section>
  );
}

function RenameForm({ device }: { device: Device }) {
  const [name, setName] = useState(device.friendly_name);
  useEffect(() => setName(device.friendly_name), [device.friendly_name]);
  const action = useAction();
  return (
    <form
      class="inline"
      onSubmit={(e) => {
        e.preventDefault();
        void action.run(() => request('device/rename', { from: device.id, to: name.trim() }), `Renamed to ${name.trim()}.`);
      }}
    >
      <label for="rename">Name</label>
      <input id="rename" name="name" value={name} onInput={(e) => setName(e.currentTarget.value)} required maxLength={200} />
      <button type="submit" disabled={action.busy || name.trim() === device.friendly_name}>
        Rename
      </button>
      <Outcome action={action} />
    </form>
  );
}

function RoomForm({ device, rooms }: { device: Device; rooms: Room[] }) {
  const current = device.room?.id ?? '';
  const [choice, setChoice] = useState(current);
  const [created, setCreated] = useState('');
  useEffect(() => setChoice(current), [current]);
  const action = useAction();
  const move = async (): Promise<void> => {
    let target = choice;
    if (choice === '+') {
      const room = await request<Room>('room/create', { name: created.trim() });
      roomChanged(room);
      target = room.id;
    }
    if (target === '') {
      if (device.room !== null && device.room !== undefined)
        roomChanged(await request<Room>('room/remove_device', { room: device.room.id, device: device.id }));
      return;
    }
    roomChanged(await request<Room>('room/add_device', { room: target, device: device.id }));
  };
  return (
    <form
      class="inline"
      onSubmit={(e) => {
        e.preventDefault();
        void action.run(move, 'Room changed.');
      }}
    >
      <label for="room">Room</label>
      <select id="room" name="room" value={choice} onChange={(e) => setChoice(e.currentTarget.value)}>
        <option value="">no room</option>
        {rooms.map((room) => (
          <option key={room.id} value={room.id}>
            {room.name}
          </option>
        ))}
        <option value="+">a new room…</option>
      </select>
      {choice === '+' ? (
        <>
          <label for="new-room" class="sr-only">
            New room's name
          </label>
          <input
            id="new-room"
            name="new-room"
            placeholder="new room's name"
            value={created}
            onInput={(e) => setCreated(e.currentTarget.value)}
            required
          />
        </>
      ) : null}
      <button type="submit" disabled={action.busy || (choice === current && choice !== '+')}>
        Move
      </button>
      <Outcome action={action} />
    </form>
  );
}

function RemoveDevice({ device }: { device: Device }) {
  const [asked, setAsked] = useState(false);
  const action = useAction();
  const remove = async (): Promise<void> => {
    await request('device/remove', { id: device.id });
    location.hash = '#/devices';
  };
  return (
    <div>
      {device.radio === 'zwave' ? (
        <p class="small">A Z-Wave device that still answers must be excluded instead (Pairing page); remove only a dead one here.</p>
      ) : null}
      {asked ? (
        <p class="row">
          <span>Remove {device.friendly_name} from the hub?</span>
          <button type="button" class="danger" disabled={action.busy} onClick={() => void action.run(remove)}>
            Yes, remove it
          </button>
          <button type="button" onClick={() => setAsked(false)}>
            Keep it
          </button>
        </p>
      ) : (
        <button type="button" class="danger" onClick={() => setAsked(true)}>
          Remove device…
        </button>
      )}
      <Outcome action={action} />
    </div>
  );
}
