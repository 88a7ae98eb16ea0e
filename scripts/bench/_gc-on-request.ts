/**
 * Preloaded into a hub child by a benchmark (with --expose-gc): on the IPC message "gc" it
 * collects garbage and answers its RSS in bytes, so the parent can measure the hub's memory
 * after a GC. The channel does not keep the hub alive.
 */
const gc = (globalThis as { gc?: () => void }).gc;
process.on('message', (message) => {
  if (message !== 'gc') return;
  for (let i = 0; i < 3; i++) gc?.();
  process.send?.({ rss: process.memoryUsage().rss });
});
process.channel?.unref();
