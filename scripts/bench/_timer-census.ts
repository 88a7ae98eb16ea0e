/**
 * For finding what wakes an idle hub: preloaded into the hub's process (`--import`), counts
 * every timer callback and immediate that runs, by where the timer was made (the first
 * stack frames outside node's internals), and on SIGUSR2 writes the census since the last one
 * to stderr, most frequent first. Not part of any bench's figures.
 */
import { createHook } from 'node:async_hooks';

const origins = new Map<number, string>();
const census = new Map<string, number>();
const hook = createHook({
  init(asyncId, type) {
    if (type !== 'Timeout' && type !== 'Immediate' && type !== 'TickObject' && type !== 'FSREQCALLBACK' && type !== 'TCPWRAP') return;
    const frames = (new Error().stack ?? '')
      .split('\n')
      .slice(2)
      .filter((line) => !line.includes('node:') && !line.includes('_timer-census'))
      .slice(0, 3)
      .map((line) =>
        line
          .trim()
          .replace(/^at /, '')
          .replace(/\/work\/\S*?node_modules\//, ''),
      );
    origins.set(asyncId, `${type} ${frames.join(' < ')}`);
  },
  before(asyncId) {
    const origin = origins.get(asyncId);
    if (origin !== undefined) census.set(origin, (census.get(origin) ?? 0) + 1);
  },
  destroy(asyncId) {
    origins.delete(asyncId);
  },
});
hook.enable();
process.on('SIGUSR2', () => {
  const top = [...census].sort((a, b) => b[1] - a[1]).slice(0, 40);
  process.stderr.write(`timer census:\n${top.map(([origin, count]) => `${String(count).padStart(7)} ${origin}`).join('\n')}\n`);
  census.clear();
});
