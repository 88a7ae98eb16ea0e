/** The hub page: its radios and their breakers, the uplink and the outbox, memory, version, and what is wrong in plain words. */
import type { HubState } from '../live';
import type { PartHealth } from '../types';
import { bytes, duration, hubWarnings, radioName, radiosOf } from '../words';

export function HubPage({ hub }: { hub: HubState }) {
  const radios = radiosOf(hub);
  const warnings = [...radios.flatMap((radio) => (radio.warning === undefined ? [] : [radio.warning])), ...hubWarnings(hub)];
  const parts = hub.health.health?.parts ?? {};
  const uplink = parts.uplink;
  const outbox = hub.health.outbox;
  const memory = hub.health.memory ?? hub.info.memory;
  return (
    <section aria-labelledby="hub-title">
      <h1 id="hub-title">Hub {hub.info.hub_id ?? ''}</h1>
      {warnings.length === 0 ? (
        <p class="ok-line">Everything is working.</p>
      ) : (
        <ul class="warnings" aria-label="Warnings">
          {warnings.map((warning) => (
            <li key={warning} role="alert">
              {warning}
            </li>
          ))}
        </ul>
      )}
      <h2>Radios</h2>
      <ul class="cards" aria-label="Radios">
        {radios.map((radio) => (
          <li key={radio.radio} class={`card radio ${radio.up ? 'up' : 'down'}`} data-radio={radio.radio}>
            <h3>{radioName(radio.radio)}</h3>
            <p>
              <span class={`badge ${radio.up ? 'good' : 'bad'}`} data-testid={`radio-${radio.radio}`}>
                {radio.up ? 'up' : 'down'}
              </span>{' '}
              {radio.breaker === undefined ? null : <span>breaker {radio.breaker.replace('_', '-')}</span>}
            </p>
            {radio.part === undefined ? null : <PartFacts part={radio.part} />}
          </li>
        ))}
        {radios.length === 0 ? <li class="card">No radio is enabled.</li> : null}
      </ul>
      <h2>Uplink</h2>
      <dl class="facts">
        <dt>Broker</dt>
        <dd>
          {typeof uplink?.broker === 'string' ? uplink.broker : '—'}{' '}
          {uplink === undefined ? null : (
            <span class={`badge ${uplink.status === 'ok' ? 'good' : 'bad'}`}>{uplink.status === 'ok' ? 'connected' : uplink.status}</span>
          )}
        </dd>
        <dt>MQTT</dt>
        <dd>{hub.info.mqtt?.version ?? '—'}</dd>
        <dt>Outbox</dt>
        <dd data-testid="outbox">
          {outbox?.messages ?? 0} {(outbox?.messages ?? 0) === 1 ? 'message' : 'messages'}, {bytes(outbox?.bytes ?? 0)}
          {(outbox?.oldest_ms ?? 0) > 0 ? `, oldest ${duration(outbox?.oldest_ms ?? 0)}` : ''}
        </dd>
      </dl>
      <h2>This hub</h2>
      <dl class="facts">
        <dt>Version</dt>
        <dd data-testid="version">{hub.info.version ?? '—'}</dd>
        <dt>Base topic</dt>
        <dd>{hub.info.base_topic ?? '—'}</dd>
        <dt>Memory</dt>
        <dd>
          {memory?.rss_bytes === undefined ? 'not reported' : `${bytes(memory.rss_bytes)} resident, ${bytes(memory.heap_used_bytes)} heap`}
        </dd>
        <dt>Devices</dt>
        <dd>{hub.devices.length}</dd>
        <dt>Live updates</dt>
        <dd>{hub.live ? 'connected' : 'reconnecting…'}</dd>
      </dl>
    </section>
  );
}

const SHOWN = ['devices', 'nodes', 'pins', 'unsupported', 'backend'];

function PartFacts({ part }: { part: PartHealth }) {
  const facts = SHOWN.filter((key) => part[key] !== undefined).map((key) => `${key} ${String(part[key])}`);
  return (
    <>
      {facts.length === 0 ? null : <p class="small">{facts.join(' · ')}</p>}
      {typeof part.detail === 'string' ? <p class="small">{part.detail}</p> : null}
    </>
  );
}
