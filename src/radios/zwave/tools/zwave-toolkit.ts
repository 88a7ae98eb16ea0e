/** The Z-Wave radio's tools (src/radios/zwave-tools.ts) as one object: configuration, associations, node care and firmware updates together. */
import type { ZWaveTools } from '../../zwave-tools.js';
import { AssociationTools } from './association-tools.js';
import { ConfigTools } from './config-tools.js';
import { FirmwareUpdates, type FirmwareSettings } from './firmware-updates.js';
import { NodeCare } from './node-care.js';
import { zwaveNetworkMap } from './network-map.js';
import type { ToolContext } from './tool-context.js';

export function zwaveToolkit(
  context: ToolContext,
  firmwareSettings?: FirmwareSettings,
): ZWaveTools & { care: NodeCare; firmware: FirmwareUpdates } {
  const config = new ConfigTools(context);
  const firmware = new FirmwareUpdates(context, firmwareSettings);
  const associations = new AssociationTools(context);
  const care = new NodeCare(context);
  return {
    care,
    firmware,
    configParameters: (deviceId) => config.configParameters(deviceId),
    configGet: (deviceId, ref, bitmask) => config.configGet(deviceId, ref, bitmask),
    configSet: (deviceId, ref, value, bitmask) => config.configSet(deviceId, ref, value, bitmask),
    associations: (deviceId, endpoint) => associations.associations(deviceId, endpoint),
    addAssociations: (deviceId, group, targets, endpoint) => associations.addAssociations(deviceId, group, targets, endpoint),
    removeAssociations: (deviceId, group, targets, endpoint) => associations.removeAssociations(deviceId, group, targets, endpoint),
    lifeline: (deviceId, repair) => associations.lifeline(deviceId, repair),
    ping: (deviceId) => care.ping(deviceId),
    refreshValues: (deviceId) => care.refreshValues(deviceId),
    reinterview: (deviceId) => care.reinterview(deviceId),
    removeFailed: (deviceId) => care.removeFailed(deviceId),
    replaceFailed: (deviceId) => care.replaceFailed(deviceId),
    rebuildNodeRoutes: (deviceId) => care.rebuildNodeRoutes(deviceId),
    rebuildRoutes: () => care.rebuildRoutes(),
    get meshBusy() {
      return care.meshBusy;
    },
    lifelineHealth: (deviceId, rounds) => care.lifelineHealth(deviceId, rounds),
    statistics: (deviceId) => care.statistics(deviceId),
    allStatistics: () => care.allStatistics(),
    networkMap: () => zwaveNetworkMap(context),
    backupNVM: () => care.backupNVM(),
    restoreNVM: (data) => care.restoreNVM(data),
    updateFirmware: (deviceId, source, target) => firmware.update(deviceId, source, target),
    availableFirmware: (deviceId) => firmware.available(deviceId),
    updateFirmwareFromService: (deviceId, version) => firmware.updateFromService(deviceId, version),
  };
}
