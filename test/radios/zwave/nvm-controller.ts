/**
 * A mock controller NVM for zwave-js 15.15's mock controller, which answers none of the NVM
 * calls: an image held in memory, read and written through the 700-series Serial API the
 * driver uses on it (NVM Operations 0x2e: open, read, write, close; the mock's SDK is 7.17,
 * and it claims no Extended NVM Operations) and the radio switched off and on around it
 * (Set RF Receive Mode 0x10; a soft reset turns it on again). zwave-js cannot parse these requests on the controller's side
 * (their `from` throws), so they are read from the raw frame (SOF, length, type, function,
 * payload, checksum) and answered as raw Serial API responses. `reads`/`writes` count the
 * chunks, `rfOff` says whether the radio is off now.
 */
import { FunctionType, Message, MessageType } from '@zwave-js/serial';
import { NVMOperationsCommand, NVMOperationStatus } from '@zwave-js/serial/serialapi';
import { Bytes } from '@zwave-js/shared';
import type { MockController, MockControllerBehavior } from '@zwave-js/testing';

/** The most data one frame carries: its length byte counts type, function, 4 bytes of status, length and offset, the data and the checksum. */
const MAX_CHUNK = 0xff - 7;

export class MockNvm {
  reads = 0;
  writes = 0;
  rfOff = false;
  private open = false;

  constructor(public image: Uint8Array) {}

  /** What the simulated network's controller needs to claim and do (SimulatedControllerExtras). */
  get extras(): { functionTypes: FunctionType[]; behaviors: MockControllerBehavior[] } {
    return { functionTypes: [FunctionType.SetRFReceiveMode, FunctionType.NVMOperations], behaviors: [this.behavior] };
  }

  private readonly behavior: MockControllerBehavior = {
    onHostData: (controller, data) => {
      if (data.length < 5 || data[2] !== MessageType.Request) return false;
      // a soft reset restarts the controller with its radio on (zwave-js's own behaviour answers it)
      if (data[3] === FunctionType.SoftReset) this.rfOff = false;
      const payload = data.subarray(4, data.length - 1);
      let answer: number[];
      if (data[3] === FunctionType.SetRFReceiveMode) {
        this.rfOff = payload[0] === 0;
        answer = [1];
      } else if (data[3] === FunctionType.NVMOperations) answer = this.operation(payload);
      else return false;
      controller.ackHostMessage();
      void respond(controller, data[3], answer);
      return true;
    },
  };

  /** NVM Operations: the answer is status, data length, offset (or the size, for Open) and the data read. */
  private operation(payload: Uint8Array): number[] {
    const [code = -1, length = 0, high = 0, low = 0] = payload;
    const command = code as NVMOperationsCommand;
    const offset = (high << 8) | low;
    const size = this.image.byteLength;
    switch (command) {
      case NVMOperationsCommand.Open:
        this.open = true;
        return [NVMOperationStatus.OK, 0, size >> 8, size & 0xff];
      case NVMOperationsCommand.Close:
        this.open = false;
        return [NVMOperationStatus.OK, 0, 0, 0];
      case NVMOperationsCommand.Read: {
        if (!this.open) return [NVMOperationStatus.Error, 0, 0, 0];
        this.reads++;
        const chunk = this.image.subarray(offset, Math.min(size, offset + Math.min(length, MAX_CHUNK)));
        const status = offset + chunk.length >= size ? NVMOperationStatus.EndOfFile : NVMOperationStatus.OK;
        return [status, chunk.length, high, low, ...chunk];
      }
      case NVMOperationsCommand.Write: {
        if (!this.open) return [NVMOperationStatus.Error, 0, 0, 0];
        this.writes++;
        const chunk = payload.subarray(4, 4 + length);
        const image = Uint8Array.from(this.image);
        image.set(chunk.subarray(0, Math.max(0, size - offset)), offset);
        this.image = image;
        const status = offset + chunk.length >= size ? NVMOperationStatus.EndOfFile : NVMOperationStatus.OK;
        return [status, chunk.length, high, low];
      }
      default:
        return [NVMOperationStatus.Error_OperationMismatch, 0, 0, 0];
    }
  }
}

function respond(controller: MockController, functionType: FunctionType, payload: number[]): Promise<void> {
  return controller.sendMessageToHost(new Message({ type: MessageType.Response, functionType, payload: Bytes.from(payload) }));
}
