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
 */
const EXPECTED = new Set([100, 102, 112]);

export function isExpectedZWaveRejection(error: unknown): boolean {
  if (!(error instanceof Error) || error.name !== 'ZWaveError') return false;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' && EXPECTED.has(code);
}
