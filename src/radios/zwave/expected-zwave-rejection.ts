/**
 * Rejections zwave-js 15.15 leaves unhandled by design of its own, which the hub's process
 * handler lets pass instead of stopping the hub:
 * - `Driver_Destroyed` (ZW0102): the promises of Serial API commands still queued when a
 *   driver is destroyed (the hub stops or restarts the radio);
 * - `Driver_SerialPortClosed` (ZW0112): the serial port's stream failing when the stick is
 *   pulled out; zwave-js also reports it through the driver's `error` event, which the radio
 *   turns into a restart (radio supervision), so nothing is lost by letting it pass.
 */
const EXPECTED = new Set([102, 112]);

export function isExpectedZWaveRejection(error: unknown): boolean {
  if (!(error instanceof Error) || error.name !== 'ZWaveError') return false;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' && EXPECTED.has(code);
}
