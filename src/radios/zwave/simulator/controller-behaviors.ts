/**
 * Mock controller behaviours for what zwave-js 15.15's mock controller lacks: inclusion and
 * exclusion of a simulated node that is "in pairing mode" (`pairing`), the failed-node check
 * removal and replacement of a node that does not acknowledge (out of range), a node's
 * neighbours (Get Routing Info), the transmit report of a Send Data callback (zwave-js keeps a
 * node's last working route from it), and a controller that stops answering altogether (a hung stick). Checked against zwave-js 15.15.0, whose own
 * behaviour only answers "ready": a Done status report must carry the node's info (a bare
 * node id is not serialised), and the second Stop the driver sends (callback id 0) gets no
 * answer.
 */
import {
  AddNodeStatus,
  AddNodeToNetworkRequest,
  AddNodeToNetworkRequestStatusReport,
  AddNodeType,
  RemoveNodeFromNetworkRequest,
  RemoveNodeFromNetworkRequestStatusReport,
  RemoveNodeStatus,
  RemoveNodeType,
  RemoveFailedNodeRequest,
  RemoveFailedNodeStartFlags,
  RemoveFailedNodeStatus,
  SendDataBridgeRequestTransmitReport,
  SendDataRequestTransmitReport,
} from '@zwave-js/serial/serialapi';
import { ProtocolDataRate, RoutingScheme, TransmitStatus, type TXReport } from '@zwave-js/core';
import { FunctionType, Message, MessageHeaders, MessageType } from '@zwave-js/serial';
import { Bytes } from '@zwave-js/shared';
import type { MockController, MockControllerBehavior, MockNode } from '@zwave-js/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { State } from './node-behaviors.js';

/** The nodes waiting to join or leave, set by the simulator. */
export interface Pairing {
  toInclude: MockNode | undefined;
  toExclude: MockNode | undefined;
  /** Included, its Done report not yet sent. */
  included: MockNode | undefined;
}

function nodeInfoOf(node: MockNode) {
  return {
    nodeId: node.id,
    basicDeviceClass: node.capabilities.basicDeviceClass,
    genericDeviceClass: node.capabilities.genericDeviceClass,
    specificDeviceClass: node.capabilities.specificDeviceClass,
    supportedCCs: [...node.implementedCCs].filter(([, info]) => info.isSupported).map(([cc]) => cc),
    controlledCCs: [],
  };
}

const NO_NODE = { nodeId: 0, basicDeviceClass: 0, genericDeviceClass: 0, specificDeviceClass: 0, supportedCCs: [], controlledCCs: [] };
const STEP_MS = 20;

/** Whether the simulated stick is hung: it takes bytes and answers nothing, not even an ACK. */
export interface Hang {
  hung: boolean;
  /** Pulled out: nothing from the nodes can reach the host. */
  unplugged: boolean;
}

/**
 * Notes the Serial API function of every request frame the host writes to the stick, and lets
 * the others answer it. Asked before them: it notes what a hung stick swallows too, which the
 * mock controller's own `receivedHostMessages` never sees.
 */
export function hostRequestLog(log: FunctionType[]): MockControllerBehavior {
  return {
    onHostData: (_controller, data) => {
      // a data frame: start of frame, length, type, function
      if (data.length > 3 && data[0] === MessageHeaders.SOF && data[2] === (MessageType.Request as number))
        log.push(data[3] as FunctionType);
      return false;
    },
  };
}

/** While `hang.hung`, swallows everything the host sends (the controller must not auto-ACK meanwhile) and passes nothing from the nodes on. */
export function hangBehavior(hang: Hang): MockControllerBehavior {
  return { onHostData: () => hang.hung, onNodeFrame: () => hang.hung || hang.unplugged };
}

export function inclusionBehavior(pairing: Pairing): MockControllerBehavior {
  return {
    async onHostMessage(controller, message) {
      if (!(message instanceof AddNodeToNetworkRequest)) return false;
      const report = (status: AddNodeStatus, nodeInfo?: ReturnType<typeof nodeInfoOf>) =>
        controller.sendMessageToHost(
          new AddNodeToNetworkRequestStatusReport({
            callbackId: message.callbackId,
            status,
            ...(nodeInfo === undefined ? {} : { nodeInfo }),
          } as ConstructorParameters<typeof AddNodeToNetworkRequestStatusReport>[0]),
        );
      if (message.addNodeType === AddNodeType.Stop) {
        if (message.callbackId === 0) return true;
        const included = pairing.included;
        pairing.included = undefined;
        await report(AddNodeStatus.Done, included === undefined ? NO_NODE : nodeInfoOf(included));
        return true;
      }
      await report(AddNodeStatus.Ready);
      const node = pairing.toInclude;
      if (node === undefined) return true; // inclusion mode until stopped
      pairing.toInclude = undefined;
      void (async () => {
        await sleep(STEP_MS);
        await report(AddNodeStatus.NodeFound);
        await sleep(STEP_MS);
        await report(AddNodeStatus.AddingSlave, nodeInfoOf(node));
        controller.addNode(node);
        pairing.included = node;
        await sleep(STEP_MS);
        await report(AddNodeStatus.ProtocolDone);
      })();
      return true;
    },
  };
}

export function exclusionBehavior(pairing: Pairing): MockControllerBehavior {
  return {
    async onHostMessage(controller, message) {
      if (!(message instanceof RemoveNodeFromNetworkRequest)) return false;
      const report = (status: RemoveNodeStatus, nodeId?: number) =>
        controller.sendMessageToHost(
          new RemoveNodeFromNetworkRequestStatusReport({
            callbackId: message.callbackId,
            status,
            ...(nodeId === undefined ? {} : { nodeId }),
          } as ConstructorParameters<typeof RemoveNodeFromNetworkRequestStatusReport>[0]),
        );
      if (message.removeNodeType === RemoveNodeType.Stop) {
        if (message.callbackId !== 0) await report(RemoveNodeStatus.Done);
        return true;
      }
      await report(RemoveNodeStatus.Ready);
      const node = pairing.toExclude;
      if (node === undefined) return true;
      pairing.toExclude = undefined;
      void (async () => {
        await sleep(STEP_MS);
        await report(RemoveNodeStatus.NodeFound);
        await sleep(STEP_MS);
        await report(RemoveNodeStatus.RemovingSlave, node.id);
        controller.removeNode(node);
        await sleep(STEP_MS);
        await report(RemoveNodeStatus.Done);
      })();
      return true;
    },
  };
}

/**
 * A node is failed when it acknowledges nothing (out of range); such a node can be removed
 * without its cooperation. zwave-js 15.15 cannot serialise these answers (nor parse the Is
 * Failed Node request), so they go out as raw Serial API frames with the payload the host
 * API specification gives; node ids are 8-bit here.
 */
export function failedNodeBehavior(): MockControllerBehavior {
  const failed = (controller: Parameters<NonNullable<MockControllerBehavior['onHostMessage']>>[0], nodeId: number): boolean => {
    const node = controller.nodes.get(nodeId);
    return node !== undefined && !node.autoAckControllerFrames;
  };
  const frame = (type: MessageType, payload: number[]): Message =>
    new Message({ type, functionType: FunctionType.RemoveFailedNode, payload: Bytes.from(payload) });
  return {
    async onHostMessage(controller, message) {
      if (message.functionType === FunctionType.IsFailedNode && message.type === MessageType.Request) {
        const nodeId = message.payload[0] ?? 0;
        const answer = new Message({
          type: MessageType.Response,
          functionType: FunctionType.IsFailedNode,
          payload: Bytes.from([failed(controller, nodeId) ? 1 : 0]),
        });
        await controller.sendMessageToHost(answer);
        return true;
      }
      if (!(message instanceof RemoveFailedNodeRequest)) return false;
      const node = controller.nodes.get(message.failedNodeId);
      if (node === undefined || !failed(controller, message.failedNodeId)) {
        await controller.sendMessageToHost(frame(MessageType.Response, [RemoveFailedNodeStartFlags.RemoveFailed]));
        return true;
      }
      await controller.sendMessageToHost(frame(MessageType.Response, [RemoveFailedNodeStartFlags.OK]));
      await sleep(STEP_MS);
      controller.removeNode(node);
      await controller.sendMessageToHost(frame(MessageType.Request, [message.callbackId ?? 0, RemoveFailedNodeStatus.NodeRemoved]));
      return true;
    },
  };
}

/** The 29-byte node mask of the Serial API (node 1 is bit 0 of the first byte). */
function nodeMask(nodeIds: Iterable<number>): number[] {
  const mask = Array.from({ length: 29 }, () => 0);
  for (const id of nodeIds) if (id >= 1 && id <= 232) mask[(id - 1) >> 3] = (mask[(id - 1) >> 3] ?? 0) | (1 << ((id - 1) & 7));
  return mask;
}

/**
 * Get Routing Info: a node's neighbours are every other node of the simulated network in range
 * (all of them hear each other, asleep or not), the controller among them. zwave-js 15.15
 * cannot parse the request nor serialise the answer, so both are raw Serial API frames.
 */
export function routingInfoBehavior(): MockControllerBehavior {
  return {
    async onHostMessage(controller, message) {
      if (message.functionType !== FunctionType.GetRoutingInfo || message.type !== MessageType.Request) return false;
      const nodeId = message.payload[0] ?? 0;
      const node = controller.nodes.get(nodeId);
      // a sleeping node is in range all the same: the controller's table lists it
      const inRange = (mock: MockNode | undefined): boolean => mock !== undefined && mock.state.get(State.unreachable) !== true;
      const others = [...controller.nodes.values()].filter((other) => other.id !== nodeId && inRange(other)).map((n) => n.id);
      // the controller's own entry: every node in range
      const neighbours = nodeId === controller.ownNodeId ? others : inRange(node) ? [controller.ownNodeId, ...others] : [];
      await controller.sendMessageToHost(
        new Message({ type: MessageType.Response, functionType: FunctionType.GetRoutingInfo, payload: Bytes.from(nodeMask(neighbours)) }),
      );
      return true;
    },
  };
}

/**
 * The transmit report of a Send Data callback, which zwave-js 15.15's mock leaves out: zwave-js
 * keeps a node's last working route (its statistics' `lwr`) from it. Every simulated node hears
 * the controller directly (no repeaters, 100 kbit/s; no RSSI, which would make zwave-js's
 * lifeline health check ask the controller's background RSSI, which the mock lacks). The
 * controller's callbacks (Send Data, Send Data Bridge) get the report on their way to the host.
 */
export function addTransmitReports(controller: MockController): void {
  const send = controller.sendMessageToHost.bind(controller);
  const txReport: TXReport = {
    txTicks: 1,
    repeaterNodeIds: [],
    routeSpeed: ProtocolDataRate.ZWave_100k,
    txChannelNo: 0,
    routeSchemeState: RoutingScheme.Direct,
    beam1000ms: false,
    beam250ms: false,
    routingAttempts: 1,
  };
  controller.sendMessageToHost = (message, fromNode) => {
    if (
      (message instanceof SendDataBridgeRequestTransmitReport || message instanceof SendDataRequestTransmitReport) &&
      message.transmitStatus === TransmitStatus.OK &&
      message.txReport === undefined
    ) {
      const report = { callbackId: message.callbackId ?? 0, transmitStatus: TransmitStatus.OK, txReport };
      message =
        message instanceof SendDataBridgeRequestTransmitReport
          ? new SendDataBridgeRequestTransmitReport(report)
          : new SendDataRequestTransmitReport(report);
    }
    return send(message, fromNode);
  };
}

/** ReplaceFailedNodeStatus of the Serial API. */
const REPLACE_READY = 3;
const REPLACE_DONE = 4;

/**
 * Replace Failed Node: a failed node (one that acknowledges nothing) is replaced by the device
 * in pairing mode (`pairing.toInclude`, which the simulator gives the failed node's id), as a
 * real controller's replace mode includes the next device under the old node id. zwave-js
 * 15.15's mock cannot parse the request (its parser throws, so the mock never ACKs it) nor
 * serialise the answers: the request is read from the raw frame (SOF, length, type, function,
 * node id, callback id, checksum) and the answers go out as raw Serial API frames.
 */
export function replaceFailedBehavior(pairing: Pairing): MockControllerBehavior {
  const frame = (type: MessageType, payload: number[]): Message =>
    new Message({ type, functionType: FunctionType.ReplaceFailedNode, payload: Bytes.from(payload) });
  const replace = async (controller: MockController, failedId: number, callbackId: number): Promise<void> => {
    const failed = controller.nodes.get(failedId);
    if (failed === undefined || failed.autoAckControllerFrames) {
      await controller.sendMessageToHost(frame(MessageType.Response, [RemoveFailedNodeStartFlags.RemoveFailed]));
      return;
    }
    await controller.sendMessageToHost(frame(MessageType.Response, [0]));
    await sleep(STEP_MS);
    await controller.sendMessageToHost(frame(MessageType.Request, [callbackId, REPLACE_READY]));
    while (pairing.toInclude === undefined) await sleep(STEP_MS);
    const replacement = pairing.toInclude;
    pairing.toInclude = undefined;
    controller.removeNode(failed);
    controller.addNode(replacement);
    await sleep(STEP_MS);
    await controller.sendMessageToHost(frame(MessageType.Request, [callbackId, REPLACE_DONE]));
  };
  return {
    onHostData(controller, data) {
      if (data.length < 7 || data[2] !== MessageType.Request || data[3] !== FunctionType.ReplaceFailedNode) return false;
      controller.ackHostMessage();
      void replace(controller, data[4] ?? 0, data[5] ?? 0);
      return true;
    },
  };
}
