/**
 * The web page in headless Chromium against a hub with the demo's simulated radios and a real
 * Mosquitto: a wrong token is refused with the hub's message, the login lets in, every demo
 * device is listed, the Zigbee plug switched in the page (by mouse and by keyboard) switches the simulated plug and shows
 * on MQTT and in the page, a light's brightness and colour temperature set from its field, a preset and its slider, a rename and a move to a new room reach the hub, rooms are created, renamed, given a device and
 * deleted, a rule added over MQTT is listed and disabled from its switch, the network map draws every Zigbee node and every Z-Wave node with its links and routes, a group made in the page switches its plug on and off, and a pulled Zigbee
 * stick shows as down within a second (and up again once it is back). Screenshots of the hub, devices and device pages at
 * desktop and phone width go to test-output/screenshots/. The page meets no console error (a
 * CSP violation would be one).
 */
import { describe, expect, it } from 'vitest';
import { version } from '../../src/version.js';
import { until } from '../support/until.js';
import { startWebHub } from '../webserver/web-hub.js';
import { builtPage, launchBrowser, logIn, openPage, PHONE, screenshot } from './browser.js';

describe('the web page in Chromium', () => {
  it('logs in, lists every demo device, switches the plug, renames it into a new room, and shows a pulled stick as down and back up', async () => {
    const [build, browser] = await Promise.all([builtPage(), launchBrowser()]);
    const hub = await startWebHub({ assetsDir: build.outDir });
    const url = `http://127.0.0.1:${hub.port}/`;
    const desktop = await openPage(browser, url);
    const { page } = desktop;

    // a wrong token: the hub's coded message, in the page
    await page.getByLabel('Access token').fill('not-the-token');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').filter({ hasText: 'WEB_TOKEN_INVALID' }).waitFor();
    await logIn(page, hub.token);
    await page.getByTestId('version').filter({ hasText: version }).waitFor();
    await page.getByText('Everything is working.').waitFor();
    await screenshot(page, 'hub-desktop');

    // every device of the demo, the unsupported one marked
    await page.getByRole('link', { name: 'Devices', exact: true }).click();
    const records = hub.devices.records();
    expect(records.length).toBe(14);
    for (const record of records)
      await page.locator(`tr[data-device="${record.id}"]`).getByRole('link', { name: record.friendlyName }).waitFor();
    expect(await page.locator('tbody tr').count()).toBe(records.length);
    await page.locator('tr', { hasText: 'zigbee/widget' }).getByText('unsupported').waitFor();
    // the radio filter
    await page.getByLabel('Radio').selectOption('zwave');
    const zwaveCount = records.filter((record) => record.radio === 'zwave').length;
    await page.waitForFunction(`document.querySelectorAll('tbody tr').length === ${zwaveCount}`);
    await page.getByLabel('Radio').selectOption('');
    await screenshot(page, 'devices-desktop');

    // the Zigbee plug: switched in the page, on the simulated device, on MQTT, and back in the page
    const plug = hub.network.byKind('plug');
    await page.getByRole('link', { name: 'zigbee/plug', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'zigbee/plug' }).waitFor();
    const state = page.getByRole('switch', { name: 'State' });
    await state.waitFor();
    const before = await state.getAttribute('aria-checked');
    const target = before === 'true' ? 'OFF' : 'ON';
    await state.click();
    await hub.watch.waitFor('hearth/web/zigbee/plug', (payload) => (JSON.parse(payload) as { state?: string }).state === target);
    await until(() => plug.attribute('genOnOff', 'onOff') === (target === 'ON' ? 1 : 0), 5000, 'the simulated plug switched');
    await page.locator(`[role=switch][aria-checked="${target === 'ON'}"]`).waitFor();
    // the device switched by itself (its button): the page follows
    plug.report('genOnOff', { onOff: target === 'ON' ? 0 : 1 });
    await page.locator(`[role=switch][aria-checked="${target !== 'ON'}"]`).waitFor();
    await page
      .locator('dd[data-state="state"]')
      .filter({ hasText: target === 'ON' ? 'OFF' : 'ON' })
      .waitFor();
    await screenshot(page, 'device-desktop');
    // and with the keyboard alone: Tab to the switch, Space to switch it
    await page.locator('body').click({ position: { x: 1, y: 1 } });
    const focusedSwitch = page.locator('[role=switch][aria-labelledby="f-state"]:focus');
    for (let presses = 0; presses < 40 && (await focusedSwitch.count()) === 0; presses++) await page.keyboard.press('Tab');
    expect(await focusedSwitch.count()).toBe(1);
    await page.keyboard.press('Space');
    await page.locator(`[role=switch][aria-checked="${target === 'ON'}"]`).waitFor();
    await until(() => plug.attribute('genOnOff', 'onOff') === (target === 'ON' ? 1 : 0), 5000, 'the plug switched from the keyboard');

    // a light's sliders: brightness typed into its field, colour temperature by a preset, the slider moved with the keyboard
    await page.goto(`${url}#/device/${encodeURIComponent('zigbee/ambiance')}`);
    await page.getByRole('heading', { level: 1, name: 'zigbee/ambiance' }).waitFor();
    const ambiance = hub.network.byKind('ambiance');
    await page.getByLabel('Brightness value').fill('120');
    // a report while the number is typed re-renders the page: what is typed stays
    ambiance.report('lightingColorCtrl', { colorTemperature: 300 });
    await expect.poll(() => page.getByRole('slider', { name: 'Color temp (mired)' }).inputValue(), { timeout: 15_000 }).toBe('300');
    expect(await page.getByLabel('Brightness value').inputValue()).toBe('120');
    await page.getByLabel('Brightness value').press('Tab');
    await hub.watch.waitFor('hearth/web/zigbee/ambiance', (p) => (JSON.parse(p) as { brightness?: number }).brightness === 120);
    await until(() => ambiance.attribute('genLevelCtrl', 'currentLevel') === 120, 5000, 'the bulb dimmed');
    await page.getByRole('group', { name: 'Color temp presets' }).getByRole('button', { name: 'warm', exact: true }).click();
    await hub.watch.waitFor('hearth/web/zigbee/ambiance', (p) => (JSON.parse(p) as { color_temp?: number }).color_temp === 454);
    const slider = page.getByRole('slider', { name: 'Color temp (mired)' });
    await slider.waitFor();
    // the broker's copy and the page's come by different ways (MQTT, the page's event stream): the page may be a moment behind
    await expect.poll(() => slider.inputValue(), { timeout: 15_000 }).toBe('454');
    await slider.focus();
    await page.keyboard.press('ArrowRight');
    await hub.watch.waitFor('hearth/web/zigbee/ambiance', (p) => (JSON.parse(p) as { color_temp?: number }).color_temp === 455);
    await page.goto(`${url}#/device/${encodeURIComponent(`zigbee:${plug.ieeeAddress}`)}`);
    await page.getByRole('heading', { level: 1, name: 'zigbee/plug' }).waitFor();

    // a refused request: the hub's coded error, in the page
    await page.getByLabel('Name', { exact: true }).fill('zigbee/bulb');
    await page.getByRole('button', { name: 'Rename', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'DEVICE_NAME_TAKEN' }).waitFor();

    // rename, then a new room
    await page.getByLabel('Name', { exact: true }).fill('kitchen/plug');
    await page.getByRole('button', { name: 'Rename', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'kitchen/plug' }).waitFor();
    await hub.watch.waitFor('hearth/web/bridge/response/device/rename', (p) => p.includes('"to":"kitchen/plug"'));
    await page.getByLabel('Room', { exact: true }).selectOption('+');
    await page.getByLabel("New room's name").fill('Kitchen');
    await page.getByRole('button', { name: 'Move', exact: true }).click();
    await page.getByText('room Kitchen').waitFor();
    const plugId = `zigbee:${plug.ieeeAddress}`;
    expect(hub.devices.byFriendlyName('kitchen/plug')?.id).toBe(plugId);
    expect(hub.devices.rooms.roomOf(plugId)?.name).toBe('Kitchen');
    await hub.watch.waitFor('hearth/web/bridge/rooms', (p) => p.includes('"name":"Kitchen"') && p.includes(plugId));

    // an option: debounce half a second
    await page.getByLabel('Debounce (s)').fill('0.5');
    await page.getByRole('button', { name: 'Save options' }).click();
    await page.getByRole('status').filter({ hasText: 'Options saved.' }).waitFor();
    expect(hub.devices.device(plugId)?.options).toMatchObject({ debounceMs: 500 });

    // the same pages at phone width, in the same session
    const phone = await openPage(browser, url, PHONE, await desktop.context.storageState());
    await phone.page.getByRole('heading', { level: 1, name: /^Hub/ }).waitFor();
    await screenshot(phone.page, 'hub-phone');
    await phone.page.goto(`${url}#/devices`);
    await phone.page.locator(`tr[data-device="${plugId}"]`).waitFor();
    await screenshot(phone.page, 'devices-phone');
    await phone.page.goto(`${url}#/device/${encodeURIComponent(plugId)}`);
    await phone.page.getByRole('heading', { level: 1, name: 'kitchen/plug' }).waitFor();
    await screenshot(phone.page, 'device-phone');
    // nothing wider than the phone's screen
    expect(await phone.page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);

    // rooms: the new room is listed with the plug; one more created, renamed, given a device, deleted
    await page.getByRole('link', { name: 'Rooms', exact: true }).click();
    await page.locator('li[data-room]', { hasText: 'kitchen/plug' }).waitFor();
    await page.getByLabel('New room', { exact: true }).fill('Hall');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    const hall = page.locator('li[data-room="hall"]');
    await hall.waitFor();
    await hall.getByLabel('Name of room Hall').fill('Hallway');
    await hall.getByRole('button', { name: 'Rename', exact: true }).click();
    await until(() => hub.devices.rooms.list().find((room) => room.id === 'hall')?.name === 'Hallway', 5000, 'the room renamed');
    await hall.getByLabel('Device to put in Hallway').selectOption({ label: 'zigbee/bulb' });
    await hall.getByRole('button', { name: 'Add', exact: true }).click();
    await hall.getByRole('link', { name: 'zigbee/bulb' }).waitFor();
    await hall.getByRole('button', { name: 'Delete room' }).click();
    await hall.waitFor({ state: 'detached' });
    expect(hub.devices.rooms.list().find((room) => room.id === 'hall')).toBeUndefined();
    await screenshot(page, 'rooms-desktop');

    // rules: a rule added over MQTT is listed live; its switch in the page disables it on the hub and in bridge/rules
    const rule = {
      id: 'hall-light',
      trigger: { device: 'gpio-button', attribute: 'action', value: 'single' },
      actions: [{ device: plugId, set: { state: 'TOGGLE' } }],
    };
    await hub.watch.client.publishAsync('hearth/web/bridge/request/rule/add', JSON.stringify({ rule }), { qos: 1 });
    await page.getByRole('link', { name: 'Rules', exact: true }).click();
    const ruleSwitch = page.getByRole('checkbox', { name: 'Rule hall-light enabled' });
    await ruleSwitch.waitFor();
    expect(await ruleSwitch.isChecked()).toBe(true);
    await ruleSwitch.uncheck();
    await hub.watch.waitFor('hearth/web/bridge/rules', (p) =>
      (JSON.parse(p) as { id: string; enabled: boolean }[]).some((r) => r.id === 'hall-light' && !r.enabled),
    );
    expect(hub.hub.rules.statuses().find((status) => status.id === 'hall-light')?.state).toBe('disabled');
    await page.locator('li[data-rule="hall-light"] [data-field="state"]').filter({ hasText: 'disabled' }).waitFor();
    await screenshot(page, 'rules-desktop');

    // the network map: every Zigbee node of the scan drawn, the coordinator too
    await page.getByRole('link', { name: 'Map', exact: true }).click();
    await page.getByRole('button', { name: 'Scan the network' }).click();
    const zigbeeCount = records.filter((record) => record.radio === 'zigbee').length;
    await page.getByRole('img', { name: `Zigbee network: ${zigbeeCount + 1} nodes`, exact: false }).waitFor({ timeout: 20_000 });
    expect(await page.locator('svg.map g.node').count()).toBe(zigbeeCount + 1);
    await screenshot(page, 'map-desktop');
    // and the Z-Wave network: every node and the controller, each pair that hears each other, the routes bold and in the table
    await page.getByLabel('Network', { exact: true }).selectOption('zwave');
    await page.getByRole('button', { name: 'Scan the network' }).click();
    const zwaveNodes = records.filter((record) => record.radio === 'zwave').length + 1;
    // the simulator's nodes all hear each other: one link per pair
    const zwaveLinks = (zwaveNodes * (zwaveNodes - 1)) / 2;
    await page.getByRole('img', { name: `Z-Wave network: ${zwaveNodes} nodes, ${zwaveLinks} links` }).waitFor({ timeout: 20_000 });
    expect(await page.locator('svg.map g.node').count()).toBe(zwaveNodes);
    expect(await page.locator('svg.map g.link').count()).toBe(zwaveLinks);
    const routes = page.getByRole('table', { name: 'Z-Wave routes' });
    for (const record of records.filter((known) => known.radio === 'zwave')) {
      // each device a node of the graph, linked to its page, and a row of the table
      await page.locator('svg.map a g.node', { hasText: record.friendlyName }).waitFor();
      await routes.locator('tr', { hasText: record.friendlyName }).waitFor();
    }
    // a node the controller has sent to: its last working route, direct at the simulator's 100 kbit/s, drawn bold
    await routes.getByText('direct, 100 kbit/s').first().waitFor();
    expect(await page.locator('svg.map g.link.route').count()).toBeGreaterThan(0);
    await screenshot(page, 'map-zwave-desktop');

    // groups: one made in the page, the plug put in it, switched on and off by the group's one command
    await page.getByRole('link', { name: 'Groups', exact: true }).click();
    await page.getByLabel('New group').fill('downstairs');
    await page.getByRole('button', { name: 'Add group' }).click();
    await hub.watch.waitFor('hearth/web/bridge/response/group/add', (p) => p.includes('"friendly_name":"downstairs"'));
    const card = page.locator('li[data-group]', { hasText: 'downstairs' });
    await card.getByLabel('Device to add to downstairs').selectOption(plugId);
    await card.getByRole('button', { name: 'Add', exact: true }).click();
    await card.getByRole('list', { name: 'Members of downstairs' }).getByRole('link', { name: 'kitchen/plug' }).waitFor();
    await card.getByRole('button', { name: 'On', exact: true }).click();
    await until(() => plug.attribute('genOnOff', 'onOff') === 1, 5000, 'the plug switched on by its group');
    await card.getByText('switched ON').waitFor();
    await card.getByRole('button', { name: 'Off', exact: true }).click();
    await until(() => plug.attribute('genOnOff', 'onOff') === 0, 5000, 'the plug switched off by its group');
    await card.getByText('switched OFF').waitFor();
    await screenshot(page, 'groups-desktop');

    // the Zigbee stick pulled: down in the page within a second, in plain words
    await page.getByRole('link', { name: 'Hub', exact: true }).click();
    await page.getByTestId('radio-zigbee').filter({ hasText: 'up' }).waitFor();
    const pulled = Date.now();
    hub.network.unplug();
    await page.getByTestId('radio-zigbee').filter({ hasText: 'down' }).waitFor({ timeout: 1000 });
    const shownAfterMs = Date.now() - pulled;
    await page.getByRole('alert').filter({ hasText: 'Zigbee stick not found — is it plugged in?' }).waitFor();
    expect(shownAfterMs).toBeLessThan(1000);
    await screenshot(page, 'hub-radio-down-desktop');
    // and up again once it is back
    hub.network.plugIn();
    await page.getByTestId('radio-zigbee').filter({ hasText: 'up' }).waitFor({ timeout: 15_000 });
    await page.getByText('Everything is working.').waitFor();

    expect(desktop.problems).toEqual([]);
    expect(phone.problems).toEqual([]);
  }, 150_000);
});
