/**
 * The mistakes users meet with GPIO, each with a message that says the fix: at start in the
 * simulation (no sysfs GPIO, export not writable, a line exported by someone else; three hubs
 * run side by side), and in the config (a pin used twice, a pin the board profile marks unsafe,
 * a header pin that is not a GPIO line), refused before anything runs.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { formatProblem } from '../../../src/config/problems.js';
import { Mosquitto } from '../../support/mosquitto.js';
import { GpioHub, type GpioHubOptions } from './support.js';

/** The message the GPIO radio failed with, from the hub's log. */
async function failureOf(options: GpioHubOptions): Promise<string> {
  const hub = await GpioHub.start(options);
  const line = await hub.waitForLog((entry) => entry.module === 'radios.gpio' && typeof entry.msg === 'string' && entry.msg.includes('the radio failed'));
  return String(line.msg);
}

const relay = { devices: [{ type: 'relay', pin: 22 }] };

describe('GPIO errors', () => {
  it('at start: no sysfs GPIO names the alternative, a denied export the gpio group, a line exported by someone else how to free it', async () => {
    const broker = await Mosquitto.start();
    const [missing, denied, busy] = await Promise.all([
      failureOf({ broker, board: 'pi-5', layout: '6.6', noSysfsGpio: true, gpio: relay }),
      // Raspberry Pi OS gives export to root:gpio 0770; this hub runs as nobody, outside that group
      failureOf({ broker, board: 'pi-4b', layout: '6.6', exportMode: 0o220, exportGid: 0, uid: 65534, gid: 65534, gpio: relay }),
      failureOf({ broker, board: 'pi-4b', layout: '6.6', preExported: [22], gpio: relay }),
    ]);

    expect(missing).toContain('/sys/class/gpio does not exist');
    expect(missing).toMatch(/CONFIG_GPIO_SYSFS.*Raspberry Pi OS kernel.*\/dev\/gpiochipN.*libgpiod/);
    expect(missing).toContain('GPIO_SYSFS_MISSING');

    expect(denied).toContain('/sys/class/gpio/export: permission denied');
    expect(denied).toContain('usermod -aG gpio');
    expect(denied).toContain('SupplementaryGroups=gpio');
    expect(denied).toContain('GPIO_PERMISSION_DENIED');

    expect(busy).toContain('GPIO22 (sysfs /sys/class/gpio/gpio534) is already exported by another program');
    expect(busy).toContain('echo 534 > /sys/class/gpio/unexport');
    expect(busy).toContain('GPIO_PIN_BUSY');
  });

  it('in the config: a pin used twice, unsafe pins and a power pin, each with its place', async () => {
    const result = await loadConfig({
      env: {},
      profile: {
        radios: {
          gpio: {
            enabled: true,
            board: 'pi-4b',
            devices: [
              { type: 'relay', pin: 17 },
              { type: 'button', headerPin: 11 }, // GPIO17 again
              { type: 'contact', pin: 0 }, // the HAT EEPROM's line
              { type: 'led', pin: 40 }, // not on the header
              { type: 'led', headerPin: 6 }, // ground
              { type: 'led' }, // no pin at all
            ],
          },
        },
      },
    });
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems.map(formatProblem);
    expect(problems).toEqual([
      expect.stringMatching(/^radios\.gpio\.devices\.5\.pin: expected exactly one of pin \(the BCM GPIO number, 17 for GPIO17\) or headerPin .*, got nothing$/),
      expect.stringMatching(/^radios\.gpio\.devices\.1\.headerPin: GPIO17 \(headerPin 11\) is already used by devices\[0\]: one device per pin, got 11$/),
      expect.stringMatching(/^radios\.gpio\.devices\.2\.pin: GPIO0 \(pin 0\) is unsafe to use on the Raspberry Pi 4 Model B: ID_SD: .*; pick another line .*, got 0$/),
      expect.stringMatching(/^radios\.gpio\.devices\.3\.pin: GPIO40 .*not on the Raspberry Pi 4 Model B's 40-pin header.*, got 40$/),
      expect.stringMatching(/^radios\.gpio\.devices\.4\.headerPin: header pin 6 carries power or ground, not a GPIO line.*, got 6$/),
    ]);
  });
});
