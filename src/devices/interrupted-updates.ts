/**
 * A firmware update the hub was running when it stopped (or died) is over: a device whose state
 * still says `update.state` "updating" at start is set back to "available" (its newer image is
 * still there) without `progress` and `remaining`, as Zigbee2MQTT's otaUpdate does at start.
 * Only devices with an `update` capability are looked at; their actors stay dormant otherwise.
 */
import type { DeviceRecord } from '../model/device-record.js';
import type { DeviceState } from '../store/device-state.js';

export interface InterruptedUpdatesPorts {
  records(): DeviceRecord[];
  state(id: string): Promise<DeviceState | undefined>;
  report(id: string, values: Record<string, unknown>): Promise<unknown>;
}

const hasUpdate = (record: DeviceRecord): boolean =>
  (record.capabilities ?? []).some((capability) => (capability as { property?: unknown }).property === 'update');

export async function endInterruptedUpdates(ports: InterruptedUpdatesPorts): Promise<string[]> {
  const ended: string[] = [];
  for (const record of ports.records().filter(hasUpdate)) {
    const update = (await ports.state(record.id))?.values.update;
    if (typeof update !== 'object' || update === null || (update as { state?: unknown }).state !== 'updating') continue;
    const { progress: _progress, remaining: _remaining, ...rest } = update as Record<string, unknown>;
    await ports.report(record.id, { update: { ...rest, state: 'available' } });
    ended.push(record.id);
  }
  return ended;
}
