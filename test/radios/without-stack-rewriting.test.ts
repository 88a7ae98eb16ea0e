import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { stackHook, withoutStackRewriting } from '../../src/radios/without-stack-rewriting.js';
import { nodeArgs } from '../support/built.js';

const child = fileURLToPath(new URL('./fixtures/stack-rewriting-child.ts', import.meta.url));

/** Loads `library` in a fresh process (a shared test worker may have loaded it already). */
async function loadAlone(library: string): Promise<{ replaced: boolean; restored: boolean }> {
  const { stdout } = await promisify(execFile)(process.execPath, [...nodeArgs(child), library], { encoding: 'utf8' });
  return JSON.parse(stdout.trim().split('\n').at(-1) as string) as { replaced: boolean; restored: boolean };
}

describe("loading a radio's library without its stack-trace rewriting", () => {
  it('puts Error.prepareStackTrace back after zwave-js installed source-map-support', async () => {
    expect(await loadAlone('zwave-js')).toEqual({ replaced: true, restored: true });
  });

  it('restores it when the load fails too', async () => {
    const before = stackHook();
    await expect(
      withoutStackRewriting(() => {
        Error.prepareStackTrace = () => 'rewritten';
        return Promise.reject(new Error('no such module'));
      }),
    ).rejects.toThrow('no such module');
    expect(stackHook()).toBe(before);
  });
});
