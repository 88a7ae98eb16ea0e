/**
 * The web page's access pieces on their own: the token file (written 0600 once, kept, a loose
 * one tightened, a bad one refused), sessions (expiry on the clock, a bound on their number),
 * the login rate limit (per address, its window, a bound on the addresses it tracks), and the
 * Host and Origin rules.
 */
import type { IncomingMessage } from 'node:http';
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOrCreateToken, readToken } from '../../src/webserver/access-token.js';
import { HostRule, originProblem } from '../../src/webserver/http-io.js';
import { LoginLimiter, MAX_ADDRESSES } from '../../src/webserver/login-limiter.js';
import { sameSecret, Sessions } from '../../src/webserver/sessions.js';
import { tempDir } from '../support/temp-dir.js';

describe('the access token file', () => {
  it('is written once with mode 0600 and read back after', async () => {
    const file = join(await tempDir(), 'web-token');
    const first = await loadOrCreateToken(file);
    expect(first.created).toBe(true);
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const second = await loadOrCreateToken(file);
    expect(second).toEqual({ token: first.token, created: false, tightened: false });
    expect((await readFile(file, 'utf8')).trim()).toBe(first.token);
  });

  it('makes a file others can read 0600, and refuses one without a usable token', async () => {
    const dir = await tempDir();
    const loose = join(dir, 'loose');
    await writeFile(loose, 'a-hand-written-token-of-length\n');
    await chmod(loose, 0o644);
    expect(await loadOrCreateToken(loose)).toEqual({ token: 'a-hand-written-token-of-length', created: false, tightened: true });
    expect((await stat(loose)).mode & 0o777).toBe(0o600);
    const short = join(dir, 'short');
    await writeFile(short, 'abc\n');
    await expect(readToken(short)).rejects.toThrow(/does not hold a usable web access token/);
    expect(await readToken(join(dir, 'none'))).toBeUndefined();
  });
});

describe('sessions', () => {
  it('expire on the clock, and a login past the bound ends the oldest', () => {
    let now = 1_000_000;
    const sessions = new Sessions({ ttlMs: 60_000, max: 2, now: () => now });
    const a = sessions.create();
    now += 30_000;
    const b = sessions.create();
    expect(sessions.get(a.id)).toBe(a);
    now += 30_000; // a is 60 s old: expired
    expect(sessions.get(a.id)).toBeUndefined();
    expect(sessions.get(b.id)).toBe(b);
    const c = sessions.create();
    const d = sessions.create(); // b is the oldest of three
    expect(sessions.get(b.id)).toBeUndefined();
    expect([sessions.get(c.id), sessions.get(d.id)]).toEqual([c, d]);
    expect(sessions.size).toBe(2);
    expect(c.csrf).not.toBe(c.id);
    expect(sessions.get(undefined)).toBeUndefined();
  });

  it('compares secrets exactly', () => {
    expect(sameSecret('abc', 'abc')).toBe(true);
    expect(sameSecret('abc', 'abd')).toBe(false);
    expect(sameSecret('abc', 'abcd')).toBe(false);
  });
});

describe('the login rate limit', () => {
  it('holds an address back after maxAttempts failures until its window ends; a good login clears it', () => {
    let now = 0;
    const limiter = new LoginLimiter({ maxAttempts: 3, windowMs: 60_000, now: () => now });
    for (let i = 0; i < 3; i++) {
      expect(limiter.retryAfterS('10.0.0.1')).toBe(0);
      limiter.failed('10.0.0.1');
    }
    expect(limiter.retryAfterS('10.0.0.1')).toBe(60);
    expect(limiter.retryAfterS('10.0.0.2')).toBe(0);
    now = 59_500;
    expect(limiter.retryAfterS('10.0.0.1')).toBe(1);
    now = 60_000;
    expect(limiter.retryAfterS('10.0.0.1')).toBe(0);
    limiter.failed('10.0.0.2');
    limiter.succeeded('10.0.0.2');
    limiter.failed('10.0.0.2');
    limiter.failed('10.0.0.2');
    expect(limiter.retryAfterS('10.0.0.2')).toBe(0); // two failures since the good login
  });

  it('tracks a bounded number of addresses', () => {
    const limiter = new LoginLimiter({ maxAttempts: 1, windowMs: 60_000, now: () => 0 });
    for (let i = 0; i < MAX_ADDRESSES * 3; i++) limiter.failed(`addr-${i}`);
    expect((limiter as unknown as { windows: Map<string, unknown> }).windows.size).toBe(MAX_ADDRESSES);
    expect(limiter.retryAfterS(`addr-${MAX_ADDRESSES * 3 - 1}`)).toBe(60);
  });
});

function request(headers: Record<string, string>): IncomingMessage {
  return { headers } as unknown as IncomingMessage;
}

describe('Host and Origin', () => {
  it('lets addresses, localhost, the machine and allowed names in, and nothing else', () => {
    const rule = new HostRule(['hub.example.net', 'proxy.lan:8443'], 'Pi-Hub');
    for (const host of [
      '127.0.0.1:8099',
      '192.168.1.20:8099',
      '[::1]:8099',
      'localhost:8099',
      'pi-hub:8099',
      'pi-hub.local',
      'HUB.example.net:8099',
      'proxy.lan:8443',
    ])
      expect(rule.allows(host), host).toBe(true);
    for (const host of [undefined, '', 'attacker.example', 'proxy.lan:9999', '127.0.0.1.attacker.example', 'x'.repeat(400)])
      expect(rule.allows(host), String(host)).toBe(false);
  });

  it('takes a POST only from the page itself', () => {
    const host = '192.168.1.20:8099';
    expect(originProblem(request({ host, origin: 'http://192.168.1.20:8099' }))).toBeUndefined();
    expect(originProblem(request({ host, origin: 'https://192.168.1.20:8099' }))).toBeUndefined();
    expect(originProblem(request({ host, referer: 'http://192.168.1.20:8099/devices' }))).toBeUndefined();
    expect(originProblem(request({ host, origin: 'http://evil.example' }))).toMatch(/not this page's own/);
    expect(originProblem(request({ host, origin: 'http://192.168.1.20:8100' }))).toMatch(/not this page's own/);
    expect(originProblem(request({ host, origin: 'null' }))).toMatch(/not this page's own/);
    expect(originProblem(request({ host }))).toMatch(/no Origin header/);
    expect(originProblem(request({ host, origin: 'http://192.168.1.20:8099', 'sec-fetch-site': 'cross-site' }))).toMatch(/cross-site/);
  });
});
