/** The device as the other parts see it (events, the uplink): its identity and its last state. */
import type { DeviceRecord } from './device-record.js';

/** What a device looks like from outside: its identity and its last state. */
export interface DeviceView {
  id: string;
  friendlyName: string;
  radio: DeviceRecord['radio'];
  state: Record<string, unknown>;
  lastSeen?: number;
  availability?: 'online' | 'offline';
}
