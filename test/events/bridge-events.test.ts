import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { BRIDGE_EVENT_TYPES } from '../../src/events/bridge-events.js';

describe('bridge events', () => {
  it('are the ones the README lists, no more and no fewer', async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    const start = readme.indexOf('`bridge/event` (');
    expect(start).toBeGreaterThan(0);
    const listed =
      readme
        .slice(start, readme.indexOf(';', start))
        .match(/`([a-z_]+)`/g)
        ?.map((word) => word.slice(1, -1)) ?? [];
    expect([...listed].sort()).toEqual([...BRIDGE_EVENT_TYPES].sort());
  });
});
