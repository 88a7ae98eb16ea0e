/**
 * The V8 and glibc malloc settings of a hub (README: Memory) are written in three places: the systemd unit's
 * ExecStart, the release's `hearth` launcher and `npm start` (scripts/start). They are one set,
 * and the Node running this suite accepts it (a Node that refuses a flag does not start at all).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { forThisNode, unitFlags, unitMallocEnvironment } from '../../scripts/bench/_unit-flags.js';
import { repoRoot } from '../support/hearth-process.js';

const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');
/** The flags between `node` and the script on the line of `file` that runs dist/main.js. */
function flagsBefore(file: string): string[] {
  const line = read(file)
    .split('\n')
    .find((each) => each.startsWith('exec ') && each.includes('dist/main.js'));
  if (line === undefined) throw new Error(`${file}: no exec line running dist/main.js`);
  const words = line.split(/\s+/);
  const at = words.findIndex((word) => /dist\/main\.js"?$/.test(word));
  return words.slice(2, at);
}

describe('the V8 settings of a hub', () => {
  const unit = unitFlags().split(' ');

  it('are the same in the unit, the release launcher and npm start', () => {
    expect(unit).toContain('--max-old-space-size=160');
    expect(flagsBefore('scripts/release/hearth')).toEqual(unit);
    // npm start names the memory reducer's one collection as its Node does ("$reducer")
    const start = flagsBefore('scripts/start');
    expect(start).toEqual(unit.map((flag) => (flag === '--memory-reducer-gc-count=1' ? '"$reducer"' : flag)));
  });

  it('set the same malloc settings in the three places', () => {
    const malloc = unitMallocEnvironment();
    expect(malloc).toEqual({ MALLOC_MMAP_THRESHOLD_: '131072' });
    for (const file of ['scripts/release/hearth', 'scripts/start']) {
      const text = read(file);
      for (const [name, value] of Object.entries(malloc)) {
        expect(text, file).toMatch(new RegExp(`^${name}=${value}$`, 'm'));
        expect(text, file).toMatch(new RegExp(`^export ${name}$`, 'm'));
      }
    }
  });

  it("start this suite's Node, with WebAssembly (the journals' O_DIRECT buffers)", () => {
    const out = execFileSync(
      process.execPath,
      [...forThisNode(unit), '-e', 'process.stdout.write(String(new WebAssembly.Memory({ initial: 1 }).buffer.byteLength))'],
      { encoding: 'utf8' },
    );
    expect(out).toBe('65536');
  });
});
