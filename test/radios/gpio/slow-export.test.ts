/**
 * A kernel whose new line files take a while to appear after the export (udev setting their
 * group on a slow board, or a busy simulated kernel): onoff's own wait for them is a loop of
 * 10,000 tries, over in a few milliseconds. The radio still starts on the first attempt, every
 * line set up as asked (the hub waits for the files itself and reads the setup back).
 */
import { describe, expect, it } from 'vitest';
import { GpioHub } from './support.js';

const devices = [
  { type: 'relay', pin: 17, name: 'relay' },
  { type: 'contact', pin: 27, name: 'door', activeLow: true },
];

describe('GPIO on a kernel slow to make the exported lines', () => {
  it('starts the radio on its first attempt with every line set up, and drives it', async () => {
    const hub = await GpioHub.start({ board: 'pi-4b', layout: '6.6', exportDelayMs: 150, levels: { 27: 0 }, gpio: { devices } });
    const ready = await hub.ready();
    expect(ready, hub.output).toMatchObject({ health: 'ok' });
    expect(hub.lines.filter((line) => ['warn', 'error', 'fatal'].includes(String(line.level))).map((line) => line.msg)).toEqual([]);
    expect(await hub.view(17)).toMatchObject({ sysfs: 529, exported: true, direction: 'out', value: 0, level: 0 });
    expect(await hub.view(27)).toMatchObject({ sysfs: 539, exported: true, direction: 'in', edge: 'both', activeLow: true });
    await hub.watch.waitFor('hearth/gp/door', (p) => p.includes('"contact":true'));
    await hub.watch.client.publishAsync('hearth/gp/relay/set', '{"state":"ON"}', { qos: 1 });
    await hub.watch.waitFor('hearth/gp/relay', (p) => p.includes('"state":"ON"'));
    expect(await hub.view(17)).toMatchObject({ value: 1, level: 1 });
  });
});
