/**
 * In a test worker, zwave-js's device-config index is read once, not at every driver start: each
 * `Driver.start()` makes a new ConfigManager, which parses the 0.8 MB index with JSON5 and walks
 * the config package's 14 MB of device files for changes (about 0.5 s of CPU, two thirds of a
 * driver start on the mock controller, some 60 starts a run). The config package does not change
 * during a run, so every later manager gets the index the first one read: the same entries, so
 * devices resolve to the same configs. Only the embedded index is shared; a manager with a
 * priority or external config folder reads its own. The hub's processes (`hearth start`) are not
 * touched: they read it as a hub does.
 */
import { ConfigManager } from '@zwave-js/config';

type Index = ReturnType<ConfigManager['getIndex']>;
const worker = globalThis as { hearthDeviceIndex?: Promise<Index> };
const marker = Symbol.for('hearth.deviceIndexOnce');
const prototype = ConfigManager.prototype as ConfigManager & { [marker]?: true };

if (prototype[marker] !== true) {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called with each manager as `this` below
  const read = prototype.loadDeviceIndex;
  prototype[marker] = true;
  prototype.loadDeviceIndex = async function (this: ConfigManager): Promise<void> {
    const own = this as unknown as { deviceConfigPriorityDir?: string; index?: Index };
    if (own.deviceConfigPriorityDir !== undefined || this.useExternalConfig) return read.call(this);
    const shared = (worker.hearthDeviceIndex ??= read.call(this).then(() => this.getIndex()));
    const index = await shared.catch((error: unknown) => {
      worker.hearthDeviceIndex = undefined;
      throw error;
    });
    // a failed read leaves an empty index (zwave-js's fallback outside NODE_ENV=test): not one to share
    if (index === undefined || index.length === 0) {
      worker.hearthDeviceIndex = undefined;
      return read.call(this);
    }
    own.index = index;
  };
}
