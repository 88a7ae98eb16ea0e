/**
 * Loading a radio's library without the stack-trace rewriting it brings: zwave-js's entry point
 * installs source-map-support, which replaces `Error.prepareStackTrace`. From then on every stack
 * trace formatted anywhere in the hub reads the JavaScript file of each frame and its source map,
 * parses the map, and keeps both for the life of the process (about 15 MB of heap on the demo
 * hub, for TypeScript line numbers in stack traces that a hub's log does not need). This puts back
 * what was there before the load; traces keep the file names and lines of the JavaScript that ran.
 */

/** Runs `load` (an import that may load a radio's library for the first time) and restores `Error.prepareStackTrace` after it. */
export async function withoutStackRewriting<T>(load: () => Promise<T>): Promise<T> {
  const before = stackHook();
  try {
    return await load();
  } finally {
    Reflect.set(Error, 'prepareStackTrace', before);
  }
}

/** `Error.prepareStackTrace` as it is now (V8's own formatting when it is not a function). */
export function stackHook(): unknown {
  return Reflect.get(Error, 'prepareStackTrace') as unknown;
}
