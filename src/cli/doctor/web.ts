/**
 * `hearth doctor`'s web page line: off, or where it listens, whether it can be reached from the
 * network, and its access token (read from web.tokenFile; only the service's user can read it,
 * so doctor run as another user says how to run it instead). The token is shown so that a
 * person at the hub can log in; it is a password: keep it out of support tickets.
 */
import { stat } from 'node:fs/promises';
import { isLoopbackHost } from '../../config/broker-address.js';
import type { HearthConfig } from '../../config/schema.js';
import { readToken, tokenFileOf } from '../../webserver/access-token.js';
import type { CheckResult } from './check.js';

export async function checkWeb(config: HearthConfig): Promise<CheckResult> {
  const { web } = config;
  if (!web.enabled) return { check: 'web', ok: true, detail: 'the web page is off (web.enabled: true turns it on)' };
  const file = tokenFileOf(config);
  const host = web.host.includes(':') ? `[${web.host}]` : web.host;
  const where = `http://${host}:${web.port}/ (${isLoopbackHost(web.host) ? 'this machine only' : 'reachable from the network'})`;
  let token: string | undefined;
  try {
    token = await readToken(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES')
      return {
        check: 'web',
        ok: false,
        detail: `${where}; cannot read the access token in ${file} as this user`,
        fix: `run hearth doctor as the service's user (sudo -u hearth hearth doctor) to see the token`,
      };
    return {
      check: 'web',
      ok: false,
      detail: `${where}; ${(error as Error).message}`,
      fix: `delete ${file}; the next start writes a new token`,
    };
  }
  if (token === undefined) return { check: 'web', ok: true, detail: `${where}; the access token is written to ${file} at the first start` };
  const mode = (await stat(file)).mode & 0o777;
  if ((mode & 0o077) !== 0)
    return {
      check: 'web',
      ok: false,
      detail: `${where}; ${file} can be read by other users (mode ${mode.toString(8)})`,
      fix: `chmod 600 ${file} (the next start does it too)`,
    };
  return { check: 'web', ok: true, detail: `${where}; access token ${token} (from ${file}; a password: keep it secret)` };
}
