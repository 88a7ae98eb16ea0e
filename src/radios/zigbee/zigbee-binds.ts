/**
 * Binds and unbinds, as Zigbee2MQTT's bind extension makes them: a source endpoint's clusters
 * bound to a device's endpoint, a group (herdsman's `Group`) or the coordinator through
 * herdsman's `Endpoint.bind` / `unbind` (ZDO bind requests; herdsman keeps them in
 * `Endpoint.binds`, which `bridge/devices` reads). Without a cluster list, the clusters Zigbee2MQTT
 * tries are those both sides have (a group takes any). After a bind, the bound lights report to
 * the hub (bind to the coordinator and configure reporting), so the hub's state follows what the
 * remote switches; after an unbind, reporting no bind needs any more is turned down again.
 */
import type { Models } from 'zigbee-herdsman';
import type { Definition } from 'zigbee-herdsman-converters';
import { describeError, ErrorCode, HearthError } from '../../errors.js';
import type { BindRequest, BindResult } from '../zigbee-tools-api.js';

type Device = Models.Device;
type Endpoint = Models.Endpoint;
type Group = Models.Group;

/** Zigbee2MQTT's candidates when a request names no clusters (lib/extension/bind.ts). */
export const BIND_CLUSTER_CANDIDATES = [
  'genScenes',
  'genOnOff',
  'genLevelCtrl',
  'lightingColorCtrl',
  'closuresWindowCovering',
  'hvacThermostat',
  'msIlluminanceMeasurement',
  'msTemperatureMeasurement',
  'msRelativeHumidity',
  'msSoilMoisture',
  'msCO2',
] as const;

const REPORT_DEFAULTS = { minimumReportInterval: 5, maximumReportInterval: 3600, reportableChange: 1 };
/** What a bound light reports to the hub, by cluster (as Zigbee2MQTT sets up). */
const REPORTING: Record<
  string,
  { attribute: string; minimumReportInterval: number; maximumReportInterval: number; reportableChange: number }[]
> = {
  genOnOff: [{ attribute: 'onOff', ...REPORT_DEFAULTS, minimumReportInterval: 0, reportableChange: 0 }],
  genLevelCtrl: [{ attribute: 'currentLevel', ...REPORT_DEFAULTS }],
  lightingColorCtrl: [{ attribute: 'colorTemperature', ...REPORT_DEFAULTS }],
  closuresWindowCovering: [
    { attribute: 'currentPositionLiftPercentage', ...REPORT_DEFAULTS },
    { attribute: 'currentPositionTiltPercentage', ...REPORT_DEFAULTS },
  ],
};

export interface BindEnvironment {
  device(deviceId: string): Device;
  definition(device: Device): Promise<Definition | undefined>;
  group(groupId: number): Group | undefined;
  coordinatorEndpoint(): Endpoint;
  devices(): Iterable<Device>;
  warn(message: string): void;
}

/** An endpoint by id, by the definition's name for it, or `default` (the definition's default, else the first). */
export async function endpointOf(
  env: BindEnvironment,
  device: Device,
  key: string | number | undefined,
  deviceId: string,
): Promise<Endpoint> {
  let endpoint: Endpoint | undefined;
  if (typeof key === 'number' || (typeof key === 'string' && /^\d+$/.test(key))) endpoint = device.getEndpoint(Number(key));
  else {
    const named = (await env.definition(device))?.endpoint?.(device) ?? {};
    const id = named[key === undefined || key === 'default' ? 'default' : key];
    endpoint = id === undefined ? (key === undefined || key === 'default' ? device.endpoints[0] : undefined) : device.getEndpoint(id);
  }
  if (endpoint === undefined)
    throw new HearthError(ErrorCode.CommandInvalid, `${deviceId} has no endpoint ${JSON.stringify(key ?? 'default').slice(0, 40)}`);
  return endpoint;
}

export async function bindOrUnbind(env: BindEnvironment, type: 'bind' | 'unbind', request: BindRequest): Promise<BindResult> {
  const sourceDevice = env.device(request.from);
  const source = await endpointOf(env, sourceDevice, request.fromEndpoint, request.from);
  let target: Endpoint | Group;
  if ('group' in request.to) {
    const group = env.group(request.to.group);
    if (group === undefined) throw new HearthError(ErrorCode.CommandInvalid, `there is no Zigbee group ${request.to.group}`);
    target = group;
  } else if ('coordinator' in request.to) {
    target = env.coordinatorEndpoint();
  } else {
    const targetDevice = env.device(request.to.device);
    target = await endpointOf(env, targetDevice, request.to.endpoint, request.to.device);
  }
  const anyCluster = !isEndpoint(target) || target.getDevice().type === 'Coordinator';
  const bound: string[] = [];
  const failed: string[] = [];
  const attempted: string[] = [];
  for (const cluster of request.clusters ?? BIND_CLUSTER_CANDIDATES) {
    const sourceHas = source.supportsInputCluster(cluster) || source.supportsOutputCluster(cluster);
    const shared =
      anyCluster ||
      (isEndpoint(target) &&
        ((target.supportsInputCluster(cluster) && source.supportsOutputCluster(cluster)) ||
          (source.supportsInputCluster(cluster) && target.supportsOutputCluster(cluster))));
    if (!sourceHas || !shared) continue;
    attempted.push(cluster);
    try {
      if (type === 'bind') await source.bind(cluster, target);
      else await source.unbind(cluster, target);
      bound.push(cluster);
    } catch (error) {
      env.warn(`${type} of ${cluster} from ${request.from} failed: ${describeError(error)}`);
      failed.push(cluster);
    }
  }
  if (attempted.length === 0)
    throw new HearthError(
      ErrorCode.CommandInvalid,
      `nothing to ${type}: ${request.from} and the target share none of the clusters asked for`,
    );
  if (failed.length === attempted.length)
    throw new HearthError(ErrorCode.DeviceUnreachable, `failed to ${type} ${failed.join(', ')} from ${request.from}`);
  if (type === 'bind')
    await setupReporting(
      env,
      source.binds.filter((b) => bound.includes(b.cluster.name) && b.target === target),
    );
  else if (request.skipDisableReporting !== true) await disableUnneededReporting(env, target);
  return { fromEndpoint: source.ID, toEndpoint: isEndpoint(target) ? target.ID : undefined, clusters: bound, failed };
}

function isEndpoint(target: Endpoint | Group): target is Endpoint {
  return 'deviceIeeeAddress' in target;
}

function membersOf(target: Endpoint | Group): Endpoint[] {
  return isEndpoint(target) ? [target] : target.members;
}

/** The bound lights report to the hub: bound to the coordinator, reporting configured (once per endpoint and cluster). */
async function setupReporting(env: BindEnvironment, binds: Models.Endpoint['binds']): Promise<void> {
  const coordinator = env.coordinatorEndpoint();
  for (const bind of binds) {
    const items = REPORTING[bind.cluster.name];
    if (items === undefined) continue;
    for (const endpoint of membersOf(bind.target)) {
      if (!endpoint.supportsInputCluster(bind.cluster.name)) continue;
      const reported = endpoint.configuredReportings.some((c) => c.cluster.name === bind.cluster.name);
      const toHub = endpoint.binds.some((b) => b.cluster.name === bind.cluster.name && b.target === coordinator);
      if (reported && toHub) continue;
      try {
        await endpoint.bind(bind.cluster.name, coordinator);
        await endpoint.configureReporting(bind.cluster.name, items as never);
      } catch (error) {
        env.warn(`reporting of ${bind.cluster.name} on ${endpoint.deviceIeeeAddress}/${endpoint.ID} not set up: ${describeError(error)}`);
      }
    }
  }
}

/** After an unbind: reporting to the hub that no bind needs any more is turned down (maximum interval 0xffff). */
async function disableUnneededReporting(env: BindEnvironment, target: Endpoint | Group): Promise<void> {
  const coordinator = env.coordinatorEndpoint();
  const binds = [...env.devices()].filter((d) => d.type !== 'Coordinator').flatMap((d) => d.endpoints.flatMap((e) => e.binds));
  for (const endpoint of membersOf(target)) {
    const required = new Set(
      binds.filter((b) => (isEndpoint(b.target) ? b.target === endpoint : b.target.members.includes(endpoint))).map((b) => b.cluster.name),
    );
    for (const bind of endpoint.binds.filter((b) => b.target === coordinator && !required.has(b.cluster.name))) {
      const items = REPORTING[bind.cluster.name];
      if (items === undefined) continue;
      try {
        await endpoint.unbind(bind.cluster.name, coordinator);
        await endpoint.configureReporting(bind.cluster.name, items.map((item) => ({ ...item, maximumReportInterval: 0xffff })) as never);
      } catch (error) {
        env.warn(
          `reporting of ${bind.cluster.name} on ${endpoint.deviceIeeeAddress}/${endpoint.ID} not turned down: ${describeError(error)}`,
        );
      }
    }
  }
}
