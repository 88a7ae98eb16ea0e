/**
 * A device's controls, generated from its exposes (Zigbee2MQTT's vocabulary, for every radio):
 * a binary feature that can be set is a switch, a numeric one with a range a slider (with its
 * presets), without a range a number field, an enum a select, a text a text field; a feature the
 * device only reports is shown as its value. Each change goes to /api/devices/<id>/set, as
 * `<device>/set` would; a refused command shows the hub's coded error beside the control.
 */
import { useEffect, useState } from 'preact/hooks';
import { setDevice } from '../api';
import type { DeviceState, Feature } from '../types';
import { ErrorLine, useAction, type Action } from './notice';

const ACCESS_SET = 2;

interface ControlProps {
  deviceId: string;
  feature: Feature;
  value: unknown;
  /** Builds the /set payload for a value (a composite's members nest under it). */
  wrap: (value: unknown) => Record<string, unknown>;
}

function labelOf(feature: Feature): string {
  const name = feature.label ?? feature.name ?? feature.property ?? feature.type;
  return feature.endpoint === undefined ? name : `${name} (${feature.endpoint})`;
}

function settable(feature: Feature): boolean {
  return ((feature.access ?? 1) & ACCESS_SET) !== 0;
}

function send(action: Action, props: ControlProps, value: unknown): void {
  void action.run(() => setDevice(props.deviceId, props.wrap(value)));
}

/** A value as text: JSON for objects, the value itself for the rest. */
export function textOf(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

function shown(value: unknown, unit?: string): string {
  if (value === undefined || value === null) return '—';
  const text = textOf(value);
  return unit === undefined ? text : `${text} ${unit}`;
}

function BinaryControl(props: ControlProps) {
  const { feature, value } = props;
  const action = useAction();
  const on = value === feature.value_on;
  const id = `f-${feature.property ?? ''}`;
  return (
    <div class="control">
      <span id={id} class="control-label">
        {labelOf(feature)}
      </span>
      <button
        type="button"
        role="switch"
        aria-checked={on}
        aria-labelledby={id}
        class={`switch ${on ? 'on' : ''}`}
        disabled={action.busy}
        onClick={() => send(action, props, on ? feature.value_off : feature.value_on)}
      >
        {on ? String(feature.value_on) : value === undefined || value === null ? 'unknown' : String(feature.value_off)}
      </button>
      <ErrorLine error={action.error} />
    </div>
  );
}

function NumericControl(props: ControlProps) {
  const { feature, value } = props;
  const action = useAction();
  const [draft, setDraft] = useState<number | undefined>(undefined);
  // what is typed in the number field, kept until the device reports a new value: a page re-rendered by another
  // device's report while someone types must not wipe the field
  const [typed, setTyped] = useState<string | undefined>(undefined);
  useEffect(() => {
    setDraft(undefined);
    setTyped(undefined);
  }, [value]);
  const ranged = feature.value_min !== undefined && feature.value_max !== undefined;
  const current = draft ?? (typeof value === 'number' ? value : (feature.value_min ?? 0));
  const id = `f-${feature.property ?? ''}`;
  const commit = (raw: string): void => {
    const number = Number(raw);
    if (raw === '' || !Number.isFinite(number)) return;
    send(action, props, number);
  };
  return (
    <div class="control">
      <label for={id} class="control-label">
        {labelOf(feature)}
        {feature.unit === undefined ? '' : ` (${feature.unit})`}
      </label>
      <div class="row">
        {ranged ? (
          <input
            id={id}
            type="range"
            min={feature.value_min}
            max={feature.value_max}
            step={feature.value_step ?? 1}
            value={current}
            disabled={action.busy}
            onInput={(e) => {
              setDraft(Number(e.currentTarget.value));
              setTyped(undefined);
            }}
            onChange={(e) => commit(e.currentTarget.value)}
          />
        ) : null}
        <input
          id={ranged ? `${id}-n` : id}
          aria-label={ranged ? `${labelOf(feature)} value` : undefined}
          type="number"
          class="number"
          min={feature.value_min}
          max={feature.value_max}
          step={feature.value_step ?? 'any'}
          value={typed ?? (typeof value === 'number' || draft !== undefined ? current : '')}
          disabled={action.busy}
          onInput={(e) => setTyped(e.currentTarget.value)}
          onChange={(e) => commit(e.currentTarget.value)}
        />
      </div>
      {feature.presets === undefined || feature.presets.length === 0 ? null : (
        <div class="presets" role="group" aria-label={`${labelOf(feature)} presets`}>
          {feature.presets
            .filter((preset) => feature.value_max === undefined || preset.value <= feature.value_max)
            .map((preset) => (
              <button type="button" key={preset.name} title={preset.description} onClick={() => send(action, props, preset.value)}>
                {preset.name}
              </button>
            ))}
        </div>
      )}
      <ErrorLine error={action.error} />
    </div>
  );
}

function EnumControl(props: ControlProps) {
  const { feature, value } = props;
  const action = useAction();
  const id = `f-${feature.property ?? ''}`;
  const values = feature.values ?? [];
  return (
    <div class="control">
      <label for={id} class="control-label">
        {labelOf(feature)}
      </label>
      <select
        id={id}
        value={textOf(value)}
        disabled={action.busy}
        onChange={(e) => {
          const chosen = values.find((known) => String(known) === e.currentTarget.value);
          if (chosen !== undefined) send(action, props, chosen);
        }}
      >
        <option value="" disabled>
          choose…
        </option>
        {values.map((known) => (
          <option key={String(known)} value={String(known)}>
            {String(known)}
          </option>
        ))}
      </select>
      <ErrorLine error={action.error} />
    </div>
  );
}

function TextControl(props: ControlProps) {
  const { feature, value } = props;
  const action = useAction();
  const id = `f-${feature.property ?? ''}`;
  return (
    <div class="control">
      <label for={id} class="control-label">
        {labelOf(feature)}
      </label>
      <input
        id={id}
        type="text"
        value={typeof value === 'string' ? value : ''}
        disabled={action.busy}
        onChange={(e) => send(action, props, e.currentTarget.value)}
      />
      <ErrorLine error={action.error} />
    </div>
  );
}

function Reading({ feature, value }: { feature: Feature; value: unknown }) {
  return (
    <div class="control reading">
      <span class="control-label">{labelOf(feature)}</span>
      <output data-property={feature.property}>{shown(value, feature.unit)}</output>
    </div>
  );
}

function FeatureControl(props: ControlProps) {
  const { feature } = props;
  if (feature.type === 'composite' && feature.features !== undefined && settable(feature)) {
    const nested = (props.value ?? {}) as Record<string, unknown>;
    return (
      <fieldset class="composite">
        <legend>{labelOf(feature)}</legend>
        {feature.features.map((inner) => (
          <FeatureControl
            key={inner.property}
            deviceId={props.deviceId}
            feature={inner}
            value={nested[inner.property ?? '']}
            wrap={(value) => props.wrap({ ...nested, [inner.property ?? '']: value })}
          />
        ))}
      </fieldset>
    );
  }
  if (!settable(feature)) return <Reading feature={feature} value={props.value} />;
  switch (feature.type) {
    case 'binary':
      return <BinaryControl {...props} />;
    case 'numeric':
      return <NumericControl {...props} />;
    case 'enum':
      return <EnumControl {...props} />;
    case 'text':
      return <TextControl {...props} />;
    default:
      return <Reading feature={feature} value={props.value} />;
  }
}

/** Every feature of the exposes, with light/switch/… groups opened up (their members keep the group's endpoint). */
export function featuresOf(exposes: readonly Feature[]): Feature[] {
  const out: Feature[] = [];
  for (const expose of exposes) {
    if (expose.property === undefined && expose.features !== undefined)
      out.push(...expose.features.map((inner) => (expose.endpoint === undefined ? inner : { endpoint: expose.endpoint, ...inner })));
    else out.push(expose);
  }
  return out;
}

export function Controls({ deviceId, exposes, state }: { deviceId: string; exposes: readonly Feature[]; state: DeviceState }) {
  const features = featuresOf(exposes).filter((feature) => feature.property !== undefined);
  if (features.length === 0) return <p class="small">This device exposes nothing to control or read.</p>;
  const controls = features.filter((feature) => settable(feature) && feature.category !== 'config');
  const readings = features.filter((feature) => !settable(feature));
  const settings = features.filter((feature) => settable(feature) && feature.category === 'config');
  const render = (list: Feature[]) =>
    list.map((feature) => (
      <FeatureControl
        key={feature.property}
        deviceId={deviceId}
        feature={feature}
        value={state[feature.property ?? '']}
        wrap={(value) => ({ [feature.property ?? '']: value })}
      />
    ));
  return (
    <div class="controls">
      {controls.length === 0 ? null : <div class="group">{render(controls)}</div>}
      {readings.length === 0 ? null : (
        <div class="group readings" aria-label="Readings">
          {render(readings)}
        </div>
      )}
      {settings.length === 0 ? null : (
        <details>
          <summary>Device settings</summary>
          <div class="group">{render(settings)}</div>
        </details>
      )}
    </div>
  );
}
