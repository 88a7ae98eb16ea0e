/**
 * Every bridge request the hub answers, by command: the feature modules of this folder, merged.
 * A new feature adds its module here; a command named twice is a programming error caught at load.
 */
import type { RequestModule } from './request-module.js';
import { deviceRequests } from './device-requests.js';
import { groupRequests } from './group-requests.js';
import { roomRequests } from './room-requests.js';
import { zwaveInclusionRequests } from './zwave-inclusion-requests.js';
import { ruleRequests } from './rule-requests.js';
import { zigbeeBindRequests } from './zigbee-bind-requests.js';
import { networkMapRequests } from './network-map-requests.js';
import { zigbeeDeviceRequests } from './zigbee-device-requests.js';
import { zigbeeOtaRequests } from './zigbee-ota-requests.js';
import { zwaveConfigRequests } from './zwave-config-requests.js';
import { zwaveAssociationRequests } from './zwave-association-requests.js';
import { zwaveNodeRequests } from './zwave-node-requests.js';
import { zwaveFirmwareRequests } from './zwave-firmware-requests.js';

const MODULES: readonly RequestModule[] = [
  deviceRequests,
  roomRequests,
  groupRequests,
  zwaveInclusionRequests,
  zigbeeBindRequests,
  networkMapRequests,
  zigbeeDeviceRequests,
  zigbeeOtaRequests,
  ruleRequests,
  zwaveConfigRequests,
  zwaveAssociationRequests,
  zwaveNodeRequests,
  zwaveFirmwareRequests,
];

function merged(modules: readonly RequestModule[]): RequestModule {
  const all: RequestModule = Object.create(null) as RequestModule;
  for (const module of modules) {
    for (const [command, request] of Object.entries(module)) {
      if (Object.hasOwn(all, command)) throw new Error(`bridge request ${command} is defined twice`);
      all[command] = request;
    }
  }
  return all;
}

export const ALL_REQUESTS: RequestModule = merged(MODULES);
