/**
 * The doctor's hub-side checks: the serial ports and which sticks they are (a /dev and /sys
 * laid out as the kernel and udev do), the service (systemctl's stand-in, as for the
 * installer), memory against the board's budget, the state directory's disk, and the broker's
 * TLS against a real Mosquitto.
 */
import { chmod, mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { MB } from '../../src/cli/doctor/check.js';
import { checkDiskSpace, checkWriteRate, probeWrites } from '../../src/cli/doctor/disk.js';
import { checkMemory } from '../../src/cli/doctor/memory.js';
import { checkRadioPortKind, checkSerialPorts, scanSerialPorts } from '../../src/cli/doctor/serial-ports.js';
import { checkTls } from '../../src/cli/doctor/tls.js';
import { mqttOptionsFrom } from '../../src/uplink/mqtt-link.js';
import { makePki } from '../support/certificates.js';
import { writeConfig } from '../support/config-file.js';
import { cleanEnv, runHearth } from '../support/hearth-process.js';
import { Mosquitto } from '../support/mosquitto.js';
import { freePort } from '../support/ports.js';
import { tempDir } from '../support/temp-dir.js';

/** A USB serial device as sysfs shows it: the USB device's attributes two levels above the tty. */
async function plugIn(root: string, tty: string, byId: string, usb: Record<string, string>, bus: string): Promise<void> {
  const usbDevice = join(root, 'sys/devices/platform/soc/usb1', bus);
  const ttyDir = join(usbDevice, `${bus}:1.0`, tty);
  await mkdir(ttyDir, { recursive: true });
  for (const [name, value] of Object.entries(usb)) await writeFile(join(usbDevice, name), `${value}\n`);
  await mkdir(join(root, 'sys/class/tty', tty), { recursive: true });
  await symlink(ttyDir, join(root, 'sys/class/tty', tty, 'device'));
  await writeFile(join(root, 'dev', tty), '');
  await symlink(`../../${tty}`, join(root, 'dev/serial/by-id', byId));
}

async function fakeMachine(): Promise<{ dev: string; sys: string; root: string }> {
  const root = await tempDir();
  await mkdir(join(root, 'dev/serial/by-id'), { recursive: true });
  await plugIn(
    root,
    'ttyUSB0',
    'usb-ITead_Sonoff_Zigbee_3.0_USB_Dongle_Plus_c0ffee-if00-port0',
    { idVendor: '10c4', idProduct: 'ea60', product: 'Sonoff Zigbee 3.0 USB Dongle Plus', manufacturer: 'ITead' },
    '1-1',
  );
  await plugIn(root, 'ttyACM0', 'usb-0658_0200-if00', { idVendor: '0658', idProduct: '0200' }, '1-2');
  await plugIn(
    root,
    'ttyUSB1',
    'usb-Prolific_USB-Serial_Controller-if00-port0',
    { idVendor: '067b', idProduct: '2303', product: 'USB-Serial Controller' },
    '1-3',
  );
  return { dev: join(root, 'dev'), sys: join(root, 'sys'), root };
}

describe('doctor: serial ports', () => {
  it('lists each port by its by-id name with the stick it looks like', async () => {
    const machine = await fakeMachine();
    const lines = checkSerialPorts(await scanSerialPorts(machine)).map((line) => `${line.ok ? 'OK' : 'FAIL'} ${line.detail}`);
    expect(lines).toEqual([
      `OK ${machine.dev}/serial/by-id/usb-0658_0200-if00 -> ttyACM0: 0658:0200: Aeotec Z-Stick Gen5/Gen5+ or Zooz ZST10 (500 series), Z-Wave controller, /dev/ttyZWave`,
      `OK ${machine.dev}/serial/by-id/usb-ITead_Sonoff_Zigbee_3.0_USB_Dongle_Plus_c0ffee-if00-port0 -> ttyUSB0: 10c4:ea60 "Sonoff Zigbee 3.0 USB Dongle Plus": Sonoff ZBDongle-P (CC2652P), Zigbee coordinator (zstack), /dev/ttyZigbee`,
      `OK ${machine.dev}/serial/by-id/usb-Prolific_USB-Serial_Controller-if00-port0 -> ttyUSB1: 067b:2303 "USB-Serial Controller": not a stick hearth knows`,
    ]);
  });

  it('says when no stick is plugged in', async () => {
    const root = await tempDir();
    expect(checkSerialPorts(await scanSerialPorts({ dev: join(root, 'dev'), sys: join(root, 'sys') }))).toEqual([
      { check: 'serial', ok: true, detail: expect.stringContaining('no Zigbee or Z-Wave stick is plugged in') },
    ]);
  });

  it('fails a radio whose configured port is a stick of the other radio', async () => {
    const machine = await fakeMachine();
    const ports = await scanSerialPorts(machine);
    const zwaveStick = join(machine.dev, 'serial/by-id/usb-0658_0200-if00');
    expect(await checkRadioPortKind('zigbee', zwaveStick, ports)).toEqual({
      check: 'zigbee port',
      ok: false,
      detail: `${zwaveStick} is Aeotec Z-Stick Gen5/Gen5+ or Zooz ZST10 (500 series), a Z-Wave controller`,
      fix: 'point radios.zigbee.serialPort at the Zigbee stick (see the serial lines above)',
    });
    expect(await checkRadioPortKind('zwave', zwaveStick, ports)).toBeUndefined();
    expect(await checkRadioPortKind('zigbee', join(machine.dev, 'ttyUSB1'), ports)).toBeUndefined();
  });
});

/** systemctl's stand-in: `show` prints these properties. */
async function systemctlShowing(properties: Record<string, string>): Promise<string> {
  const dir = await tempDir();
  const command = join(dir, 'systemctl');
  const text = Object.entries(properties)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n');
  await writeFile(command, `#!/bin/sh\n[ "$1" = show ] || exit 1\ncat <<'EOF'\n${text}\nEOF\n`);
  await chmod(command, 0o755);
  return command;
}

function line(stdout: string, check: string): string[] {
  const lines = stdout.split('\n');
  const index = lines.findIndex((entry) => new RegExp(`^(OK|FAIL)\\s+${check}\\s`).test(entry));
  if (index < 0) throw new Error(`no "${check}" check in:\n${stdout}`);
  const next = lines[index + 1]?.trim() ?? '';
  return next.startsWith('fix:') ? [lines[index] as string, next] : [lines[index] as string];
}

describe('doctor: the service, memory and disk', () => {
  it('reports a running service with its restarts and status line, and its memory against the limit', async () => {
    const systemctl = await systemctlShowing({
      LoadState: 'loaded',
      ActiveState: 'active',
      SubState: 'running',
      NRestarts: '2',
      StatusText: 'ok: 9 parts running',
      ActiveEnterTimestamp: 'Mon 2026-11-30 09:00:00 UTC',
      MemoryCurrent: String(150 * MB),
      MemoryMax: String(256 * MB),
    });
    const { file } = await writeConfig({ uplink: { port: await freePort() } });
    const { stdout } = await runHearth(['doctor', '--config', file], cleanEnv({ SYSTEMCTL: systemctl }));
    expect(line(stdout, 'service')).toEqual([
      'OK    service      hearth.service is active (running) since Mon 2026-11-30 09:00:00 UTC, restarted 2 times by systemd; status: ok: 9 parts running',
    ]);
    expect(line(stdout, 'memory')[0]).toMatch(
      /^OK\s+memory\s+.*: budget 512 MB \(row "\*"\); hearth uses 150 MB of 256 MB \(MemoryMax\); .* available on the board$/,
    );
    expect(line(stdout, 'disk')[0]).toMatch(/^OK\s+disk\s+\d+.* free of .* on the file system of /);
    expect(line(stdout, 'disk writes')[0]).toMatch(
      /a journal commit \(4 KiB \+ fdatasync\) takes [\d.]+ ms \(slowest [\d.]+ ms\), bulk writes [\d.]+ MB\/s$/,
    );
  });

  it('fails a service that is not running, with where to look', async () => {
    const systemctl = await systemctlShowing({
      LoadState: 'loaded',
      ActiveState: 'failed',
      SubState: 'failed',
      NRestarts: '5',
      StatusText: 'could not start: radio zwave failed',
      MemoryCurrent: '[not set]',
      MemoryMax: 'infinity',
    });
    const { file } = await writeConfig({ uplink: { port: await freePort() } });
    const { stdout, code } = await runHearth(['doctor', '--config', file], cleanEnv({ SYSTEMCTL: systemctl }));
    expect(line(stdout, 'service')).toEqual([
      'FAIL  service      hearth.service is failed (failed), restarted 5 times by systemd; status: could not start: radio zwave failed',
      'fix: see why: journalctl -u hearth -n 50 --no-pager; then systemctl restart hearth (after five failed starts in ten minutes: systemctl reset-failed hearth first)',
    ]);
    expect(code).toBe(1);
  });

  it('fails memory near the limit, or more than the board has left to give', () => {
    const service = { installed: true, active: true, memoryCurrent: 240 * MB, memoryMax: 256 * MB };
    const near = checkMemory({ model: 'Raspberry Pi Zero 2 W Rev 1.0', available: 200 * MB, service });
    expect(near).toMatchObject({
      ok: false,
      detail:
        'Raspberry Pi Zero 2 W Rev 1.0: budget 256 MB (row "Raspberry Pi Zero 2 W"); hearth uses 240 MB of 256 MB (MemoryMax); 200 MB available on the board',
    });
    expect(near.fix).toContain('close to its limit');
    const tight = checkMemory({
      model: 'Raspberry Pi Zero 2 W Rev 1.0',
      available: 60 * MB,
      service: { ...service, memoryCurrent: 120 * MB },
    });
    expect(tight).toMatchObject({ ok: false, fix: expect.stringContaining('less free memory than hearth may still take (136 MB)') });
    expect(checkMemory({ model: 'Raspberry Pi 4 Model B Rev 1.5', available: 3000 * MB, service: undefined })).toMatchObject({
      ok: true,
      detail: expect.stringContaining('budget 512 MB (row "Raspberry Pi 4 Model B")'),
    });
  });

  it('measures the disk where the state goes and leaves nothing behind', async () => {
    const dir = await tempDir();
    const probe = await probeWrites(dir, 3);
    expect(probe.commitP50Ms).toBeGreaterThan(0);
    expect(probe.bulkMbPerS).toBeGreaterThan(0);
    expect(await readdir(dir)).toEqual([]);
    expect((await checkDiskSpace(join(dir, 'state'))).detail).toContain(`on the file system of ${dir}`);
    expect((await checkWriteRate(join(dir, 'state'))).detail).toMatch(
      new RegExp(`^${dir} \\(${dir}/state does not exist yet\\): a journal commit`),
    );
  });
});

describe("doctor: the broker's TLS", () => {
  it('verifies the broker certificate against uplink.tls.ca, and names the fix when another CA signed it', async () => {
    const pki = await makePki();
    const broker = await Mosquitto.start({ tls: { ca: pki.ca, cert: pki.serverCert, key: pki.serverKey } });
    onTestFinished(() => broker.stop());
    const configFor = async (ca: string) => {
      const { file } = await writeConfig({ uplink: { protocol: 'mqtts', host: '127.0.0.1', port: broker.port, tls: { ca } } });
      const loaded = await loadConfig({ file });
      if (!loaded.ok) throw new Error(`config invalid: ${JSON.stringify(loaded.problems)}`);
      return loaded.config;
    };
    const good = await configFor(pki.ca);
    // the test PKI's certificates run two days: seen from 20 days earlier, it is not expiring
    const earlier = Date.now() - 20 * 86_400_000;
    expect(await checkTls(good, await mqttOptionsFrom(good), earlier)).toEqual({
      check: 'tls',
      ok: true,
      detail: expect.stringMatching(
        new RegExp(
          `^127\\.0\\.0\\.1:${broker.port}: certificate for 127\\.0\\.0\\.1 by ca, valid until \\d{4}-\\d\\d-\\d\\d \\(2\\d days\\); verified against ${pki.ca}$`,
        ),
      ),
    });
    expect(await checkTls(good, await mqttOptionsFrom(good))).toMatchObject({
      ok: false,
      detail: expect.stringContaining('verified, but it expires soon'),
      fix: "renew the broker's certificate before it expires",
    });
    const wrong = await configFor(pki.otherCa);
    expect(await checkTls(wrong, await mqttOptionsFrom(wrong), earlier)).toMatchObject({
      ok: false,
      detail: expect.stringContaining('does not verify: SELF_SIGNED_CERT_IN_CHAIN'),
      fix: "set uplink.tls.ca to the CA certificate that signed the broker's",
    });
  });
});
