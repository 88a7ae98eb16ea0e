/**
 * The mistakes users meet with GPIO, each with a message that says the fix: at start in the
 * simulation (no sysfs GPIO, export not writable, a line exported by someone else; the radio
 * alone is started, three side by side: the hub's log of a radio that failed is the radio
 * part's, tested with Z-Wave), and in the config (a pin used twice, a pin the board profile
 * marks unsafe, a header pin that is not a GPIO line), refused before anything runs.
 */
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { formatProblem } from '../../../src/config/problems.js';
import { repoRoot } from '../../support/hearth-process.js';
import { tempDir } from '../../support/temp-dir.js';
import { builtScript } from '../../support/built.js';
import {
  namespaceProblem,
  nodeArgsFor,
  spawnGpioSimulation,
  type GpioSimulationSpec,
} from '../../../src/radios/gpio/simulator/namespace.js';

const startRadio = fileURLToPath(new URL('./fixtures/start-radio.ts', import.meta.url));

type Report = { code?: string; message?: string; started?: boolean; probe?: Report; ping?: Report; scope?: string[] };

/** A radio run as another user (`uid`) must reach its script and Node: every folder above them open to others. */
function reachableByOthers(path: string): void {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0)
      throw new Error(
        `${dir} is closed to other users (mode ${(statSync(dir).mode & 0o777).toString(8)}): this test runs a radio as uid 65534, which cannot reach ${path}; clone into a folder others may enter (chmod o+x ${dir})`,
      );
    if (dir === dirname(dir)) return;
  }
}

/** The radio alone inside a simulation (start-radio.ts with `modes` run one after another); its reports. */
async function radioIn(
  spec: Omit<GpioSimulationSpec, 'command'>,
  modes: (string | undefined)[] = [undefined],
  whenStarted?: (send: (message: object) => void) => void,
): Promise<Report[]> {
  expect(namespaceProblem()).toBeUndefined(); // CI runs these as root: required, never skipped
  if (spec.uid !== undefined && spec.uid !== 0)
    for (const path of [builtScript(startRadio), join(repoRoot, 'package.json'), process.execPath]) reachableByOthers(path);
  const profile = JSON.stringify({
    stateDir: await tempDir(),
    radios: { gpio: { enabled: true, simulate: true, devices: [{ type: 'relay', pin: 22 }] } },
  });
  const runs = modes
    .map((mode, index) => `"$0" "$@"${mode === undefined ? '' : ` ${mode}`}${index < modes.length - 1 ? ';' : ''}`)
    .join(' ');
  const child = spawnGpioSimulation(
    { ...spec, command: ['sh', '-c', runs, process.execPath, ...nodeArgsFor(builtScript(startRadio)), profile] },
    ['ignore', 'pipe', 'pipe'],
  );
  let output = '';
  const reports: Report[] = [];
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    for (const line of chunk
      .toString()
      .split('\n')
      .filter((text) => text.startsWith('{'))) {
      const report = JSON.parse(line) as Report;
      reports.push(report);
      if (report.started === true) whenStarted?.((message) => child.send(message));
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise((resolve) => child.once('exit', resolve));
  if (code !== 0 || reports.length === 0) throw new Error(`the radio did not report (exit ${String(code)}):\n${output}`);
  return reports;
}

/** How the GPIO radio's start ended inside a simulation: its error code and message. */
async function failureOf(spec: Omit<GpioSimulationSpec, 'command'>): Promise<Report> {
  return (await radioIn(spec))[0] as Report;
}

describe('GPIO errors', () => {
  it('at start: no sysfs GPIO names the alternative, a denied export the gpio group, a line exported by someone else how to free it', async () => {
    const [missing, denied, busy, fine] = await Promise.all([
      failureOf({ board: 'pi-5', layout: '6.6', noSysfsGpio: true }),
      // Raspberry Pi OS gives export to root:gpio 0770; this radio runs as nobody, outside that group
      failureOf({ board: 'pi-4b', layout: '6.6', exportMode: 0o220, exportGid: 0, uid: 65534, gid: 65534 }),
      failureOf({ board: 'pi-4b', layout: '6.6', preExported: [22] }),
      failureOf({ board: 'pi-4b', layout: '6.6' }), // the same radio where nothing is wrong
    ]);

    expect(missing.code).toBe('GPIO_SYSFS_MISSING');
    expect(missing.message).toContain('/sys/class/gpio does not exist');
    expect(missing.message).toMatch(/CONFIG_GPIO_SYSFS.*Raspberry Pi OS kernel.*\/dev\/gpiochipN.*libgpiod/);

    expect(denied.code).toBe('GPIO_PERMISSION_DENIED');
    expect(denied.message).toContain('/sys/class/gpio/export: permission denied');
    expect(denied.message).toContain('usermod -aG gpio');
    expect(denied.message).toContain('SupplementaryGroups=gpio');

    expect(busy.code).toBe('GPIO_PIN_BUSY');
    expect(busy.message).toContain('GPIO22 (sysfs /sys/class/gpio/gpio534) is already exported by another program');
    expect(busy.message).toContain('echo 534 > /sys/class/gpio/unexport');

    expect(fine).toEqual({ started: true });
  });

  it('takes back its own lines after a crash, and tells the breakers when the tree vanished', async () => {
    const [afterCrash, vanished] = await Promise.all([
      // the first radio exits without unexporting; the next start must not call its lines busy
      radioIn({ board: 'pi-4b', layout: '6.6' }, ['crash', undefined]),
      radioIn({ board: 'pi-5', layout: '6.6' }, ['probe'], (send) => send({ id: 1, op: 'vanish' })),
    ]);
    expect(afterCrash).toEqual([{ started: true }, { started: true }]);
    expect(vanished[0]).toEqual({ started: true });
    expect(vanished[1]).toMatchObject({
      probe: { code: 'GPIO_IO_FAILED', message: expect.stringContaining('/sys/class/gpio vanished') },
      ping: { code: 'GPIO_IO_FAILED', message: expect.stringContaining('GPIO22 cannot be read') },
      scope: ['radio', 'radio'],
    });
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
      expect.stringMatching(
        /^radios\.gpio\.devices\.5\.pin: expected exactly one of pin \(the BCM GPIO number, 17 for GPIO17\) or headerPin .*, got nothing$/,
      ),
      expect.stringMatching(
        /^radios\.gpio\.devices\.1\.headerPin: GPIO17 \(headerPin 11\) is already used by devices\[0\]: one device per pin, got 11$/,
      ),
      expect.stringMatching(
        /^radios\.gpio\.devices\.2\.pin: GPIO0 \(pin 0\) is unsafe to use on the Raspberry Pi 4 Model B: ID_SD: .*; pick another line .*, got 0$/,
      ),
      expect.stringMatching(/^radios\.gpio\.devices\.3\.pin: GPIO40 .*not on the Raspberry Pi 4 Model B's 40-pin header.*, got 40$/),
      expect.stringMatching(/^radios\.gpio\.devices\.4\.headerPin: header pin 6 carries power or ground, not a GPIO line.*, got 6$/),
    ]);
  });
});
