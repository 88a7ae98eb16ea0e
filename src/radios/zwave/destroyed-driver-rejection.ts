/**
 * zwave-js 15.15 rejects the promises of Serial API commands still queued when a driver is
 * destroyed (`Driver_Destroyed`, ZW0102), and some of those promises are its own, with no
 * handler: they surface as unhandled rejections when the hub stops or restarts the radio.
 * They are expected and harmless (the driver is gone by design), so the process-level
 * handler lets them pass instead of stopping the hub.
 */
const DRIVER_DESTROYED = 102;

export function isDestroyedDriverRejection(error: unknown): boolean {
  if (!(error instanceof Error) || error.name !== 'ZWaveError') return false;
  return (error as { code?: unknown }).code === DRIVER_DESTROYED;
}
