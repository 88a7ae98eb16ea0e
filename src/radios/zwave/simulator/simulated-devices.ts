/**
 * The library of simulated Z-Wave devices that the demo and the tests share: a switch, a
 * dimmer, a multisensor (temperature, humidity, illuminance, battery), a door sensor that
 * sleeps between wake-ups, and a plug with an energy meter. Each is a zwave-js mock node with
 * the command classes a real one has, and a handle that makes it do what a real one does:
 * report a reading, open the door, wake up, go out of range. Each carries the ids of a real
 * model in zwave-js's device database (Zooz ZEN71, ZEN72, ZSE40, Aeotec ZW120, Zooz ZEN04), so
 * the driver names its maker and model as it would the real one.
 */
import {
  BinarySwitchCCReport,
  MeterCCReport,
  MultilevelSensorCCReport,
  NotificationCCReport,
  WakeUpCCWakeUpNotification,
  type CommandClass,
} from '@zwave-js/cc';
import { CommandClasses } from '@zwave-js/core';
import {
  ccCaps,
  createMockZWaveRequestFrame,
  MockNode,
  type MockController,
  type MockNodeBehavior,
  type MockNodeOptions,
} from '@zwave-js/testing';
import { createDefaultMockNodeBehaviors } from 'zwave-js/Testing';
import {
  ACCESS_CONTROL,
  associationBehavior,
  batteryBehavior,
  DOOR_CLOSED,
  DOOR_OPEN,
  doorNotificationBehavior,
  nodeNamingBehavior,
  reachabilityBehavior,
  setAsleep,
  setReachable,
  sleepBehavior,
  State,
  versionBehavior,
  wakeUpBehavior,
} from './node-behaviors.js';
import { firmwareUpdateBehavior } from './firmware-behavior.js';

/** `relay`: a device with no config file (its parameters found by the Configuration CC's own discovery) whose firmware can be updated; not in the demo. */
export type SimulatedKind = 'switch' | 'dimmer' | 'multisensor' | 'door' | 'plug' | 'relay';
export const SIMULATED_KINDS: readonly SimulatedKind[] = ['switch', 'dimmer', 'multisensor', 'door', 'plug'];
/** A simulated device in a network: its kind, or its kind and the name it carries (Node Naming). */
export type SimulatedMember = SimulatedKind | { kind: SimulatedKind; name: string };

const TEMPERATURE = 1;
const ILLUMINANCE = 3;
const HUMIDITY = 5;
const ELECTRIC = 0x01;
const KWH = 0;
const WATT = 2;

type Capabilities = NonNullable<MockNodeOptions['capabilities']>;

const BASE = [CommandClasses['Z-Wave Plus Info'], CommandClasses['Manufacturer Specific'], CommandClasses.Version];

/** A simulated device: its mock node and what it can be made to do. */
export class SimulatedDevice {
  constructor(
    readonly kind: SimulatedKind,
    /** Its mock node (a new one each time the network's controller is built anew). */
    public node: MockNode,
    /** Sensor and meter readings the node answers with (also after a report). */
    readonly readings: Map<string, number>,
  ) {}

  get id(): number {
    return this.node.id;
  }

  private async send(cc: CommandClass): Promise<void> {
    await this.node.sendToController(createMockZWaveRequestFrame(cc, { ackRequested: false }));
  }

  private get controllerId(): number {
    return this.node.controller.ownNodeId;
  }

  /** The switch's or dimmer's level as the node has it (true/false, or 0-99). */
  get level(): unknown {
    return this.node.state.get(this.kind === 'dimmer' ? 'MultilevelSwitch_currentValue' : 'BinarySwitch_currentValue');
  }

  /** Pushes a sensor reading, as the node would unprompted. */
  async reportSensor(reading: 'temperature' | 'humidity' | 'illuminance', value: number): Promise<void> {
    this.readings.set(reading, value);
    const type = reading === 'temperature' ? TEMPERATURE : reading === 'humidity' ? HUMIDITY : ILLUMINANCE;
    await this.send(new MultilevelSensorCCReport({ nodeId: this.controllerId, type, scale: reading === 'illuminance' ? 1 : 0, value }));
  }

  /** Pushes a meter reading (power in W or energy in kWh). */
  async reportMeter(reading: 'power' | 'energy', value: number): Promise<void> {
    this.readings.set(reading, value);
    await this.send(
      new MeterCCReport({ nodeId: this.controllerId, type: ELECTRIC, scale: reading === 'power' ? WATT : KWH, rateType: 1, value }),
    );
  }

  /** Switched by hand at the device: it reports its new state. */
  async toggleLocally(on: boolean): Promise<void> {
    this.node.state.set('BinarySwitch_currentValue', on);
    await this.send(new BinarySwitchCCReport({ nodeId: this.controllerId, currentValue: on }));
  }

  async setDoor(open: boolean): Promise<void> {
    this.node.state.set(State.door, open ? DOOR_OPEN : DOOR_CLOSED);
    await this.send(
      new NotificationCCReport({
        nodeId: this.controllerId,
        notificationType: ACCESS_CONTROL,
        notificationEvent: open ? DOOR_OPEN : DOOR_CLOSED,
      }),
    );
  }

  /** A sleeping device wakes up (the driver then sends what it queued). */
  async wakeUp(): Promise<void> {
    setAsleep(this.node, false);
    await this.send(new WakeUpCCWakeUpNotification({ nodeId: this.controllerId }));
  }

  get asleep(): boolean {
    return this.node.state.get(State.asleep) === true;
  }

  /** The same device, with its state, as a node of a new controller (the port was opened again). */
  moveTo(controller: MockController): void {
    const moved = createMockNode(controller, this.kind, this.id, this.readings, this.node.state.get(State.name) as string | undefined);
    for (const [key, value] of this.node.state) moved.state.set(key, value);
    moved.autoAckControllerFrames = this.node.autoAckControllerFrames;
    this.node = moved;
  }

  /** Out of range (no acknowledgement, no answer) or back. */
  setReachable(reachable: boolean): void {
    setReachable(this.node, reachable);
  }
}

interface Definition {
  /** The real device it impersonates, by its ids in zwave-js's device database (its name and manufacturer come from there). */
  product: { manufacturerId: number; productType: number; productId: number };
  capabilities: (readings: ReadonlyMap<string, number>) => Capabilities;
  behaviors: MockNodeBehavior[];
  sleeps?: boolean;
}

const DEFINITIONS: Record<SimulatedKind, Definition> = {
  switch: {
    product: { manufacturerId: 0x027a, productType: 0x7000, productId: 0xa001 }, // Zooz ZEN71 On/Off Switch
    capabilities: () => ({
      genericDeviceClass: 0x10,
      specificDeviceClass: 0x01,
      commandClasses: [...BASE, ccCaps({ ccId: CommandClasses['Binary Switch'], version: 2, defaultValue: false })],
    }),
    behaviors: [],
  },
  dimmer: {
    product: { manufacturerId: 0x027a, productType: 0x7000, productId: 0xa002 }, // Zooz ZEN72 Dimmer
    capabilities: () => ({
      genericDeviceClass: 0x11,
      specificDeviceClass: 0x01,
      commandClasses: [...BASE, ccCaps({ ccId: CommandClasses['Multilevel Switch'], version: 4, defaultValue: 0, primarySwitchType: 2 })],
    }),
    behaviors: [],
  },
  multisensor: {
    product: { manufacturerId: 0x027a, productType: 0x2021, productId: 0x2101 }, // Zooz ZSE40 4-in-1 Sensor
    capabilities: (readings) => ({
      genericDeviceClass: 0x21,
      specificDeviceClass: 0x01,
      commandClasses: [
        ...BASE,
        ccCaps({
          ccId: CommandClasses['Multilevel Sensor'],
          version: 11,
          sensors: {
            [TEMPERATURE]: { supportedScales: [0] },
            [HUMIDITY]: { supportedScales: [0] },
            [ILLUMINANCE]: { supportedScales: [1] },
          },
          getValue: (type) => readings.get(type === HUMIDITY ? 'humidity' : type === ILLUMINANCE ? 'illuminance' : 'temperature'),
        }),
        { ccId: CommandClasses.Battery, version: 1 },
      ],
    }),
    behaviors: [batteryBehavior],
  },
  door: {
    product: { manufacturerId: 0x0086, productType: 0x0002, productId: 0x0078 }, // Aeotec ZW120 Door/Window Sensor Gen5
    capabilities: () => ({
      isListening: false,
      isFrequentListening: false,
      genericDeviceClass: 0x07,
      specificDeviceClass: 0x01,
      commandClasses: [
        ...BASE,
        ccCaps({
          ccId: CommandClasses.Notification,
          version: 8,
          supportsV1Alarm: false,
          notificationTypesAndEvents: { [ACCESS_CONTROL]: [DOOR_OPEN, DOOR_CLOSED] },
        }),
        { ccId: CommandClasses.Battery, version: 1 },
        { ccId: CommandClasses['Wake Up'], version: 2 },
        { ccId: CommandClasses.Association, version: 2 },
      ],
    }),
    // asleep, it answers nothing: sleep is asked first
    behaviors: [sleepBehavior, batteryBehavior, wakeUpBehavior, associationBehavior, doorNotificationBehavior],
    sleeps: true,
  },
  plug: {
    product: { manufacturerId: 0x027a, productType: 0x7000, productId: 0xb002 }, // Zooz ZEN04 Indoor Smart Plug
    capabilities: (readings) => ({
      genericDeviceClass: 0x10,
      specificDeviceClass: 0x01,
      commandClasses: [
        ...BASE,
        ccCaps({ ccId: CommandClasses['Binary Switch'], version: 2, defaultValue: false }),
        // version 4: below it the mock answers with rate type "unspecified", which the driver drops
        ccCaps({
          ccId: CommandClasses.Meter,
          version: 4,
          meterType: ELECTRIC,
          supportedScales: [KWH, WATT],
          supportedRateTypes: [1],
          supportsReset: true,
          getValue: (scale) => readings.get(scale === WATT ? 'power' : 'energy'),
        }),
      ],
    }),
    behaviors: [],
  },
  relay: {
    product: { manufacturerId: 0x7ffe, productType: 0x0001, productId: 0x0001 }, // in no config file
    capabilities: () => ({
      genericDeviceClass: 0x10,
      specificDeviceClass: 0x01,
      commandClasses: [
        ...BASE,
        ccCaps({ ccId: CommandClasses['Binary Switch'], version: 2, defaultValue: false }),
        ccCaps({ ccId: CommandClasses.Configuration, version: 4, bulkSupport: false, parameters: RELAY_PARAMETERS }),
        { ccId: CommandClasses.Association, version: 2 },
        { ccId: CommandClasses['Firmware Update Meta Data'], version: 5 },
      ],
    }),
    behaviors: [associationBehavior, firmwareUpdateBehavior],
  },
};

/** The relay's configuration parameters, as its Configuration CC (v4) describes them. */
export const RELAY_PARAMETERS = [
  {
    '#': 1,
    valueSize: 2,
    name: 'Auto-off timer',
    info: 'Turns the relay off after this long (0: never)',
    minValue: 0,
    maxValue: 3600,
    defaultValue: 0,
  },
  { '#': 2, valueSize: 1, name: 'LED brightness', info: 'Brightness of the status LED', minValue: 0, maxValue: 10, defaultValue: 5 },
  { '#': 3, valueSize: 1, name: 'Power-on state', minValue: 0, maxValue: 2, defaultValue: 2 },
];

const INITIAL_READINGS: Partial<Record<SimulatedKind, Record<string, number>>> = {
  multisensor: { temperature: 21.5, humidity: 45, illuminance: 300 },
  plug: { power: 0, energy: 3.2 },
};

/** Makes a simulated device as node `id` of `controller` (not yet in its network); with a `name`, it carries one (Node Naming). */
export function createSimulatedDevice(controller: MockController, kind: SimulatedKind, id: number, name?: string): SimulatedDevice {
  const readings = new Map(Object.entries(INITIAL_READINGS[kind] ?? {}));
  const node = createMockNode(controller, kind, id, readings, name);
  if (DEFINITIONS[kind].sleeps === true) setAsleep(node, true);
  return new SimulatedDevice(kind, node, readings);
}

function createMockNode(
  controller: MockController,
  kind: SimulatedKind,
  id: number,
  readings: ReadonlyMap<string, number>,
  name?: string,
): MockNode {
  const definition = DEFINITIONS[kind];
  const capabilities = definition.capabilities(readings);
  if (name !== undefined)
    capabilities.commandClasses = [...(capabilities.commandClasses ?? []), CommandClasses['Node Naming and Location']];
  // txDelay 0: the mock's per-frame delay would dominate every interview
  const node = new MockNode({
    id,
    controller,
    capabilities: { txDelay: 0, firmwareVersion: '1.0', ...definition.product, ...capabilities },
  });
  node.defineBehavior(...createDefaultMockNodeBehaviors());
  // one call's behaviours are asked in order, before those of earlier calls: reachability first
  node.defineBehavior(reachabilityBehavior, ...definition.behaviors, versionBehavior, ...(name === undefined ? [] : [nodeNamingBehavior]));
  if (name !== undefined) node.state.set(State.name, name);
  return node;
}
