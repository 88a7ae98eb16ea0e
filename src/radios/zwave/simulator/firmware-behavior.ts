/**
 * A simulated node's Firmware Update Meta Data CC (v5), the node's side of an over-the-air
 * update as the specification describes it: it answers Meta Data Get (upgradable, its
 * manufacturer and firmware id, fragments of at most FRAGMENT_SIZE bytes), accepts a Request
 * Get, then asks for the image fragment by fragment (Firmware Update Meta Data Get), checks
 * each fragment's CRC-16 and, after the last, the whole image's checksum against the one the
 * Request Get announced, and ends with a Status Report. What it received is kept in its state
 * (`received`), and its firmware version becomes `versionAfterUpdate` when one is set.
 * `stopAfter` makes it stop answering (out of range) after that many fragments.
 *
 * zwave-js 15.15 cannot deserialise the Firmware Update Meta Data Report the host sends
 * (`FirmwareUpdateMetaDataCCReport.from` throws Deserialization_NotImplemented, and the mock
 * controller's SendData behaviour rethrows it, which ends the mock's radio loop), so
 * `firmwareFragmentRelay` carries those frames to the node as a raw Command Class, the way the
 * mock controller itself does for a CC it does not know, and the node reads the bytes.
 */
import {
  CommandClass,
  FirmwareUpdateMetaDataCCGet,
  FirmwareUpdateMetaDataCCMetaDataGet,
  FirmwareUpdateMetaDataCCMetaDataReport,
  FirmwareUpdateMetaDataCCRequestGet,
  FirmwareUpdateMetaDataCCRequestReport,
  FirmwareUpdateMetaDataCCStatusReport,
  FirmwareUpdateRequestStatus,
  FirmwareUpdateStatus,
} from '@zwave-js/cc';
import { CommandClasses, CRC16_CCITT, TransmitStatus } from '@zwave-js/core';
import {
  SendDataBridgeRequest,
  SendDataBridgeRequestTransmitReport,
  SendDataBridgeResponse,
  SendDataRequest,
  SendDataRequestTransmitReport,
  SendDataResponse,
} from '@zwave-js/serial/serialapi';
import { Bytes } from '@zwave-js/shared';
import { createMockZWaveRequestFrame, type MockControllerBehavior, type MockNode, type MockNodeBehavior } from '@zwave-js/testing';
import { setReachable, State } from './node-behaviors.js';

/** Firmware Update Meta Data Report (the host's fragment), by its command number. */
const FRAGMENT_REPORT = 0x06;
const FIRMWARE_CC = CommandClasses['Firmware Update Meta Data'];
export const FIRMWARE_ID = 0x0101;
export const FRAGMENT_SIZE = 32;

/** Keys of the node's state the firmware update uses. */
export const FirmwareState = {
  /** The update under way: the checksum announced and the fragments so far. */
  transfer: 'hearth.firmware.transfer',
  /** The image of the last completed update. */
  received: 'hearth.firmware.received',
  /** Stop answering after this many fragments (the node went out of range mid-way). */
  stopAfter: 'hearth.firmware.stopAfter',
  /** Called as it stops answering (a test moves its clock on from there). */
  onStop: 'hearth.firmware.onStop',
  /** The firmware version the node reports after a completed update. */
  versionAfterUpdate: 'hearth.firmware.versionAfterUpdate',
} as const;

interface Transfer {
  checksum: number;
  fragments: Uint8Array[];
}

async function askForFragment(self: MockNode, reportNumber: number): Promise<void> {
  const get = new FirmwareUpdateMetaDataCCGet({ nodeId: self.controller.ownNodeId, numReports: 1, reportNumber });
  await self.sendToController(createMockZWaveRequestFrame(get, { ackRequested: false }));
}

async function finish(self: MockNode, transfer: Transfer): Promise<void> {
  const image = Bytes.concat(transfer.fragments);
  const good = CRC16_CCITT(image) === transfer.checksum;
  self.state.delete(FirmwareState.transfer);
  if (good) {
    self.state.set(FirmwareState.received, image);
    const next = self.state.get(FirmwareState.versionAfterUpdate) as string | undefined;
    if (next !== undefined) self.state.set(State.firmwareVersion, next);
  }
  const status = new FirmwareUpdateMetaDataCCStatusReport({
    nodeId: self.controller.ownNodeId,
    status: good ? FirmwareUpdateStatus.OK_NoRestart : FirmwareUpdateStatus.Error_Checksum,
    waitTime: 0,
  });
  await self.sendToController(createMockZWaveRequestFrame(status, { ackRequested: false }));
}

/** One fragment from the host: report number (15 bits, the top bit marks the last), data, CRC-16 over the CC header and all before it. */
function onFragment(self: MockNode, cc: CommandClass): void {
  const transfer = self.state.get(FirmwareState.transfer) as Transfer | undefined;
  if (transfer === undefined) return;
  const payload = Bytes.view(cc.payload);
  const body = payload.subarray(0, payload.length - 2);
  const crc = CRC16_CCITT(body, CRC16_CCITT(Bytes.from([FIRMWARE_CC, FRAGMENT_REPORT])));
  const number = payload.readUInt16BE(0) & 0x7fff;
  const isLast = (payload[0] ?? 0) >= 0x80;
  // a corrupt fragment or one out of turn is asked for again
  if (crc !== payload.readUInt16BE(payload.length - 2) || number !== transfer.fragments.length + 1) {
    void askForFragment(self, transfer.fragments.length + 1);
    return;
  }
  transfer.fragments.push(Bytes.from(body.subarray(2)));
  const stopAfter = self.state.get(FirmwareState.stopAfter) as number | undefined;
  if (stopAfter !== undefined && transfer.fragments.length >= stopAfter) {
    setReachable(self, false);
    (self.state.get(FirmwareState.onStop) as (() => void) | undefined)?.();
    return;
  }
  void (isLast ? finish(self, transfer) : askForFragment(self, number + 1));
}

export const firmwareUpdateBehavior: MockNodeBehavior = {
  handleCC(controller, self, cc) {
    if (cc instanceof FirmwareUpdateMetaDataCCMetaDataGet) {
      const report = new FirmwareUpdateMetaDataCCMetaDataReport({
        nodeId: controller.ownNodeId,
        manufacturerId: self.capabilities.manufacturerId,
        firmwareId: FIRMWARE_ID,
        checksum: 0,
        firmwareUpgradable: true,
        maxFragmentSize: FRAGMENT_SIZE,
        additionalFirmwareIDs: [],
        hardwareVersion: 1,
        continuesToFunction: true,
        supportsActivation: false,
      });
      return { action: 'sendCC', cc: report };
    }
    if (cc instanceof FirmwareUpdateMetaDataCCRequestGet) {
      const accepted = cc.manufacturerId === self.capabilities.manufacturerId && cc.firmwareId === FIRMWARE_ID;
      if (accepted) {
        self.state.set(FirmwareState.transfer, { checksum: cc.checksum, fragments: [] } satisfies Transfer);
        setImmediate(() => void askForFragment(self, 1));
      }
      const status = accepted ? FirmwareUpdateRequestStatus.OK : FirmwareUpdateRequestStatus.Error_InvalidManufacturerOrFirmwareID;
      return { action: 'sendCC', cc: new FirmwareUpdateMetaDataCCRequestReport({ nodeId: controller.ownNodeId, status }) };
    }
    if (cc.ccId === FIRMWARE_CC && cc.ccCommand === FRAGMENT_REPORT) {
      onFragment(self, cc);
      return { action: 'ok' };
    }
    return undefined;
  },
};

/**
 * Carries the host's firmware fragments to the node as raw CC frames (see the header), answered
 * as the mock's SendData (or SendDataBridge, which the driver uses with a bridge controller) is.
 */
export const firmwareFragmentRelay: MockControllerBehavior = {
  async onHostMessage(controller, message) {
    const bridge = message instanceof SendDataBridgeRequest;
    if (!bridge && !(message instanceof SendDataRequest)) return false;
    const bytes = message.serializedCC;
    if (bytes === undefined || bytes[0] !== FIRMWARE_CC || bytes[1] !== FRAGMENT_REPORT) return false;
    await controller.sendMessageToHost(bridge ? new SendDataBridgeResponse({ wasSent: true }) : new SendDataResponse({ wasSent: true }));
    const node = controller.nodes.get(message.getNodeId() ?? 0);
    const cc = new CommandClass({
      nodeId: controller.ownNodeId,
      ccId: FIRMWARE_CC,
      ccCommand: FRAGMENT_REPORT,
      payload: Bytes.from(bytes.subarray(2)),
    });
    let acked = false;
    if (node !== undefined) {
      try {
        acked = (await controller.sendToNode(node, createMockZWaveRequestFrame(cc, { ackRequested: true })))?.ack === true;
      } catch {
        acked = false; // no ACK in time: the node is out of range
      }
    }
    if (message.callbackId === 0 || message.callbackId === undefined) return true;
    const report = { callbackId: message.callbackId, transmitStatus: acked ? TransmitStatus.OK : TransmitStatus.NoAck };
    await controller.sendMessageToHost(
      bridge ? new SendDataBridgeRequestTransmitReport(report) : new SendDataRequestTransmitReport(report),
    );
    return true;
  },
};
