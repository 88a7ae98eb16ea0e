/** A device's options (device/options): hearth's debounce, throttle and retain, and a Zigbee device's converter options as its definition lists them. */
import { useState } from 'preact/hooks';
import { request } from '../api';
import type { Device } from '../types';
import { Outcome, useAction } from './notice';

export function DeviceOptions({ device }: { device: Device }) {
  const options = device.options ?? {};
  const seconds = (ms: unknown): string => (typeof ms === 'number' ? String(ms / 1000) : '');
  const [debounce, setDebounce] = useState(seconds(options.debounceMs));
  const [throttle, setThrottle] = useState(seconds(options.throttleMs));
  const [retain, setRetain] = useState(options.retain !== false);
  const converter = (device.definition?.options ?? []).filter((option) => option.property !== undefined && option.type !== 'composite');
  const [extra, setExtra] = useState<Record<string, string>>({});
  const action = useAction();
  const save = (): Promise<unknown> => {
    const payload: Record<string, unknown> = { retain };
    if (debounce !== '') payload.debounce = Number(debounce);
    if (throttle !== '') payload.throttle = Number(throttle);
    for (const option of converter) {
      const raw = extra[option.property ?? ''];
      if (raw === undefined) continue;
      payload[option.property ?? ''] =
        raw === '' ? null : option.type === 'numeric' ? Number(raw) : option.type === 'binary' ? raw === 'true' : raw;
    }
    return request('device/options', { id: device.id, options: payload });
  };
  return (
    <form
      class="options"
      onSubmit={(e) => {
        e.preventDefault();
        void action.run(save, 'Options saved.');
      }}
    >
      <label>
        Debounce (s)
        <input type="number" min="0" step="any" name="debounce" value={debounce} onInput={(e) => setDebounce(e.currentTarget.value)} />
      </label>
      <label>
        Throttle (s)
        <input type="number" min="0" step="any" name="throttle" value={throttle} onInput={(e) => setThrottle(e.currentTarget.value)} />
      </label>
      <label class="check">
        <input type="checkbox" name="retain" checked={retain} onChange={(e) => setRetain(e.currentTarget.checked)} /> Retain its state on
        MQTT
      </label>
      {converter.length === 0 ? null : (
        <details class="converter-options">
          <summary>Converter options ({converter.length})</summary>
          <div class="options">
            {converter.map((option) => (
              <label key={option.property} title={option.description}>
                {option.label ?? option.name ?? option.property}
                <input
                  name={option.property}
                  type={option.type === 'numeric' ? 'number' : 'text'}
                  step="any"
                  value={
                    extra[option.property ?? ''] ??
                    (options[option.property ?? ''] === undefined ? '' : String(options[option.property ?? '']))
                  }
                  onInput={(e) => setExtra({ ...extra, [option.property ?? '']: e.currentTarget.value })}
                />
              </label>
            ))}
          </div>
        </details>
      )}
      <button type="submit" disabled={action.busy}>
        Save options
      </button>
      <Outcome action={action} />
    </form>
  );
}
