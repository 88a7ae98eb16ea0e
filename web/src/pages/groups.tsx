/**
 * Groups (README "Groups"): each group as `bridge/groups` lists it, with its members (linked to
 * their pages) and On / Off buttons that send the group's `<group>/set` (one Zigbee group command
 * for its Zigbee members), the state the hub answers shown beside them; a new group is made with
 * `group/add`, a device put in it with `group/members/add` and taken out with `group/members/remove`.
 */
import { useState } from 'preact/hooks';
import { request, setDevice } from '../api';
import type { HubState } from '../live';
import { Outcome, useAction } from '../parts/notice';
import { hrefOf } from '../route';

interface GroupMember {
  id: string;
  friendly_name: string;
  endpoint?: number;
}

interface GroupView {
  id: number;
  friendly_name: string;
  members: GroupMember[];
}

export function GroupsPage({ hub }: { hub: HubState }) {
  const groups = hub.groups as GroupView[];
  const [name, setName] = useState('');
  const action = useAction();
  return (
    <section aria-labelledby="groups-title">
      <h1 id="groups-title">Groups</h1>
      <p class="small">A group is switched with one command: its Zigbee members hear it in one frame, the others each get it.</p>
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(() => request('group/add', { friendly_name: name.trim() }), 'Group added.').then((ok) => ok && setName(''));
        }}
      >
        <label>
          New group <input value={name} onInput={(e) => setName(e.currentTarget.value)} required maxLength={200} />
        </label>{' '}
        <button type="submit" disabled={action.busy || name.trim() === ''}>
          Add group
        </button>
        <Outcome action={action} />
      </form>
      {groups.length === 0 ? <p class="small">No groups yet.</p> : null}
      <ul class="cards groups">
        {groups.map((group) => (
          <GroupCard key={group.id} group={group} hub={hub} />
        ))}
      </ul>
    </section>
  );
}

function GroupCard({ group, hub }: { group: GroupView; hub: HubState }) {
  const action = useAction();
  const [state, setState] = useState<string | undefined>(undefined);
  const [adding, setAdding] = useState('');
  const members = new Set(group.members.map((member) => member.id));
  const candidates = hub.devices.filter((device) => !members.has(device.id)).sort((a, b) => a.friendly_name.localeCompare(b.friendly_name));
  const send = (wanted: 'ON' | 'OFF'): void => {
    void action.run(async () => {
      await setDevice(group.friendly_name, { state: wanted });
      setState(wanted);
    });
  };
  return (
    <li class="card" data-group={group.id}>
      <h2>{group.friendly_name}</h2>
      <p class="small">
        Group {group.id} · {group.members.length} {group.members.length === 1 ? 'member' : 'members'}
        {state === undefined ? '' : ` · switched ${state}`}
      </p>
      <ul class="members" aria-label={`Members of ${group.friendly_name}`}>
        {group.members.map((member) => (
          <li key={`${member.id}-${member.endpoint ?? ''}`}>
            <a href={hrefOf({ page: 'device', id: member.id })}>{member.friendly_name}</a>{' '}
            <button
              type="button"
              class="link"
              disabled={action.busy}
              aria-label={`Take ${member.friendly_name} out of ${group.friendly_name}`}
              onClick={() => void action.run(() => request('group/members/remove', { group: group.id, device: member.id }), 'Taken out.')}
            >
              take out
            </button>
          </li>
        ))}
      </ul>
      <p>
        <button type="button" disabled={action.busy || group.members.length === 0} onClick={() => send('ON')}>
          On
        </button>{' '}
        <button type="button" disabled={action.busy || group.members.length === 0} onClick={() => send('OFF')}>
          Off
        </button>
      </p>
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          void action
            .run(() => request('group/members/add', { group: group.id, device: adding }), 'Added.')
            .then((ok) => ok && setAdding(''));
        }}
      >
        <label>
          Add a device{' '}
          <select value={adding} onChange={(e) => setAdding(e.currentTarget.value)} aria-label={`Device to add to ${group.friendly_name}`}>
            <option value="">choose…</option>
            {candidates.map((device) => (
              <option key={device.id} value={device.id}>
                {device.friendly_name}
              </option>
            ))}
          </select>
        </label>{' '}
        <button type="submit" disabled={action.busy || adding === ''}>
          Add
        </button>
      </form>
      <Outcome action={action} />
    </li>
  );
}
