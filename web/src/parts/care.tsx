/** A device's care actions, by radio: Zigbee's configure and interview, Z-Wave's ping, refresh, re-interview, routes, statistics, health check and failed-node tools. */
import { useState } from 'preact/hooks';
import { request } from '../api';
import type { Device } from '../types';
import { Outcome, useAction } from './notice';

interface Care {
  label: string;
  request: string;
  payload: (device: Device) => Record<string, unknown>;
  help: string;
}

const byId = (device: Device) => ({ id: device.id });
const byDevice = (device: Device) => ({ device: device.id });

const CARE: Record<string, Care[]> = {
  zigbee: [
    { label: 'Configure', request: 'device/configure', payload: byId, help: 'binds and reporting to the hub again' },
    { label: 'Interview again', request: 'device/interview', payload: byId, help: 'reads what the device is' },
  ],
  zwave: [
    { label: 'Ping', request: 'zwave/node/ping', payload: byDevice, help: 'is it alive' },
    { label: 'Refresh values', request: 'zwave/node/refresh', payload: byDevice, help: 'reads every value again' },
    { label: 'Re-interview', request: 'zwave/node/reinterview', payload: byDevice, help: 'reads what the node is' },
    { label: 'Rebuild routes', request: 'zwave/node/rebuild_routes', payload: byDevice, help: 'its routes to the controller' },
    { label: 'Statistics', request: 'zwave/node/statistics', payload: byDevice, help: 'frames sent, dropped, round trip' },
    {
      label: 'Health check',
      request: 'zwave/node/health_check',
      payload: (device) => ({ device: device.id, rounds: 1 }),
      help: 'rates its link 0–10',
    },
    { label: 'Remove failed node', request: 'zwave/node/remove_failed', payload: byDevice, help: 'only for a node that no longer answers' },
    {
      label: 'Replace failed node',
      request: 'zwave/node/replace_failed',
      payload: byDevice,
      help: 'the next device included takes its place',
    },
  ],
};

export function CareActions({ device }: { device: Device }) {
  const cares = CARE[device.radio] ?? [];
  const action = useAction();
  const [answer, setAnswer] = useState<string | undefined>(undefined);
  if (cares.length === 0)
    return <p class="small">{device.radio === 'gpio' ? 'A GPIO line needs no care.' : 'No care actions for this radio.'}</p>;
  const run = (care: Care): void => {
    setAnswer(undefined);
    void action.run(async () => {
      const data = await request(care.request, care.payload(device));
      setAnswer(JSON.stringify(data, null, 2));
    }, `${care.label}: done.`);
  };
  return (
    <div>
      <ul class="care">
        {cares.map((care) => (
          <li key={care.request}>
            <button type="button" disabled={action.busy} onClick={() => run(care)}>
              {care.label}
            </button>{' '}
            <span class="small">{care.help}</span>
          </li>
        ))}
      </ul>
      <Outcome action={action} />
      {answer === undefined ? null : <pre class="answer">{answer}</pre>}
    </div>
  );
}
