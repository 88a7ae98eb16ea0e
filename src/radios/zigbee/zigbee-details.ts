/**
 * A Zigbee device's `bridge/devices` fields, in Zigbee2MQTT's shape (its `publishDevices` and
 * `Zigbee2MQTTDevice` in lib/types/api.ts): what herdsman's Device knows (addresses, type,
 * power source, ids, interview), the converters definition (model, vendor, description,
 * exposes, options, OTA support) and each endpoint's clusters, bindings and configured reportings.
 */
import type { Models } from 'zigbee-herdsman';
// herdsman internals (not public API; checked against zigbee-herdsman 10.9.5)
import { InterviewState } from 'zigbee-herdsman/dist/controller/model/device.js';
import type { Definition } from 'zigbee-herdsman-converters';
import type { DeviceDetails } from '../radio.js';
import { herdsmanDevice, type ZigbeeAccess } from './zigbee-access.js';

/** Exposes and options are class instances; their JSON is what Zigbee2MQTT publishes. */
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value ?? [])) as unknown;

function definitionPayload(definition: Definition, device: Models.Device): Record<string, unknown> {
  const exposes = typeof definition.exposes === 'function' ? definition.exposes(device, {}) : definition.exposes;
  const icon = (definition as { icon?: unknown }).icon;
  return {
    source: definition.externalConverterName !== undefined ? 'external' : definition.generated === true ? 'generated' : 'native',
    model: definition.model,
    vendor: definition.vendor,
    description: definition.description,
    exposes: plain(exposes),
    supports_ota: Boolean(definition.ota),
    options: plain(definition.options),
    ...(typeof icon === 'string' ? { icon } : {}),
  };
}

function endpointPayload(endpoint: Models.Endpoint): Record<string, unknown> {
  return {
    bindings: endpoint.binds.map((bind) => ({
      cluster: bind.cluster.name,
      target:
        'groupID' in bind.target
          ? { type: 'group', id: bind.target.groupID }
          : { type: 'endpoint', ieee_address: bind.target.deviceIeeeAddress, endpoint: bind.target.ID },
    })),
    configured_reportings: endpoint.configuredReportings.map((reporting) => ({
      cluster: reporting.cluster.name,
      attribute: reporting.attribute.name ?? reporting.attribute.ID,
      minimum_report_interval: reporting.minimumReportInterval,
      maximum_report_interval: reporting.maximumReportInterval,
      reportable_change: reporting.reportableChange,
    })),
    clusters: {
      input: endpoint.getInputClusters().map((cluster) => cluster.name),
      output: endpoint.getOutputClusters().map((cluster) => cluster.name),
    },
    scenes: [],
  };
}

export function zigbeeDeviceDetails(access: ZigbeeAccess, deviceId: string): DeviceDetails | undefined {
  let device: Models.Device;
  try {
    device = herdsmanDevice(access, deviceId);
  } catch {
    return undefined;
  }
  const known = access.known(deviceId);
  const endpoints: Record<number, unknown> = {};
  for (const endpoint of device.endpoints) endpoints[endpoint.ID] = endpointPayload(endpoint);
  const details: DeviceDetails = {
    ieee_address: device.ieeeAddr,
    type: device.type,
    network_address: device.networkAddress,
    supported: known?.supported ?? false,
    disabled: false,
    power_source: device.powerSource,
    software_build_id: device.softwareBuildID,
    date_code: device.dateCode,
    model_id: device.modelID,
    interviewing: device.interviewState === InterviewState.InProgress,
    interview_completed: device.interviewState === InterviewState.Successful,
    interview_state: device.interviewState,
    manufacturer: device.manufacturerName,
    endpoints,
  };
  if (known?.definition !== undefined) details.definition = definitionPayload(known.definition, device);
  return details;
}
