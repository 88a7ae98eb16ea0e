/**
 * What a property is to Home Assistant: the device class, units, state class and entity
 * category of a reported number (a sensor) and the device class of a reported boolean (a
 * binary sensor), by the property's name in the exposes vocabulary, and the units as radios
 * spell them mapped to the ones Home Assistant's device classes accept.
 */

export interface SensorClass {
  device_class?: string;
  /** The units the device class accepts (a device class with any other unit is left out). */
  units?: string[];
  state_class?: string;
  entity_category?: string;
  enabled_by_default?: boolean;
}

const TEMPERATURE = ['°C', '°F', 'K'];

/** What a reported number is to Home Assistant, by property. */
export const SENSORS: Record<string, SensorClass> = {
  temperature: { device_class: 'temperature', units: TEMPERATURE },
  local_temperature: { device_class: 'temperature', units: TEMPERATURE },
  device_temperature: { device_class: 'temperature', units: TEMPERATURE, entity_category: 'diagnostic' },
  humidity: { device_class: 'humidity', units: ['%'] },
  pressure: { device_class: 'atmospheric_pressure', units: ['hPa', 'kPa', 'mbar', 'Pa', 'bar', 'mmHg', 'inHg', 'psi'] },
  illuminance: { device_class: 'illuminance', units: ['lx'] },
  power: { device_class: 'power', units: ['W', 'kW'] },
  energy: { device_class: 'energy', units: ['Wh', 'kWh', 'MWh'], state_class: 'total_increasing' },
  voltage: { device_class: 'voltage', units: ['V', 'mV'] },
  current: { device_class: 'current', units: ['A', 'mA'] },
  co2: { device_class: 'carbon_dioxide', units: ['ppm'] },
  pm25: { device_class: 'pm25', units: ['µg/m³'] },
  battery: { device_class: 'battery', units: ['%'], entity_category: 'diagnostic' },
  linkquality: { entity_category: 'diagnostic', enabled_by_default: false },
  // counters that only grow (a power cut or a trigger adds one)
  trigger_count: { state_class: 'total_increasing', entity_category: 'diagnostic' },
  power_outage_count: { state_class: 'total_increasing', entity_category: 'diagnostic' },
};

/** Units as radios spell them → as Home Assistant's device classes want them. */
export const UNITS: Record<string, string> = { Lux: 'lx', lux: 'lx', LUX: 'lx', C: '°C', F: '°F', kwh: 'kWh', KWh: 'kWh', w: 'W' };

/** What a reported boolean is to Home Assistant, by property. */
export const BINARY_SENSORS: Record<string, { device_class: string; entity_category?: string; on?: boolean }> = {
  // contact is true when closed in the vocabulary, whatever a radio calls "on"; a door is on when open
  contact: { device_class: 'door', on: false },
  occupancy: { device_class: 'occupancy' },
  presence: { device_class: 'presence' },
  water_leak: { device_class: 'moisture' },
  smoke: { device_class: 'smoke' },
  gas: { device_class: 'gas' },
  carbon_monoxide: { device_class: 'carbon_monoxide' },
  tamper: { device_class: 'tamper' },
  vibration: { device_class: 'vibration' },
  battery_low: { device_class: 'battery', entity_category: 'diagnostic' },
};

/** The device class of a button, by property. */
export const BUTTONS: Record<string, { device_class?: string; entity_category?: string }> = {
  identify: { device_class: 'identify', entity_category: 'config' },
};
