/** Pairing: permit join for a chosen time with a live countdown, the devices as they join and are interviewed, the Z-Wave S2 questions answered here, and Z-Wave exclusion. */
import { useEffect, useState } from 'preact/hooks';
import { request } from '../api';
import { exclusionAnswered, type HubState, type JoinWindow } from '../live';
import { hrefOf } from '../route';
import { Outcome, useAction } from '../parts/notice';
import { ZWavePromptForm } from '../parts/zwave-prompt';
import type { BridgeEvent } from '../types';
import { radioName } from '../words';

const TIMES = [30, 60, 120, 180, 254];

/** The time now, the page drawn again every second (for the countdowns). */
function useNow(): number {
  const [, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((tick) => tick + 1), 1000);
    return () => clearInterval(timer);
  }, []);
  return Date.now();
}

function secondsLeft(window: JoinWindow | undefined, now: number): number {
  return window?.value === true ? Math.max(0, Math.ceil((window.until - now) / 1000)) : 0;
}

export function PairingPage({ hub }: { hub: HubState }) {
  const now = useNow();
  const [time, setTime] = useState(60);
  const join = useAction();
  const exclusion = useAction();
  const radios = [...new Set(hub.devices.map((device) => device.radio))].filter((radio) => radio !== 'gpio');
  const hasZWave = radios.includes('zwave') || Object.keys(hub.health.health?.parts ?? {}).includes('radios.zwave');
  const open = Object.entries(hub.joins).filter(([, window]) => secondsLeft(window, now) > 0);
  const excluding = secondsLeft(hub.exclusion.zwave, now);
  return (
    <section aria-labelledby="pairing-title">
      <h1 id="pairing-title">Pairing</h1>
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          void join.run(() => request('permit_join', { value: true, time }));
        }}
      >
        <label for="join-time">Allow new devices for</label>
        <select id="join-time" value={String(time)} onChange={(e) => setTime(Number(e.currentTarget.value))}>
          {TIMES.map((seconds) => (
            <option key={seconds} value={String(seconds)}>
              {seconds} s
            </option>
          ))}
        </select>
        <button type="submit" disabled={join.busy}>
          Permit join
        </button>
        {open.length === 0 ? null : (
          <button type="button" disabled={join.busy} onClick={() => void join.run(() => request('permit_join', { value: false }))}>
            Stop
          </button>
        )}
      </form>
      <Outcome action={join} />
      <p aria-live="polite" data-testid="join-countdown">
        {open.length === 0
          ? 'Joining is closed.'
          : open
              .map(
                ([radio, window]) =>
                  `${radioName(radio)}: joining open${window.until === Number.POSITIVE_INFINITY ? '' : `, ${secondsLeft(window, now)} s left`}`,
              )
              .join(' · ')}
      </p>
      {hub.prompt === undefined ? null : <ZWavePromptForm prompt={hub.prompt} />}
      <h2>Joined while this page was open</h2>
      <JoinLog events={hub.pairing} hub={hub} />
      {hasZWave ? (
        <>
          <h2>Z-Wave exclusion</h2>
          <p class="small">Takes a Z-Wave device out of the network: start, then press the device's button.</p>
          <p class="row">
            {excluding > 0 ? (
              <>
                <span aria-live="polite">Exclusion on, {excluding} s left</span>
                <button
                  type="button"
                  onClick={() => void exclusion.run(async () => exclusionAnswered(await request('zwave/exclusion', { value: false })))}
                >
                  Stop exclusion
                </button>
              </>
            ) : (
              <button
                type="button"
                disabled={exclusion.busy}
                onClick={() =>
                  void exclusion.run(async () => exclusionAnswered(await request('zwave/exclusion', { value: true, time: 60 })))
                }
              >
                Start exclusion (60 s)
              </button>
            )}
          </p>
          <Outcome action={exclusion} />
        </>
      ) : null}
    </section>
  );
}

function JoinLog({ events, hub }: { events: BridgeEvent[]; hub: HubState }) {
  if (events.length === 0) return <p class="small">No device has joined yet. Put the device in pairing mode while joining is open.</p>;
  return (
    <ol class="join-log" aria-live="polite">
      {events.map((event, index) => {
        const id =
          typeof event.data.id === 'string' ? event.data.id : typeof event.data.ieee_address === 'string' ? event.data.ieee_address : '';
        const device = hub.devices.find((known) => known.id === id || known.ieee_address === id);
        const name = device?.friendly_name ?? (typeof event.data.friendly_name === 'string' ? event.data.friendly_name : id);
        return (
          <li key={`${index}-${event.type}`} data-event={event.type}>
            {device === undefined ? <strong>{name}</strong> : <a href={hrefOf({ page: 'device', id: device.id })}>{name}</a>}{' '}
            {describe(event)}
          </li>
        );
      })}
    </ol>
  );
}

function describe(event: BridgeEvent): string {
  const data = event.data;
  switch (event.type) {
    case 'device_joined':
      return 'joined; interviewing…';
    case 'device_interview':
      if (data.status === 'successful')
        return data.supported === false ? 'interviewed: not supported, generic controls only' : 'interviewed: ready';
      if (data.status === 'failed') return `interview failed${typeof data.message === 'string' ? `: ${data.message}` : ''}`;
      return 'interview started';
    case 'device_leave':
      return 'left the network';
    case 'device_refused':
      return `refused: ${String(data.message ?? data.reason)}`;
    case 'device_name_refused':
      return 'keeps its id as its name (the name it carries was refused)';
    default:
      return event.type.replace(/_/g, ' ');
  }
}
