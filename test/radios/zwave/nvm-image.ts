/**
 * A 700-series controller NVM image for the mock controller (nvm-controller.ts), built with
 * zwave-js's own NVM editor (@zwave-js/nvmedit's `jsonToNVM`, as zwave-js 15.15 reads and
 * migrates it): the simulated network's home id, the controller as node 1 and `nodes` as
 * listening end nodes; `applicationName` tells two images apart.
 */
import { jsonToNVM, type NVMJSON, type NVMJSONNode } from '@zwave-js/nvmedit';
import { SIMULATED_HOME_ID } from '../../../src/radios/zwave/simulator/simulated-network.js';

/** The mock controller's SDK (its library version, "Z-Wave 7.17.99"). */
export const MOCK_SDK_VERSION = '7.17.99';

function endNode(neighbors: number[]): NVMJSONNode {
  return {
    isVirtual: false,
    isListening: true,
    isFrequentListening: false,
    isRouting: true,
    supportedDataRates: [40000, 100000],
    protocolVersion: 3,
    optionalFunctionality: true,
    nodeType: 1,
    supportsSecurity: false,
    supportsBeaming: true,
    genericDeviceClass: 0x10,
    specificDeviceClass: 0x01,
    neighbors,
    sucUpdateIndex: 0,
    appRouteLock: false,
    routeSlaveSUC: false,
    sucPendingUpdate: false,
    pendingDiscovery: false,
  };
}

export async function nvmImage(nodes: number[], applicationName: string): Promise<Uint8Array> {
  const all = [1, ...nodes];
  const json: NVMJSON = {
    format: 4,
    controller: {
      protocolVersion: '7.17.0',
      applicationVersion: MOCK_SDK_VERSION,
      homeId: `0x${SIMULATED_HOME_ID.toString(16)}`,
      nodeId: 1,
      lastNodeId: Math.max(...all),
      staticControllerNodeId: 1,
      sucLastIndex: 0,
      controllerConfiguration: 0x38,
      sucUpdateEntries: [],
      maxNodeId: Math.max(...all),
      reservedId: 0,
      systemState: 0,
      isListening: true,
      optionalFunctionality: true,
      genericDeviceClass: 0x02,
      specificDeviceClass: 0x07,
      commandClasses: { includedInsecurely: [], includedSecurelyInsecureCCs: [], includedSecurelySecureCCs: [] },
      applicationName,
    },
    nodes: Object.fromEntries(all.map((id) => [id, endNode(all.filter((other) => other !== id))])),
  };
  return jsonToNVM(json, MOCK_SDK_VERSION);
}
