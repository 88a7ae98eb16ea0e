/**
 * A Z-Wave stick that is not there, in the web page (headless Chromium, a hub whose only radio is
 * Z-Wave on a serial port that does not exist): the hub page says so in plain words naming the
 * configured path ("Z-Wave stick not found at … — is it plugged in?"), as its health does
 * (`serial_port`, `error_code`); a path that is there but no serial port (a folder) is said
 * as a stick that cannot be opened, with zwave-js's reason. A screenshot of the hub page at
 * desktop width goes to test-output/screenshots/.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-dir.js';
import { startWebHub } from '../webserver/web-hub.js';
import { builtPage, launchBrowser, logIn, openPage, screenshot } from './browser.js';

describe('a missing stick in the web page', () => {
  it('names the configured path in plain words', async () => {
    const port = join(await tempDir(), 'ttyZWave');
    const [build, browser] = await Promise.all([builtPage(), launchBrowser()]);
    const hub = await startWebHub(
      { assetsDir: build.outDir },
      { radios: false, radioConfig: { zwave: { enabled: true, serialPort: port }, restart: { minMs: 200, maxMs: 1000, maxAttempts: 50 } } },
    );
    const health = hub.hub.health().parts['radios.zwave'];
    expect(health).toMatchObject({ status: 'degraded', serial_port: port, error_code: 'SERIAL_PORT_MISSING' });

    const desktop = await openPage(browser, `http://127.0.0.1:${hub.port}/`);
    const { page } = desktop;
    await logIn(page, hub.token);
    await page.getByTestId('radio-zwave').filter({ hasText: 'down' }).waitFor();
    await page
      .getByRole('alert')
      .filter({ hasText: `Z-Wave stick not found at ${port} — is it plugged in?` })
      .waitFor();
    await screenshot(page, 'hub-stick-missing-desktop');

    // something at the path that is no serial port: zwave-js cannot open it, and the page says why
    await mkdir(port);
    await page
      .getByRole('alert')
      .filter({ hasText: new RegExp(`^Z-Wave stick at ${port.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} cannot be opened: `) })
      .waitFor({ timeout: 30_000 });
    expect(desktop.problems).toEqual([]);
  }, 120_000);
});
