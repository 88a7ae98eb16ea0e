/**
 * The web part's own behaviour on a hub without radios: the built page's files served with the
 * security headers (client routes get index.html, nothing outside the folder is reachable),
 * the "page not built" page without a build, the bound on open streams, and every stream ended
 * when the hub stops.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-dir.js';
import { WebClient } from './web-client.js';
import { startWebHub } from './web-hub.js';

describe('the web part', () => {
  it('serves the built page with the security headers, index.html for client routes, nothing outside its folder', async () => {
    const assets = await tempDir();
    await mkdir(join(assets, 'assets'));
    await writeFile(
      join(assets, 'index.html'),
      '<!doctype html><title>hearth</title><script type="module" src="./assets/app.js"></script>',
    );
    await writeFile(join(assets, 'assets', 'app.js'), 'console.log("page");');
    const hub = await startWebHub({ assetsDir: assets }, { radios: false });
    const client = new WebClient(hub.port);
    const index = await client.request('/');
    expect(index.status).toBe(200);
    expect(index.text).toContain('<title>hearth</title>');
    expect(index.headers['content-security-policy']).toContain("script-src 'self'");
    expect(index.headers['x-frame-options']).toBe('DENY');
    const script = await client.request('/assets/app.js');
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
    expect(script.headers['x-content-type-options']).toBe('nosniff');
    expect((await client.request('/devices/zigbee:0x1')).text).toContain('<title>hearth</title>');
    for (const path of ['/../web-token', '/%2e%2e/web-token', '/..%2fweb-token', '/assets/../../web-token']) {
      const answer = await client.request(path);
      expect(answer.text, path).not.toContain(hub.token);
    }
    expect((await client.request('/', { method: 'POST', headers: { origin: client.origin } })).status).toBe(405);
    expect((await client.request('/api/nothing')).json).toMatchObject({ error: { code: 'WEB_NOT_FOUND' } });
    const wrongMethod = await client.request('/api/snapshot', { method: 'POST', headers: { origin: client.origin } });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.allow).toBe('GET');
  });

  it('says the page is not built when it is not, bounds the open streams, and ends them when the hub stops', async () => {
    const hub = await startWebHub({ assetsDir: join(await tempDir(), 'missing'), maxStreams: 2 }, { radios: false });
    const client = new WebClient(hub.port);
    const page = await client.request('/');
    expect(page.status).toBe(200);
    expect(page.text).toContain('The web page is not built');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect((await client.login(hub.token)).status).toBe(200);
    const first = await client.stream();
    const second = await client.stream();
    await first.waitFor((frame) => frame.event === 'snapshot');
    await second.waitFor((frame) => frame.event === 'snapshot');
    const third = await client.request('/api/events');
    expect(third.status).toBe(503);
    expect(third.json).toMatchObject({ error: { code: 'WEB_TOO_MANY_STREAMS' } });
    const ended = Promise.all([first, second].map((stream) => new Promise<void>((resolve) => stream.response.on('end', () => resolve()))));
    await hub.stop();
    await ended;
    expect(hub.web.streamCount).toBe(0);
  });
});
