/**
 * A simulated Z-Wave network: zwave-js's own mock serial port and mock controller, with the
 * simulated devices (simulated-devices.ts) in it. The radio opens it like a stick: the real
 * `Driver` gets the mock port's binding factory, and the controller comes to life when the
 * driver opens the port (zwave-js's `testingHooks.onSerialPortOpen`, the way its own
 * `createAndStartDriverWithMockPort` does it). Devices can be put in pairing mode so that the
 * next inclusion (or exclusion) takes them, and the controller can be made to hang.
 */
import type { Driver, PartialZWaveOptions } from 'zwave-js';
import { MockController } from '@zwave-js/testing';
import { MockPort } from '@zwave-js/serial/mock';
import { createDefaultMockControllerBehaviors } from 'zwave-js/Testing';
import type { ZWavePort } from '../zwave-radio.js';
import { exclusionBehavior, inclusionBehavior, setSilent, silenceBehavior, type Pairing } from './controller-behaviors.js';
import { createSimulatedDevice, type SimulatedDevice, type SimulatedKind } from './simulated-devices.js';

export const SIMULATED_HOME_ID = 0x7e570001;
const CONTROLLER_NODE_ID = 1;

export class SimulatedZWaveNetwork {
  private readonly mockPort = new MockPort();
  private mockController: MockController | undefined;
  private readonly pairing: Pairing = { toInclude: undefined, toExclude: undefined, included: undefined };
  private readonly members = new Map<number, SimulatedDevice>();
  private silent = false;
  private opened: (() => void) | undefined;
  /** Resolves when the driver has opened the port and the controller runs. */
  readonly ready: Promise<void>;

  /** `devices`: the network's devices by node id (2 and up; 1 is the controller). */
  constructor(private readonly devices: readonly SimulatedKind[]) {
    this.ready = new Promise((resolve) => (this.opened = resolve));
  }

  /** What the radio opens instead of a serial port. */
  get port(): ZWavePort {
    return this.mockPort.factory();
  }

  /** Driver options the simulation needs: the hook that starts the controller, and no firmware probing. */
  get driverOptions(): PartialZWaveOptions {
    return {
      testingHooks: {
        skipFirmwareIdentification: true,
        onSerialPortOpen: (serial) => {
          if (this.mockController === undefined) {
            const controller = new MockController({ homeId: SIMULATED_HOME_ID, ownNodeId: CONTROLLER_NODE_ID, mockPort: this.mockPort, serial });
            controller.defineBehavior(...createDefaultMockControllerBehaviors());
            // a later call's behaviours are asked first
            controller.defineBehavior(inclusionBehavior(this.pairing), exclusionBehavior(this.pairing), silenceBehavior(() => this.silent));
            this.mockController = controller;
            this.devices.forEach((kind, index) => {
              const device = createSimulatedDevice(controller, kind, index + 2);
              controller.addNode(device.node);
              this.members.set(device.id, device);
            });
          }
          this.opened?.();
          return Promise.resolve();
        },
      },
      // every Get a mock misses costs this much in an interview (the least zwave-js allows)
      timeouts: { report: 500 },
    };
  }

  get controller(): MockController {
    if (this.mockController === undefined) throw new Error('the simulated Z-Wave network has not been opened by a driver');
    return this.mockController;
  }

  /** The device that is node `nodeId`. */
  device(nodeId: number): SimulatedDevice {
    const device = this.members.get(nodeId);
    if (device === undefined) throw new Error(`no simulated Z-Wave node ${nodeId}`);
    return device;
  }

  /** Every device in the network, by node id. */
  get all(): SimulatedDevice[] {
    return [...this.members.values()];
  }

  /** A new device in pairing mode: the next inclusion takes it as node `nodeId` (the next free one by default). */
  pairNew(kind: SimulatedKind, nodeId = Math.max(1, ...this.members.keys()) + 1): SimulatedDevice {
    const device = createSimulatedDevice(this.controller, kind, nodeId);
    this.pairing.toInclude = device.node;
    this.members.set(nodeId, device);
    return device;
  }

  /** A device in pairing mode for leaving: the next exclusion takes it out. */
  pairToLeave(nodeId: number): void {
    this.pairing.toExclude = this.device(nodeId).node;
    this.members.delete(nodeId);
  }

  /**
   * Gives every simulated node without a name `zwave/<kind>` (`zwave/switch`, …), as a user
   * would in a Z-Wave tool, so the demo's devices get readable friendly names. zwave-js keeps
   * names in its cache; a node already announced keeps the friendly name it has.
   */
  nameNodes(driver: Driver): void {
    for (const device of this.members.values()) {
      const node = driver.controller.nodes.get(device.id);
      if (node !== undefined && (node.name === undefined || node.name === '')) node.name = `zwave/${device.kind}`;
    }
  }

  /** A hung controller: it neither acknowledges nor answers (true) until told otherwise. */
  setSilent(silent: boolean): void {
    this.silent = silent;
    setSilent(this.controller, silent);
  }

  close(): void {
    this.mockController?.destroy();
    this.mockPort.destroy();
  }
}
