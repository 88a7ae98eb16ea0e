/** The devices page: every device with its radio, room, availability, last seen, battery and link quality; filters for the first three. */
import { useState } from 'preact/hooks';
import type { HubState } from '../live';
import { roomsOf } from '../live';
import { hrefOf } from '../route';
import { ago, availabilityOf, radioName } from '../words';

export function DevicesPage({ hub }: { hub: HubState }) {
  const [radio, setRadio] = useState('');
  const [room, setRoom] = useState('');
  const [available, setAvailable] = useState('');
  const [text, setText] = useState('');
  const radios = [...new Set(hub.devices.map((device) => device.radio))].sort();
  const rooms = roomsOf(hub);
  const shown = hub.devices
    .filter((device) => radio === '' || device.radio === radio)
    .filter((device) => room === '' || (room === '-' ? (device.room ?? null) === null : device.room?.id === room))
    .filter((device) => available === '' || availabilityOf(hub, device) === available)
    .filter(
      (device) => text === '' || `${device.friendly_name} ${device.id} ${device.model ?? ''}`.toLowerCase().includes(text.toLowerCase()),
    )
    .sort((a, b) => a.friendly_name.localeCompare(b.friendly_name));
  return (
    <section aria-labelledby="devices-title">
      <h1 id="devices-title">Devices</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter devices">
        <label>
          Radio
          <select value={radio} onChange={(e) => setRadio(e.currentTarget.value)} name="radio">
            <option value="">all</option>
            {radios.map((kind) => (
              <option key={kind} value={kind}>
                {radioName(kind)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Room
          <select value={room} onChange={(e) => setRoom(e.currentTarget.value)} name="room">
            <option value="">all</option>
            <option value="-">no room</option>
            {rooms.map((known) => (
              <option key={known.id} value={known.id}>
                {known.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Availability
          <select value={available} onChange={(e) => setAvailable(e.currentTarget.value)} name="availability">
            <option value="">all</option>
            <option value="online">online</option>
            <option value="offline">offline</option>
            <option value="unknown">unknown</option>
          </select>
        </label>
        <label>
          Name
          <input type="search" value={text} onInput={(e) => setText(e.currentTarget.value)} name="search" />
        </label>
      </form>
      <p class="small" aria-live="polite">
        {shown.length} of {hub.devices.length} devices
      </p>
      <table class="devices">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Radio</th>
            <th scope="col">Room</th>
            <th scope="col">Availability</th>
            <th scope="col">Last seen</th>
            <th scope="col">Battery</th>
            <th scope="col">Link</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((device) => {
            const state = hub.states[device.id] ?? {};
            const availability = availabilityOf(hub, device);
            return (
              <tr key={device.id} data-device={device.id}>
                <td data-label="Name">
                  <a href={hrefOf({ page: 'device', id: device.id })}>{device.friendly_name}</a>
                  {device.supported === false ? <span class="badge warn">unsupported</span> : null}
                  {device.interviewing === true ? <span class="badge">interviewing</span> : null}
                  <div class="small">{device.definition?.description ?? device.model ?? device.id}</div>
                </td>
                <td data-label="Radio">{radioName(device.radio)}</td>
                <td data-label="Room">{device.room?.name ?? '—'}</td>
                <td data-label="Availability">
                  <span class={`badge ${availability === 'online' ? 'good' : availability === 'offline' ? 'bad' : ''}`}>
                    {availability}
                  </span>
                </td>
                <td data-label="Last seen">{ago(state.last_seen)}</td>
                <td data-label="Battery">{typeof state.battery === 'number' ? `${state.battery} %` : '—'}</td>
                <td data-label="Link">{typeof state.linkquality === 'number' ? `${state.linkquality} LQI` : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
