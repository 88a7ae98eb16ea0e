/**
 * Home Assistant MQTT discovery configs from a device's capabilities (the "exposes"
 * vocabulary of src/model/capabilities.ts): which entity each feature becomes (a light or
 * switch group → `light`/`switch`; a reported number → `sensor` with device class, unit and
 * state class; a reported boolean → `binary_sensor`; `action` → `event`; settable numbers and
 * enums → `number`/`select`; a write-only action → `button`), its topics and payloads in hearth's MQTT contract, the `device`
 * block that groups a device's entities under the hub (`via_device`), its availability (the
 * bridge's state and, once the device has one, its own) and its room as `suggested_area`.
 * Every id carries the hub id, so hubs sharing a broker never collide. Pure: when to publish
 * is the discovery part's business (ha-discovery.ts).
 */
import type { Capability, Feature, NumericFeature } from '../../model/capabilities.js';
import { ACCESS_SET, ACCESS_STATE } from '../../model/capabilities.js';
import type { DeviceRecord } from '../../model/device-record.js';
import { BINARY_SENSORS, BUTTONS, SENSORS, UNITS } from './entity-classes.js';
import { updateEntities } from './update-entity.js';
import { AVAILABILITY_TEMPLATE, commandText, eventTemplate, rendered, valueTemplate as template } from './value-templates.js';

export interface DiscoveryContext {
  /** Home Assistant's discovery prefix (`homeassistant`). */
  prefix: string;
  /** The hub's base topic (`hearth/<hubId>`). */
  base: string;
  hubId: string;
  version: string;
  /**
   * JSON lights carry `color_mode: true` besides `supported_color_modes`: Home Assistant before
   * 2024.4 rejects them without it, 2024.4 and later log a deprecation warning for each light with it.
   */
  legacyColorMode?: boolean;
}

export interface DiscoveryDevice {
  record: DeviceRecord;
  /** The name of the device's room, if it is in one. */
  area?: string | undefined;
  /** Whether the device has an availability of its own (`<device>/availability` carries a value). */
  availability: boolean;
}

/** One retained discovery message: `<prefix>/<component>/<node_id>/<object_id>/config`. */
export interface DiscoveryMessage {
  topic: string;
  config: Record<string, unknown>;
}

type Config = Record<string, unknown>;

export interface Entity {
  component: 'light' | 'switch' | 'sensor' | 'binary_sensor' | 'number' | 'select' | 'event' | 'button';
  /** Unique within the device: `light`, `switch_l2`, `temperature`. */
  key: string;
  config: Config;
}

/** The node id of every discovery topic of a hub: what a broker ACL confines the hub to. */
export function nodeIdOf(hubId: string): string {
  return `hearth-${hubId}`;
}

/** A device id as a discovery object id and identifier (`zwave:3d2f1a:3` → `zwave_3d2f1a_3`). */
export function slugOf(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, '_');
}

export function bridgeIdentifier(hubId: string): string {
  return `hearth_${hubId}_bridge`;
}

export function deviceIdentifier(hubId: string, deviceId: string): string {
  return `hearth_${hubId}_${slugOf(deviceId)}`;
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** An entity's name: the feature's label (`Temperature`), with its endpoint when it has one (`State l2`). */
function labelOf(feature: Feature): string {
  const label = feature.label ?? capitalized(feature.name.replace(/_/g, ' '));
  return feature.endpoint === undefined ? label : `${label} ${feature.endpoint}`;
}

/** An entity that can be set but does not report: Home Assistant keeps the last value it sent. */
function writeOnly(config: Config): void {
  delete config.state_topic;
  delete config.value_template;
}

class EntityBuilder {
  readonly entities: Entity[] = [];

  constructor(
    private readonly stateTopic: string,
    private readonly setTopic: string,
    private readonly legacyColorMode: boolean,
  ) {}

  light(features: Feature[], key: string): boolean {
    const state = features.find((feature) => feature.property === 'state' && feature.type === 'binary');
    if (state === undefined) return false;
    const brightness = features.find(
      (feature): feature is NumericFeature => feature.property === 'brightness' && feature.type === 'numeric',
    );
    const colorTemp = features.find(
      (feature): feature is NumericFeature => feature.property === 'color_temp' && feature.type === 'numeric',
    );
    const config: Config = {
      name: null,
      schema: 'json',
      state_topic: this.stateTopic,
      command_topic: this.setTopic,
      brightness: brightness !== undefined,
      supported_color_modes: [colorTemp !== undefined ? 'color_temp' : brightness !== undefined ? 'brightness' : 'onoff'],
    };
    // before 2024.4 Home Assistant reads supported_color_modes only with this flag (the two are one inclusion group)
    if (this.legacyColorMode) config.color_mode = true;
    if (brightness !== undefined) config.brightness_scale = brightness.value_max ?? 254;
    if (colorTemp !== undefined) {
      if (colorTemp.value_min !== undefined) config.min_mireds = colorTemp.value_min;
      if (colorTemp.value_max !== undefined) config.max_mireds = colorTemp.value_max;
    }
    this.entities.push({ component: 'light', key, config });
    return true;
  }

  switchGroup(features: Feature[], key: string, endpoint: string | undefined): boolean {
    const state = features.find((feature) => feature.type === 'binary' && (feature.property === 'state' || feature.name === 'state'));
    if (state === undefined || state.type !== 'binary') return false;
    this.entities.push({
      component: 'switch',
      key,
      config: {
        // the device's one switch is the device; one of several is named by its endpoint
        name: endpoint === undefined ? null : capitalized(endpoint),
        state_topic: this.stateTopic,
        value_template: template(state.property),
        command_topic: `${this.setTopic}/${state.property}`,
        payload_on: commandText(state.value_on),
        payload_off: commandText(state.value_off),
        state_on: rendered(state.value_on),
        state_off: rendered(state.value_off),
      },
    });
    return true;
  }

  feature(feature: Feature): void {
    const reported = (feature.access & ACCESS_STATE) !== 0;
    const settable = (feature.access & ACCESS_SET) !== 0;
    const { property } = feature;
    const common: Config = { name: labelOf(feature), state_topic: this.stateTopic, value_template: template(property) };
    const category = (feature as { category?: unknown }).category;
    // Home Assistant allows `config` only on what can be set; a reported setting is a diagnostic
    if (category === 'diagnostic' || category === 'config')
      common.entity_category = category === 'config' && !settable ? 'diagnostic' : category;
    if (!reported && settable && this.button(feature, common)) return;
    switch (feature.type) {
      case 'numeric': {
        if (settable) {
          const config: Config = { ...common, command_topic: `${this.setTopic}/${property}` };
          if (feature.value_min !== undefined) config.min = feature.value_min;
          if (feature.value_max !== undefined) config.max = feature.value_max;
          if (feature.value_step !== undefined) config.step = feature.value_step;
          if (feature.unit !== undefined) config.unit_of_measurement = feature.unit;
          if (!reported) writeOnly(config);
          this.entities.push({ component: 'number', key: property, config });
          return;
        }
        if (!reported) return;
        const known = SENSORS[property];
        const unit = feature.unit === undefined ? undefined : (UNITS[feature.unit] ?? feature.unit);
        const config: Config = { ...common, state_class: known?.state_class ?? 'measurement' };
        // a device class Home Assistant would refuse with this unit is left out
        if (known?.device_class !== undefined && (known.units === undefined || (unit !== undefined && known.units.includes(unit))))
          config.device_class = known.device_class;
        if (unit !== undefined) config.unit_of_measurement = unit;
        if (known?.entity_category !== undefined) config.entity_category = known.entity_category;
        if (known?.enabled_by_default !== undefined) config.enabled_by_default = known.enabled_by_default;
        this.entities.push({ component: 'sensor', key: property, config });
        return;
      }
      case 'binary': {
        if (settable) {
          this.entities.push({
            component: 'switch',
            key: property,
            config: {
              ...common,
              command_topic: `${this.setTopic}/${property}`,
              payload_on: commandText(feature.value_on),
              payload_off: commandText(feature.value_off),
              state_on: rendered(feature.value_on),
              state_off: rendered(feature.value_off),
            },
          });
          return;
        }
        if (!reported) return;
        const known = BINARY_SENSORS[property];
        const on = known?.on;
        const config: Config = {
          ...common,
          payload_on: rendered(on ?? feature.value_on),
          payload_off: rendered(on === undefined ? feature.value_off : !on),
        };
        if (known !== undefined) {
          config.device_class = known.device_class;
          if (known.entity_category !== undefined) config.entity_category = known.entity_category;
          // the device class names it (a door, motion): Home Assistant shows the device's name
          if (property === 'contact' || property === 'occupancy') config.name = null;
        }
        this.entities.push({ component: 'binary_sensor', key: property, config });
        return;
      }
      case 'enum': {
        const options = feature.values.map(String);
        if (property === 'action') {
          // an event, never a state: Home Assistant's event entity fires once per message carrying it
          delete common.entity_category;
          this.entities.push({
            component: 'event',
            key: property,
            config: {
              ...common,
              event_types: options,
              value_template: eventTemplate(property),
            },
          });
          return;
        }
        if (settable) {
          const config: Config = { ...common, command_topic: `${this.setTopic}/${property}`, options };
          if (!reported) writeOnly(config);
          this.entities.push({ component: 'select', key: property, config });
          return;
        }
        if (reported) this.entities.push({ component: 'sensor', key: property, config: { ...common, device_class: 'enum', options } });
        return;
      }
      case 'text':
        if (reported && !settable) this.entities.push({ component: 'sensor', key: property, config: common });
        return;
      default:
        // composite and list features (a colour, a schedule) have no discovery entity here
        return;
    }
  }

  /** A write-only action (`identify`, a meter's reset): a button that sends its one value. */
  private button(feature: Feature, common: Config): boolean {
    const value =
      feature.type === 'enum' && feature.values.length === 1 ? feature.values[0] : feature.type === 'binary' ? feature.value_on : undefined;
    if (value === undefined) return false;
    const known = BUTTONS[feature.property];
    const config: Config = {
      name: common.name,
      command_topic: `${this.setTopic}/${feature.property}`,
      payload_press: commandText(value),
      entity_category: known?.entity_category ?? (common.entity_category === 'diagnostic' ? 'diagnostic' : 'config'),
    };
    if (known?.device_class !== undefined) config.device_class = known.device_class;
    this.entities.push({ component: 'button', key: feature.property, config });
    return true;
  }
}

function isGroup(
  capability: Capability,
): capability is Extract<Capability, { features: Feature[]; type: 'light' | 'switch' | 'lock' | 'climate' | 'fan' | 'cover' }> {
  return !('property' in capability);
}

/** The entities of a device's (or a group's) capabilities (no topics beyond its own state and `/set`). */
export function entitiesOf(capabilities: readonly Capability[], stateTopic: string, setTopic: string, legacyColorMode: boolean): Entity[] {
  const builder = new EntityBuilder(stateTopic, setTopic, legacyColorMode);
  for (const capability of capabilities) {
    if (!isGroup(capability)) {
      builder.feature(capability);
      continue;
    }
    const suffix = capability.endpoint === undefined ? '' : `_${capability.endpoint}`;
    // a light on an endpoint keeps its state under `state_<endpoint>`, which the JSON light schema cannot read: its features stand alone
    const grouped =
      capability.type === 'light' && suffix === ''
        ? builder.light(capability.features, 'light')
        : capability.type === 'switch'
          ? builder.switchGroup(capability.features, `switch${suffix}`, capability.endpoint)
          : false;
    for (const feature of capability.features) {
      if (!grouped) builder.feature(feature);
      else if (capability.type === 'light' && !['state', 'brightness', 'color_temp', 'color_xy', 'color_hs'].includes(feature.property))
        builder.feature(feature);
    }
  }
  // a property exposed twice (a preset repeated) yields one entity
  const unique = new Map<string, Entity>();
  for (const entity of builder.entities)
    if (!unique.has(`${entity.component}/${entity.key}`)) unique.set(`${entity.component}/${entity.key}`, entity);
  return [...unique.values()];
}

export function origin(context: DiscoveryContext): Config {
  return { name: 'hearth', sw_version: context.version };
}

/** The discovery messages of one device. */
export function deviceDiscovery(context: DiscoveryContext, device: DiscoveryDevice): DiscoveryMessage[] {
  const { record } = device;
  const stateTopic = `${context.base}/${record.friendlyName}`;
  const slug = slugOf(record.id);
  const block: Config = { identifiers: [deviceIdentifier(context.hubId, record.id)], name: record.friendlyName };
  if (record.model !== undefined) block.model = record.model;
  if (record.vendor !== undefined) block.manufacturer = record.vendor;
  if (record.firmware !== undefined) block.sw_version = record.firmware;
  block.via_device = bridgeIdentifier(context.hubId);
  if (device.area !== undefined) block.suggested_area = device.area;
  const availability = [{ topic: `${context.base}/bridge/state`, value_template: AVAILABILITY_TEMPLATE }];
  if (device.availability)
    availability.push({ topic: `${context.base}/${record.friendlyName}/availability`, value_template: AVAILABILITY_TEMPLATE });
  const entities = [
    ...entitiesOf(record.capabilities ?? [], stateTopic, `${stateTopic}/set`, context.legacyColorMode === true),
    ...updateEntities(record, context.base, stateTopic),
  ];
  return entities.map((entity) => ({
    topic: `${context.prefix}/${entity.component}/${nodeIdOf(context.hubId)}/${slug}_${slugOf(entity.key)}/config`,
    config: {
      ...entity.config,
      unique_id: `hearth_${context.hubId}_${slug}_${slugOf(entity.key)}`,
      availability,
      availability_mode: 'all',
      device: block,
      origin: origin(context),
    },
  }));
}

/** The hub itself: a connectivity sensor on `bridge/state`, the device every other one is `via`. */
export function bridgeDiscovery(context: DiscoveryContext): DiscoveryMessage {
  return {
    topic: `${context.prefix}/binary_sensor/${nodeIdOf(context.hubId)}/bridge_connection_state/config`,
    config: {
      name: 'Connection state',
      device_class: 'connectivity',
      entity_category: 'diagnostic',
      state_topic: `${context.base}/bridge/state`,
      value_template: AVAILABILITY_TEMPLATE,
      payload_on: 'online',
      payload_off: 'offline',
      unique_id: `${bridgeIdentifier(context.hubId)}_connection_state`,
      device: bridgeDevice(context),
      origin: origin(context),
    },
  };
}

/** The `device` block of the hub itself, which its own entities (connection state, rule switches) belong to. */
export function bridgeDevice(context: DiscoveryContext): Config {
  return {
    identifiers: [bridgeIdentifier(context.hubId)],
    name: `hearth ${context.hubId}`,
    model: 'hearth hub',
    manufacturer: 'hearth',
    sw_version: context.version,
  };
}

/**
 * What a device's state message carries as `null` until the device has reported it: Home
 * Assistant's JSON light reads `state` from every message on its topic and logs an error for
 * one without it (Zigbee2MQTT fills in the same).
 */
export function statePlaceholders(record: DeviceRecord): Record<string, null> {
  const light = (record.capabilities ?? []).some(
    (capability) =>
      isGroup(capability) &&
      capability.type === 'light' &&
      capability.endpoint === undefined &&
      capability.features.some((feature) => feature.property === 'state' && feature.type === 'binary'),
  );
  return light ? { state: null } : {};
}
