/**
 * Which Zigbee failures are whose, for the breakers (src/resilience): herdsman's errors carry no
 * codes, so a failed device operation is told apart by asking the coordinator for its version
 * (a round trip to the stick no device takes part in). When the coordinator does not answer the
 * radio is sick; when it does, the device failed: it refused (a ZCL status) or did not answer.
 */
import type { Controller } from 'zigbee-herdsman';
import { Zcl } from 'zigbee-herdsman';
import { describeError, ErrorCode, HearthError, isHearthError } from '../../errors.js';

/** Resolves when the coordinator answers within `timeoutMs`; rejects with TIMEOUT or RADIO_UNAVAILABLE. */
export async function askCoordinator(controller: Controller, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      controller.getCoordinatorVersion(),
      new Promise((_resolve, reject) => {
        timer = setTimeout(
          () => reject(new HearthError(ErrorCode.Timeout, `the Zigbee coordinator did not answer within ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]);
  } catch (error) {
    throw isHearthError(error)
      ? error
      : new HearthError(ErrorCode.RadioUnavailable, `the Zigbee coordinator does not answer: ${describeError(error)}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

/** A failed operation on `deviceId` as a coded error, given whether the coordinator still answers. */
export function deviceFailure(error: unknown, deviceId: string, coordinatorAnswers: boolean): HearthError {
  if (isHearthError(error)) return error;
  if (!coordinatorAnswers)
    return new HearthError(ErrorCode.RadioUnavailable, `the Zigbee coordinator does not answer: ${describeError(error)}`, { cause: error });
  if (error instanceof Zcl.StatusError)
    return new HearthError(ErrorCode.RadioCommandFailed, `${deviceId} refused the command: ${describeError(error)}`, { cause: error });
  return new HearthError(ErrorCode.DeviceUnreachable, `${deviceId} did not answer: ${describeError(error)}`, { cause: error });
}
