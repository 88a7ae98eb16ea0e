/**
 * `hearth doctor`'s web line: off, on before the first start (the token is still to come), on
 * with its token shown, and a token file others can read named with its fix.
 */
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkWeb } from '../../src/cli/doctor/web.js';
import { loadConfigOrThrow } from '../../src/config/load.js';
import { loadOrCreateToken } from '../../src/webserver/access-token.js';
import { tempDir } from '../support/temp-dir.js';

async function configWith(web: Record<string, unknown>) {
  const stateDir = await tempDir();
  return { stateDir, config: await loadConfigOrThrow({ env: {}, profile: { stateDir, web } }) };
}

describe('hearth doctor: the web page', () => {
  it('says when the page is off', async () => {
    const { config } = await configWith({});
    expect(await checkWeb(config)).toMatchObject({ ok: true, detail: expect.stringContaining('off') });
  });

  it('shows where the page is and its token once the first start wrote it', async () => {
    const { config, stateDir } = await configWith({ enabled: true, host: '0.0.0.0', port: 8099 });
    const before = await checkWeb(config);
    expect(before).toMatchObject({
      ok: true,
      detail: expect.stringContaining(`written to ${join(stateDir, 'web-token')} at the first start`),
    });
    const { token } = await loadOrCreateToken(join(stateDir, 'web-token'));
    const after = await checkWeb(config);
    expect(after.ok).toBe(true);
    expect(after.detail).toContain('http://0.0.0.0:8099/ (reachable from the network)');
    expect(after.detail).toContain(`access token ${token}`);
  });

  it('fails on a token file other users can read, with the fix', async () => {
    const { config, stateDir } = await configWith({ enabled: true });
    const file = join(stateDir, 'web-token');
    await writeFile(file, 'a-token-that-is-long-enough\n');
    await chmod(file, 0o644);
    const result = await checkWeb(config);
    expect(result).toMatchObject({ ok: false, fix: `chmod 600 ${file} (the next start does it too)` });
    expect(result.detail).toContain('http://127.0.0.1:8099/ (this machine only)');
    expect(result.detail).not.toContain('a-token-that-is-long-enough');
  });
});
