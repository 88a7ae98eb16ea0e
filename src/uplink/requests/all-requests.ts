/**
 * Every bridge request the hub answers, by command: the feature modules of this folder, merged.
 * A new feature adds its module here; a command named twice is a programming error caught at load.
 */
import type { RequestModule } from './request-module.js';
import { deviceRequests } from './device-requests.js';
import { roomRequests } from './room-requests.js';
import { zwaveInclusionRequests } from './zwave-inclusion-requests.js';

const MODULES: readonly RequestModule[] = [deviceRequests, roomRequests, zwaveInclusionRequests];

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
