/** Rules: each local rule as `bridge/rules` lists it — whether it runs, its firings, last firing and last error — with a switch to enable or disable it (`rule/set`, the request its Home Assistant switch sends). */
import { useEffect, useState } from 'preact/hooks';
import { request } from '../api';
import type { HubState } from '../live';
import { Outcome, useAction } from '../parts/notice';

interface RuleView {
  id: string;
  enabled: boolean;
  state: 'active' | 'disabled' | 'suspended' | 'invalid';
  source: 'config' | 'mqtt';
  firings: number;
  last_fired?: string;
  last_error?: { code: string; message: string; at: string };
  problems?: string[];
}

const STATES: Record<RuleView['state'], string> = {
  active: 'runs',
  disabled: 'disabled',
  suspended: 'suspended: it fired too often (a loop?); enable it again to restart it',
  invalid: 'cannot run',
};

export function RulesPage({ hub }: { hub: HubState }) {
  const rules = hub.rules as RuleView[];
  return (
    <section aria-labelledby="rules-title">
      <h1 id="rules-title">Rules</h1>
      <p class="small">Rules run on the hub itself, with or without the broker. They are written in the config file or over MQTT.</p>
      {rules.length === 0 ? <p class="small">No rules yet.</p> : null}
      <ul class="cards rules">
        {rules.map((rule) => (
          <RuleCard key={rule.id} rule={rule} />
        ))}
      </ul>
    </section>
  );
}

function RuleCard({ rule }: { rule: RuleView }) {
  const action = useAction();
  const label = `Rule ${rule.id} enabled`;
  // the switch follows the click at once, and the hub's word (bridge/rules) once it comes, or at once when the request fails
  const [enabled, setEnabled] = useState(rule.enabled);
  useEffect(() => setEnabled(rule.enabled), [rule.enabled]);
  return (
    <li class="card" data-rule={rule.id}>
      <h2>{rule.id}</h2>
      <p data-field="state">
        {STATES[rule.state]} · from the {rule.source === 'config' ? 'config file' : 'MQTT API'}
      </p>
      <p class="small" data-field="firings">
        Fired {rule.firings} {rule.firings === 1 ? 'time' : 'times'}
        {rule.last_fired === undefined ? '' : `, last at ${new Date(rule.last_fired).toLocaleString()}`}
      </p>
      {rule.last_error === undefined ? null : (
        <p class="error" data-field="last-error">
          {rule.last_error.code}: {rule.last_error.message}
        </p>
      )}
      {(rule.problems ?? []).map((problem) => (
        <p class="error" key={problem}>
          {problem}
        </p>
      ))}
      <label class="rule-enabled">
        <input
          type="checkbox"
          aria-label={label}
          checked={enabled}
          disabled={action.busy}
          onChange={(e) => {
            const wanted = e.currentTarget.checked;
            setEnabled(wanted);
            // refused: back to what the hub says, the error beside it
            void action
              .run(() => request('rule/set', { id: rule.id, enabled: wanted }), wanted ? 'Enabled.' : 'Disabled.')
              .then((ok) => ok || setEnabled(rule.enabled));
          }}
        />
        Enabled
      </label>
      <Outcome action={action} />
    </li>
  );
}
