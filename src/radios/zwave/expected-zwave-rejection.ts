/**
 * Rejections zwave-js 15.15 leaves unhandled by design of its own, which the hub's process
 * handler lets pass instead of stopping the hub:
 * - `Driver_Destroyed` (ZW0102): the promises of Serial API commands still queued when a
 *   driver is destroyed (the hub stops or restarts the radio);
 * - `Driver_SerialPortClosed` (ZW0112): the serial port's stream failing when the stick is
 *   pulled out; zwave-js also reports it through the driver's `error` event, which the radio
 *   turns into a restart (radio supervision), so nothing is lost by letting it pass;
 * - `Driver_Failed` (ZW0100) from reopening the port while recovering an unresponsive
 *   controller (Driver.handleMissingControllerACK: the soft reset failed, and the promise of the
 *   reopen that follows has no handler): the stick hung and then vanished. The radio's breaker
 *   is open by then, and a radio that fails its probes is restarted (radio-guard.ts), so this
 *   one too is dealt with; the faults soak found it.
 *
 * And two leftovers of a driver being destroyed while its stick still talks (a stop or a
 * restart in the middle of interviews, or with nodes reporting: the more load, the likelier):
 * - jsonl-db's plain `Error("The database is not open!")`: zwave-js handles each frame it read
 *   in a later turn (`setImmediate`, then `void serialport_onData`, which awaits), so a frame
 *   read just before the port closed is handled after `destroy()` closed the value DB and
 *   network cache, and storing its values throws with no one to catch it. Passed only once a
 *   driver has been destroyed in this process (`noteDriverDestroyed`, told by the radio for its
 *   own destroys and for zwave-js's after Driver_Failed), and only from JsonlDB called by
 *   zwave-js: a hub whose live driver lost its DB would still stop.
 * - an `AbortError` made by `ZWaveSerialStream.close` (the port closed at destroy or at a soft
 *   reset): zwave-js's serial mode switch writes each chunk to its parser in a `setImmediate`
 *   with no handler, and the abort rejects that write.
 * Neither costs anything: the driver is gone, and what its last frames said is read again
 * from the nodes by the next driver.
 */
const EXPECTED = new Set([100, 102, 112]);

let driversDestroyed = 0;

/** A Z-Wave driver is being destroyed (by the radio, or by zwave-js itself): its leftovers may follow. */
export function noteDriverDestroyed(): void {
  driversDestroyed++;
}

/** What an error looks like here: an Error, or one vitest serialized from a test worker. */
export interface ErrorShape {
  name?: unknown;
  message?: unknown;
  stack?: unknown;
  code?: unknown;
}

/**
 * Whether `error` is one of the rejections above; `afterDestroy`: whether a driver has been
 * destroyed (this process's count by default).
 */
export function isZWaveLeftover(error: ErrorShape, afterDestroy = driversDestroyed > 0): boolean {
  if (error.name === 'ZWaveError') return typeof error.code === 'number' && EXPECTED.has(error.code);
  const stack = typeof error.stack === 'string' ? error.stack : '';
  if (error.name === 'AbortError') return /\bat ZWaveSerialStream\.close\b/.test(stack);
  return (
    afterDestroy &&
    error.name === 'Error' &&
    error.message === 'The database is not open!' &&
    /\bat JsonlDB\.\w+/.test(stack) &&
    /[\\/]@?zwave-js[\\/]/.test(stack)
  );
}

export function isExpectedZWaveRejection(error: unknown): boolean {
  return error instanceof Error && isZWaveLeftover(error);
}
