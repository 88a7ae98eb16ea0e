/** The shapes the page reads from the hub (the MQTT bridge payloads, docs/web-api.md), as far as it uses them. */

export interface Feature {
  type: string;
  name?: string;
  property?: string;
  label?: string;
  description?: string;
  access?: number;
  unit?: string;
  value_min?: number;
  value_max?: number;
  value_step?: number;
  value_on?: unknown;
  value_off?: unknown;
  value_toggle?: unknown;
  values?: (string | number)[];
  presets?: { name: string; value: number; description?: string }[];
  features?: Feature[];
  endpoint?: string;
  category?: string;
}

export interface RoomRef {
  id: string;
  name: string;
}

export interface Device {
  id: string;
  friendly_name: string;
  /** zigbee, zwave or gpio */
  radio: string;
  type?: string;
  supported?: boolean;
  power_source?: string;
  model?: string;
  vendor?: string;
  model_id?: string;
  manufacturer?: string;
  firmware?: string;
  interviewing?: boolean;
  interview_state?: string;
  network_address?: number;
  ieee_address?: string;
  definition?: { model?: string; vendor?: string; description?: string; exposes?: Feature[]; options?: Feature[] } | null;
  options?: Record<string, unknown>;
  room?: RoomRef | null;
}

export interface Room {
  id: string;
  name: string;
  devices: string[];
}

export interface PartHealth {
  status: string;
  detail?: string;
  breaker?: string;
  [key: string]: unknown;
}

export interface Health {
  health?: { status: string; parts: Record<string, PartHealth> };
  outbox?: { messages?: number; bytes?: number; oldest_ms?: number; dropped_events?: number; set_aside?: number };
  memory?: Memory;
}

export interface Memory {
  rss_bytes?: number;
  heap_used_bytes?: number;
  heap_total_bytes?: number;
}

export interface Info {
  version?: string;
  hub_id?: string;
  base_topic?: string;
  mqtt?: { version?: string };
  memory?: Memory;
}

export interface BridgeEvent {
  type: string;
  data: Record<string, unknown>;
}

export type DeviceState = Record<string, unknown>;
