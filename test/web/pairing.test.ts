/**
 * Pairing in the web page, in headless Chromium against a hub with the demo's simulated radios
 * and a real Mosquitto: permit join for a chosen time with a countdown that runs, a new
 * simulated Zigbee bulb put in pairing mode joins and appears as interviewed, the Z-Wave S2
 * questions (which classes to grant, the DSK's PIN) are answered in the page and reach zwave-js's
 * inclusion callbacks, and exclusion starts and stops. Screenshots of the pairing page at
 * desktop and phone width go to test-output/screenshots/.
 *
 * zwave-js 15.15's mock nodes do not speak S2, so the questions are asked the way zwave-js
 * asks them during a bootstrap: through the radio's inclusion callbacks (the ones handed to the
 * real Driver), as test/radios/zwave/secure-inclusion.test.ts does over MQTT.
 */
import { SecurityClass } from '@zwave-js/core';
import { describe, expect, it } from 'vitest';
import type { ZWaveRadio } from '../../src/radios/zwave/zwave-radio.js';
import { startWebHub } from '../webserver/web-hub.js';
import { builtPage, launchBrowser, logIn, openPage, PHONE, screenshot } from './browser.js';

const DSK = '-12345-23456-34567-45678-56789-11111-22222';

describe('pairing in the web page', () => {
  it('permits joining with a countdown, shows a new Zigbee device as it is interviewed, and answers the Z-Wave S2 questions', async () => {
    const [build, browser] = await Promise.all([builtPage(), launchBrowser()]);
    const hub = await startWebHub({ assetsDir: build.outDir });
    const url = `http://127.0.0.1:${hub.port}/`;
    const desktop = await openPage(browser, url);
    const { page } = desktop;
    await logIn(page, hub.token);
    await page.getByRole('link', { name: 'Pairing', exact: true }).click();
    await page.getByText('Joining is closed.').waitFor();

    // permit join for 120 s: the countdown runs
    await page.getByLabel('Allow new devices for').selectOption('120');
    await page.getByRole('button', { name: 'Permit join' }).click();
    await hub.watch.waitFor('hearth/web/bridge/response/permit_join', (p) => p.includes('"time":120'));
    const countdown = page.getByTestId('join-countdown');
    await countdown.filter({ hasText: /Zigbee: joining open, 1[12]\d s left/ }).waitFor();
    const first = Number(/Zigbee: joining open, (\d+) s left/.exec(await countdown.innerText())?.[1]);
    // a second later it shows less
    await countdown
      .filter({ hasNotText: `, ${first} s left` })
      .filter({ hasText: 'Zigbee: joining open' })
      .waitFor();

    // a new bulb in pairing mode: it joins and is interviewed, in the page
    const bulb = hub.network.pair('bulb');
    const id = `zigbee:${bulb.ieeeAddress}`;
    const entry = page.locator('.join-log li[data-event=device_interview]', { hasText: 'interviewed: ready' });
    await entry.waitFor({ timeout: 20_000 });
    expect(hub.devices.device(id)).toBeDefined();
    await page.locator('.join-log li[data-event=device_joined]').first().waitFor();
    await screenshot(page, 'pairing-desktop');

    // Z-Wave S2: which classes to grant, answered in the page
    const zwave = hub.radios.find((part) => part.radio.kind === 'zwave')?.radio as ZWaveRadio;
    const granted = zwave.prompts.grantSecurityClasses({
      securityClasses: [SecurityClass.S2_Authenticated, SecurityClass.S2_Unauthenticated],
      clientSideAuth: false,
    });
    await page.getByRole('heading', { name: 'A Z-Wave device asks for security' }).waitFor();
    await page.getByLabel('S2 Unauthenticated').uncheck();
    await screenshot(page, 'pairing-grant-desktop');
    await page.getByRole('button', { name: 'Grant', exact: true }).click();
    expect(await granted).toEqual({ securityClasses: [SecurityClass.S2_Authenticated], clientSideAuth: false });
    await page.getByRole('heading', { name: 'A Z-Wave device asks for security' }).waitFor({ state: 'detached' });

    // and the PIN: the DSK shown without its first five digits, the PIN typed in
    const pin = zwave.prompts.validateDSKAndEnterPIN(DSK);
    await page.getByRole('heading', { name: "Enter the device's PIN" }).waitFor();
    expect(await page.locator('code.dsk').innerText()).toBe('_____-23456-34567-45678-56789-11111-22222');
    await page.getByRole('textbox', { name: 'PIN', exact: true }).fill('12345');
    await screenshot(page, 'pairing-pin-desktop');
    await page.getByRole('button', { name: 'Confirm PIN' }).click();
    expect(await pin).toBe('12345');
    await page.getByRole('heading', { name: "Enter the device's PIN" }).waitFor({ state: 'detached' });

    // the page at phone width, joining still open
    const phone = await openPage(browser, `${url}#/pairing`, PHONE, await desktop.context.storageState());
    await phone.page.getByTestId('join-countdown').filter({ hasText: 'Zigbee: joining open' }).waitFor();
    await screenshot(phone.page, 'pairing-phone');
    expect(await phone.page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);

    // stop joining; Z-Wave exclusion on and off
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await page.getByText('Joining is closed.').waitFor();
    await page.getByRole('button', { name: 'Start exclusion (60 s)' }).click();
    await page.getByText(/Exclusion on, \d+ s left/).waitFor();
    await hub.watch.waitFor('hearth/web/bridge/response/zwave/exclusion', (p) => p.includes('"value":true'));
    await page.getByRole('button', { name: 'Stop exclusion' }).click();
    await hub.watch.waitFor('hearth/web/bridge/event', (p) => p.includes('"exclusion_changed"') && p.includes('"value":false'));
    await page.getByRole('button', { name: 'Start exclusion (60 s)' }).waitFor();

    expect(desktop.problems).toEqual([]);
    expect(phone.problems).toEqual([]);
  }, 150_000);
});
