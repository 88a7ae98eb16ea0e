/**
 * A simulated Z-Wave network: zwave-js's own mock serial port and mock controller, with the
 * simulated devices (simulated-devices.ts) in it. The radio opens it like a stick: the real
 * `Driver` gets the mock port's binding factory, and the controller comes to life when the
 * driver opens the port (zwave-js's `testingHooks.onSerialPortOpen`, the way its own
 * `createAndStartDriverWithMockPort` does it). Devices can be put in pairing mode so that the
 * next inclusion (or exclusion) takes them, and the stick can be unplugged (its stream fails
 * the way zwave-js's own serial binding fails when the port closes, and it cannot be opened)
 * and plugged in again: the next open after that builds the controller and the nodes anew,
 * on a new mock port, keeping the nodes' state.
 */
import type { Driver, PartialZWaveOptions } from 'zwave-js';
import { getDefaultSupportedFunctionTypes, MockController, type MockControllerBehavior } from '@zwave-js/testing';
import { FunctionType } from '@zwave-js/serial';
import { MockPort } from '@zwave-js/serial/mock';
import { ZWaveError, ZWaveErrorCodes } from '@zwave-js/core';
import { createDefaultMockControllerBehaviors } from 'zwave-js/Testing';
import type { ZWavePort } from '../zwave-radio.js';
import {
  exclusionBehavior,
  failedNodeBehavior,
  hangBehavior,
  hostRequestLog,
  inclusionBehavior,
  replaceFailedBehavior,
  routingInfoBehavior,
  addTransmitReports,
  type Hang,
  type Pairing,
} from './controller-behaviors.js';
import { firmwareFragmentRelay } from './firmware-behavior.js';
import { createSimulatedDevice, type SimulatedDevice, type SimulatedKind, type SimulatedMember } from './simulated-devices.js';

export const SIMULATED_HOME_ID = 0x7e570001;
const CONTROLLER_NODE_ID = 1;
/** What the mock controller lacks of a real one's Serial API (failed nodes, their replacement, neighbours), answered by the simulator's behaviours. */
const FAILED_NODE_FUNCTIONS = [
  FunctionType.IsFailedNode,
  FunctionType.RemoveFailedNode,
  FunctionType.ReplaceFailedNode,
  FunctionType.GetRoutingInfo,
];

/** What a test adds to the mock controller: Serial API functions it claims and behaviours that answer them (asked before the simulator's own). */
export interface SimulatedControllerExtras {
  functionTypes?: readonly FunctionType[];
  behaviors?: readonly MockControllerBehavior[];
}

export class SimulatedZWaveNetwork {
  private mockPort = new MockPort();
  /** The stick was pulled out since the controller was built: the next open builds a new one on a new port. */
  private pulled = false;
  private mockController: MockController | undefined;
  private readonly pairing: Pairing = { toInclude: undefined, toExclude: undefined, included: undefined };
  private readonly members = new Map<number, SimulatedDevice>();
  private readonly hang: Hang = { hung: false, unplugged: false };
  private plugged = true;
  private stream: ReadableStreamDefaultController<Uint8Array> | undefined;
  private opened: (() => void) | undefined;
  /** The Serial API function of every request the host wrote to the stick (hung or not), in order, across re-plugs. */
  readonly hostRequests: FunctionType[] = [];
  /** Resolves when the driver has opened the port and the controller runs. */
  readonly ready: Promise<void>;

  /** `devices`: the network's devices by node id (2 and up; 1 is the controller), each a kind or a kind with the name it carries. */
  constructor(
    private readonly devices: readonly SimulatedMember[],
    private readonly extras: SimulatedControllerExtras = {},
  ) {
    this.ready = new Promise((resolve) => (this.opened = resolve));
  }

  /** What the radio opens instead of a serial port. */
  get port(): ZWavePort {
    return async () => {
      if (!this.plugged) throw new Error('cannot open the simulated Z-Wave stick: no such device (unplugged)');
      if (this.pulled) {
        // a mock controller reads its port for good: a new stick needs a new port
        this.mockController?.destroy();
        this.mockController = undefined;
        this.mockPort.destroy();
        this.mockPort = new MockPort();
        this.pulled = false;
      }
      // a new stream: the nodes reach the host again (not before: the old stream stays closed after a plug-in until the driver reopens the port)
      this.hang.unplugged = false;
      const binding = await this.mockPort.factory()();
      const source = binding.source;
      return {
        sink: binding.sink,
        source: {
          start: (controller: ReadableStreamDefaultController<Uint8Array>) => {
            this.stream = controller;
            return source.start?.(controller) as unknown;
          },
          ...(source.pull === undefined ? {} : { pull: source.pull.bind(source) }),
          ...(source.cancel === undefined ? {} : { cancel: source.cancel.bind(source) }),
        },
      };
    };
  }

  /** The stick is pulled out: the open port fails as a vanished serial port does, and it cannot be opened. */
  unplug(): void {
    this.plugged = false;
    this.hang.unplugged = true;
    this.pulled = this.mockController !== undefined;
    this.stream?.error(new ZWaveError('The serial port closed unexpectedly!', ZWaveErrorCodes.Driver_SerialPortClosed));
    this.stream = undefined;
  }

  plugIn(): void {
    this.plugged = true;
  }

  get pluggedIn(): boolean {
    return this.plugged;
  }

  /**
   * The stick hangs (the port stays open, nothing answers: no ACK, no response, no callback),
   * as a coordinator whose firmware locked up does; `hung(false)` brings it back.
   */
  hung(hung: boolean): void {
    this.hang.hung = hung;
    if (this.mockController !== undefined) this.mockController.autoAckHostMessages = !hung;
  }

  /** Driver options the simulation needs: the hook that starts the controller, and no firmware probing. */
  get driverOptions(): PartialZWaveOptions {
    return {
      testingHooks: {
        skipFirmwareIdentification: true,
        onSerialPortOpen: (serial) => {
          // the driver reopens the port itself (soft reset): the controller stays
          if (this.mockController !== undefined) {
            this.opened?.();
            return Promise.resolve();
          }
          const controller = new MockController({
            homeId: SIMULATED_HOME_ID,
            ownNodeId: CONTROLLER_NODE_ID,
            mockPort: this.mockPort,
            serial,
            capabilities: {
              supportedFunctionTypes: [
                ...getDefaultSupportedFunctionTypes(),
                ...FAILED_NODE_FUNCTIONS,
                ...(this.extras.functionTypes ?? []),
              ],
            },
          });
          controller.defineBehavior(...createDefaultMockControllerBehaviors());
          controller.defineBehavior(...(this.extras.behaviors ?? []));
          // a later call's behaviours are asked first
          controller.defineBehavior(
            inclusionBehavior(this.pairing),
            exclusionBehavior(this.pairing),
            failedNodeBehavior(),
            replaceFailedBehavior(this.pairing),
            routingInfoBehavior(),
            firmwareFragmentRelay,
            hangBehavior(this.hang),
          );
          // asked first of all: it only notes
          controller.defineBehavior(hostRequestLog(this.hostRequests));
          addTransmitReports(controller);
          controller.autoAckHostMessages = !this.hang.hung;
          this.mockController = controller;
          if (this.members.size === 0) {
            this.devices.forEach((member, index) => {
              const { kind, name } = typeof member === 'string' ? { kind: member, name: undefined } : member;
              this.members.set(index + 2, createSimulatedDevice(controller, kind, index + 2, name));
            });
          } else {
            // opened again (a restarted driver): the same devices on the new controller
            for (const device of this.members.values()) device.moveTo(controller);
          }
          for (const device of this.members.values()) controller.addNode(device.node);
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

  /** A new device in pairing mode (carrying `name`, if given): the next inclusion takes it as node `nodeId` (the next free one by default). */
  pairNew(kind: SimulatedKind, nodeId = Math.max(1, ...this.members.keys()) + 1, name?: string): SimulatedDevice {
    const device = createSimulatedDevice(this.controller, kind, nodeId, name);
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

  close(): void {
    this.mockController?.destroy();
    this.mockPort.destroy();
  }
}
