/** How the page says things: radio names, ages, sizes, and the hub's health turned into plain sentences. */
import type { HubState } from './live';
import type { Device, PartHealth } from './types';
import { plainWarning, type RadioTrouble } from './radio-words';

export { plainWarning, radioName, RADIO_NAMES } from './radio-words';

export function ago(iso: unknown, now = Date.now()): string {
  const at = typeof iso === 'number' ? iso : typeof iso === 'string' ? Date.parse(iso) : NaN;
  if (!Number.isFinite(at)) return 'never';
  const s = Math.max(0, Math.round((now - at) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} d ago`;
}

export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  return `${Math.round(ms / 60_000)} min`;
}

export function bytes(n: number | undefined): string {
  if (n === undefined) return '—';
  if (n < 1024) return `${n} B`;
  if (n < 1048576) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1048576).toFixed(1)} MB`;
}

/** A device's availability: the hub's availability message, else what its state says, else unknown. */
export function availabilityOf(hub: HubState, device: Device): 'online' | 'offline' | 'unknown' {
  const known = hub.availability[device.id] ?? hub.states[device.id]?.availability;
  if (known === 'online' || known === 'offline') return known;
  // a radio that is down takes its devices with it
  if (hub.radioDown[device.radio] !== undefined) return 'offline';
  return 'unknown';
}

export interface RadioView {
  radio: string;
  up: boolean;
  status: string;
  breaker?: string;
  /** The plain sentence for a radio that is not up. */
  warning?: string;
  part?: PartHealth;
}

export function radiosOf(hub: HubState): RadioView[] {
  const parts = hub.health.health?.parts ?? {};
  const radios = new Set<string>(
    Object.keys(parts)
      .filter((name) => name.startsWith('radios.'))
      .map((name) => name.slice(7)),
  );
  for (const radio of Object.keys(hub.radioDown)) radios.add(radio);
  return [...radios].sort().map((radio) => {
    const part = parts[`radios.${radio}`];
    const down = hub.radioDown[radio];
    const up = down === undefined && (part === undefined || part.status === 'ok');
    const words = down ?? part?.detail ?? part?.status ?? '';
    const trouble: RadioTrouble = { words };
    if (typeof part?.serial_port === 'string') trouble.serialPort = part.serial_port;
    if (typeof part?.error_code === 'string') trouble.code = part.error_code;
    return {
      radio,
      up,
      status: up ? 'up' : 'down',
      ...(part?.breaker === undefined ? {} : { breaker: part.breaker }),
      ...(up ? {} : { warning: plainWarning(radio, trouble) }),
      ...(part === undefined ? {} : { part }),
    };
  });
}

/** Warnings about the hub's other parts (uplink, outbox, store) in plain words. */
export function hubWarnings(hub: HubState): string[] {
  const out: string[] = [];
  const parts = hub.health.health?.parts ?? {};
  for (const [name, part] of Object.entries(parts)) {
    if (name.startsWith('radios.') || part.status === 'ok') continue;
    if (name === 'uplink')
      out.push(
        `The MQTT broker cannot be reached${typeof part.broker === 'string' ? ` at ${part.broker}` : ''}: messages wait in the outbox.`,
      );
    else out.push(`${name}: ${part.status}${part.detail === undefined ? '' : ` — ${part.detail}`}`);
  }
  const outbox = hub.health.outbox;
  if ((outbox?.dropped_events ?? 0) > 0) out.push(`${outbox?.dropped_events} events were dropped because the outbox was full.`);
  if ((outbox?.set_aside ?? 0) > 0) out.push(`${outbox?.set_aside} messages were set aside (too large or refused by the broker).`);
  return out;
}
