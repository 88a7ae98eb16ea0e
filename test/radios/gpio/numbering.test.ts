/**
 * One config, written with BCM numbers and header positions, on the numberings kernels give:
 * a Pi 4 on 6.6 (header chip at sysfs base 512) and the same board on 6.1 (base 0); and an
 * output's state restored across the restart.
 */
import { describe, expect, it } from 'vitest';
import { GpioHub } from './support.js';

const devices = [
  { type: 'relay', headerPin: 11, name: 'relay' }, // GPIO17
  { type: 'led', pin: 18, initial: 'on', name: 'led' },
  { type: 'contact', pin: 27, name: 'door' },
];

describe('GPIO numbering', () => {
  it('runs the same BCM config on a Pi 4 with base 512 and with base 0, and restores a relay after the restart', async () => {
    const first = await GpioHub.start({ board: 'pi-4b', layout: '6.6', levels: { 27: 1 }, gpio: { devices } });
    await first.ready();
    expect(await first.view(17)).toMatchObject({ sysfs: 529, exported: true, direction: 'out', value: 0, level: 0 });
    expect(await first.view(18)).toMatchObject({ sysfs: 530, exported: true, direction: 'out', value: 1, level: 1 });
    expect(await first.view(27)).toMatchObject({ sysfs: 539, exported: true, direction: 'in', edge: 'both' });
    await first.watch.waitFor('hearth/gp/door', (p) => p.includes('"contact":true'));
    await first.watch.client.publishAsync('hearth/gp/relay/set', '{"state":"ON"}', { qos: 1 });
    await first.watch.waitFor('hearth/gp/relay', (p) => p.includes('"state":"ON"'));
    expect(await first.view(17)).toMatchObject({ value: 1, level: 1 });
    await first.stop();
    expect(await first.exited).toBe(0);

    // the same state directory after a kernel with the old numbering: GPIO17 is sysfs 17 again
    const second = await GpioHub.start({
      board: 'pi-4b',
      layout: '6.1',
      broker: first.broker,
      stateDir: first.stateDir,
      gpio: { devices },
    });
    await second.ready();
    expect(await second.view(17)).toMatchObject({ sysfs: 17, exported: true, direction: 'out', value: 1, level: 1 }); // restored: on
    expect(await second.view(27)).toMatchObject({ sysfs: 27, exported: true });
    await second.watch.waitFor('hearth/gp/relay', (p) => p.includes('"state":"ON"'));
  });
});
