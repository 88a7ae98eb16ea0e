/**
 * The models the simulated Zigbee network can impersonate: what each real device answers in
 * herdsman's interview (node descriptor, endpoints with their clusters, genBasic's model id and
 * manufacturer name) and the attribute tables it starts with. The model ids and vendors are
 * those zigbee-herdsman-converters knows, so the real definitions match; `widget` is a device
 * no definition knows (the radio registers it as unsupported, with capabilities from its
 * clusters).
 */

export type SimulatedKind = 'bulb' | 'ambiance' | 'climate' | 'door' | 'plug' | 'remote' | 'widget';

export const SIMULATED_KINDS: readonly SimulatedKind[] = ['bulb', 'ambiance', 'climate', 'door', 'plug', 'remote', 'widget'];

/** Attribute values by cluster name and attribute name (herdsman's names). */
export type AttributeTable = Record<string, Record<string, unknown>>;

export interface SimulatedEndpoint {
  id: number;
  profileId: number;
  deviceId: number;
  inputs: string[];
  outputs: string[];
  attributes: AttributeTable;
}

export interface SimulatedModel {
  modelId: string;
  manufacturerName: string;
  manufacturerCode: number;
  /** Router (mains) or end device (battery, sleeps). */
  logicalType: 'router' | 'end-device';
  endpoints: SimulatedEndpoint[];
}

const HA = 0x0104;
const ZLL = 0xc05e;

function basic(model: string, vendor: string, powerSource: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    modelId: model,
    manufacturerName: vendor,
    powerSource,
    zclVersion: 3,
    appVersion: 1,
    stackVersion: 1,
    hwVersion: 1,
    dateCode: '20240101',
    swBuildId: '1.0.0',
    ...extra,
  };
}

const MAINS = 1;
const BATTERY = 3;

export function simulatedModel(kind: SimulatedKind): SimulatedModel {
  switch (kind) {
    case 'bulb':
      return {
        modelId: 'TRADFRI bulb E27 WS opal 980lm',
        manufacturerName: 'IKEA of Sweden',
        manufacturerCode: 0x117c,
        logicalType: 'router',
        endpoints: [
          {
            id: 1,
            profileId: ZLL,
            deviceId: 0x0220,
            inputs: ['genBasic', 'genIdentify', 'genGroups', 'genScenes', 'genOnOff', 'genLevelCtrl', 'lightingColorCtrl', 'touchlink'],
            outputs: ['genOta'],
            attributes: {
              genBasic: basic('TRADFRI bulb E27 WS opal 980lm', 'IKEA of Sweden', MAINS),
              genOnOff: { onOff: 0, startUpOnOff: 1 },
              genLevelCtrl: { currentLevel: 254, onLevel: 255, startUpCurrentLevel: 255 },
              lightingColorCtrl: {
                colorTemperature: 370,
                colorMode: 2,
                colorTempPhysicalMin: 250,
                colorTempPhysicalMax: 454,
                colorCapabilities: 0x10,
                startUpColorTemperature: 0xffff,
              },
            },
          },
        ],
      };
    case 'ambiance':
      return {
        modelId: 'LTW010',
        manufacturerName: 'Signify Netherlands B.V.',
        manufacturerCode: 0x100b,
        logicalType: 'router',
        endpoints: [
          {
            id: 11,
            profileId: HA,
            deviceId: 0x010c,
            inputs: ['genBasic', 'genIdentify', 'genGroups', 'genScenes', 'genOnOff', 'genLevelCtrl', 'lightingColorCtrl', 'touchlink'],
            outputs: ['genOta'],
            attributes: {
              genBasic: basic('LTW010', 'Signify Netherlands B.V.', MAINS),
              genOnOff: { onOff: 0, startUpOnOff: 1 },
              genLevelCtrl: { currentLevel: 254, onLevel: 255, startUpCurrentLevel: 255 },
              lightingColorCtrl: {
                colorTemperature: 366,
                colorMode: 2,
                colorTempPhysicalMin: 153,
                colorTempPhysicalMax: 454,
                colorCapabilities: 0x10,
                startUpColorTemperature: 0xffff,
              },
            },
          },
        ],
      };
    case 'climate':
      return {
        modelId: 'lumi.weather',
        manufacturerName: 'LUMI',
        manufacturerCode: 0x115f,
        logicalType: 'end-device',
        endpoints: [
          {
            id: 1,
            profileId: HA,
            deviceId: 0x5f01,
            inputs: ['genBasic', 'genIdentify', 'msTemperatureMeasurement', 'msPressureMeasurement', 'msRelativeHumidity'],
            outputs: ['genBasic', 'genGroups'],
            attributes: {
              genBasic: basic('lumi.weather', 'LUMI', BATTERY, { zclVersion: 1 }),
              msTemperatureMeasurement: { measuredValue: 2150 },
              msRelativeHumidity: { measuredValue: 4500 },
              msPressureMeasurement: { measuredValue: 1013 },
            },
          },
        ],
      };
    case 'door':
      return {
        modelId: 'lumi.sensor_magnet.aq2',
        manufacturerName: 'LUMI',
        manufacturerCode: 0x115f,
        logicalType: 'end-device',
        endpoints: [
          {
            id: 1,
            profileId: HA,
            deviceId: 0x0104,
            inputs: ['genBasic', 'genIdentify', 'genOnOff'],
            outputs: ['genBasic', 'genGroups'],
            attributes: { genBasic: basic('lumi.sensor_magnet.aq2', 'LUMI', BATTERY, { zclVersion: 1 }), genOnOff: { onOff: 0 } },
          },
        ],
      };
    case 'plug':
      return {
        modelId: 'SP 234',
        manufacturerName: 'innr',
        manufacturerCode: 0x1166,
        logicalType: 'router',
        endpoints: [
          {
            id: 1,
            profileId: HA,
            deviceId: 0x0051,
            inputs: ['genBasic', 'genIdentify', 'genGroups', 'genScenes', 'genOnOff', 'seMetering', 'haElectricalMeasurement', 'touchlink'],
            outputs: ['genOta'],
            attributes: {
              genBasic: basic('SP 234', 'innr', MAINS),
              genOnOff: { onOff: 0 },
              seMetering: { currentSummDelivered: 12_345, multiplier: 1, divisor: 100 },
              haElectricalMeasurement: { activePower: 0, rmsVoltage: 230, rmsCurrent: 0, acPowerMultiplier: 1, acPowerDivisor: 1 },
            },
          },
        ],
      };
    case 'remote':
      return {
        modelId: 'TRADFRI remote control',
        manufacturerName: 'IKEA of Sweden',
        manufacturerCode: 0x117c,
        logicalType: 'end-device',
        endpoints: [
          {
            id: 1,
            profileId: HA,
            deviceId: 0x0820,
            inputs: ['genBasic', 'genPowerCfg', 'genIdentify', 'genAlarms', 'haDiagnostic', 'touchlink'],
            outputs: ['genIdentify', 'genGroups', 'genScenes', 'genOnOff', 'genLevelCtrl', 'genOta', 'touchlink'],
            // firmware 2.4 and later reports battery in half percent, as ZCL says (older IKEA firmware did not)
            attributes: {
              genBasic: basic('TRADFRI remote control', 'IKEA of Sweden', BATTERY, { swBuildId: '2.4.5' }),
              genPowerCfg: { batteryPercentageRemaining: 174, batteryVoltage: 30 },
            },
          },
        ],
      };
    case 'widget':
      return {
        modelId: 'HL-WIDGET-1',
        manufacturerName: 'Hearth Labs',
        manufacturerCode: 0x1234,
        logicalType: 'router',
        endpoints: [
          {
            id: 1,
            profileId: HA,
            deviceId: 0x0100,
            inputs: ['genBasic', 'genIdentify', 'genOnOff', 'msTemperatureMeasurement'],
            outputs: [],
            attributes: {
              genBasic: basic('HL-WIDGET-1', 'Hearth Labs', MAINS),
              genOnOff: { onOff: 0 },
              msTemperatureMeasurement: { measuredValue: 2000 },
            },
          },
        ],
      };
  }
}
