/**
 * Once before the suite: builds zwave-js's device-config index (it writes it into its own
 * package on first use, ~3 s), so that test files starting Z-Wave drivers in parallel never
 * race to write it.
 */
import { ConfigManager } from '@zwave-js/config';

export default async function setup(): Promise<void> {
  await new ConfigManager().loadDeviceIndex();
}
