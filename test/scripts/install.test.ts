/**
 * scripts/install.sh into a scratch root (--root): every file it installs, with its mode and
 * owner; a second run that changes nothing; an upgrade that switches `current`; a release that
 * does not start rolled back; --uninstall keeping config and state. systemctl is a stand-in
 * the test names (SYSTEMCTL) that records its calls; the real system is never touched.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, copyFile, cp, lstat, mkdir, readdir, readFile, readlink, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/hearth-process.js';
import { tempDir } from '../support/temp-dir.js';

const run = promisify(execFile);

/** A release as scripts/bundle lays it out, with a stand-in Node and dist (never run here). */
async function fakeRelease(dir: string, version: string, options: { broken?: boolean } = {}): Promise<string> {
  const release = join(dir, `release-${version}`);
  for (const sub of ['systemd', 'hardware']) await cp(join(repoRoot, sub), join(release, sub), { recursive: true });
  await mkdir(join(release, 'scripts'), { recursive: true });
  await copyFile(join(repoRoot, 'scripts/install.sh'), join(release, 'scripts/install.sh'));
  await mkdir(join(release, 'bin'), { recursive: true });
  await copyFile(join(repoRoot, 'scripts/release/hearth'), join(release, 'bin/hearth'));
  await mkdir(join(release, 'node/bin'), { recursive: true });
  await writeFile(join(release, 'node/bin/node'), '#!/bin/sh\necho v24.0.0\n');
  await chmod(join(release, 'node/bin/node'), 0o755);
  await mkdir(join(release, 'dist'), { recursive: true });
  await writeFile(join(release, 'dist/main.js'), `// hearth ${version}\n`);
  await writeFile(join(release, 'VERSION'), `${version}\n`);
  if (options.broken === true) await writeFile(join(release, 'BROKEN'), 'this release does not start\n');
  return release;
}

/** A root with the account files of a fresh Debian (root and the dialout group). */
async function scratchRoot(dir: string): Promise<string> {
  const root = join(dir, 'root');
  await mkdir(join(root, 'etc'), { recursive: true });
  await writeFile(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/bash\n');
  await writeFile(join(root, 'etc/shadow'), 'root:*:19000:0:99999:7:::\n');
  await writeFile(join(root, 'etc/group'), 'root:x:0:\ndialout:x:20:\n');
  await writeFile(join(root, 'etc/gshadow'), 'root:*::\ndialout:*::\n');
  return root;
}

/** systemctl's stand-in: records each call; `restart` fails when the current release is BROKEN. */
async function systemctlStandIn(dir: string, root: string): Promise<{ command: string; calls: () => Promise<string[]> }> {
  const log = join(dir, 'systemctl.log');
  const command = join(dir, 'systemctl');
  await writeFile(log, '');
  await writeFile(
    command,
    `#!/bin/sh\necho "$*" >>'${log}'\nif [ "$1" = restart ] && [ -e '${root}/opt/hearth/current/BROKEN' ]; then exit 1; fi\nexit 0\n`,
  );
  await chmod(command, 0o755);
  return { command, calls: async () => (await readFile(log, 'utf8')).split('\n').filter((line) => line !== '') };
}

/** Every path under root: type, mode, owner, and a content hash or link target. */
async function snapshot(root: string): Promise<Map<string, string>> {
  const entries = new Map<string, string>();
  const walk = async (dir: string): Promise<void> => {
    for (const name of await readdir(dir)) {
      const path = join(dir, name);
      const info = await lstat(path);
      const key = `/${relative(root, path)}`;
      const mode = (info.mode & 0o7777).toString(8);
      if (info.isSymbolicLink()) entries.set(key, `link -> ${await readlink(path)}`);
      else if (info.isDirectory()) {
        entries.set(key, `dir ${mode} ${info.uid}:${info.gid}`);
        await walk(path);
      } else
        entries.set(
          key,
          `file ${mode} ${info.uid}:${info.gid} ${createHash('sha256')
            .update(await readFile(path))
            .digest('hex')
            .slice(0, 16)}`,
        );
    }
  };
  await walk(root);
  return entries;
}

async function install(
  release: string,
  root: string,
  systemctl: string,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  return installUnder(undefined, release, root, systemctl, ...args);
}

/** install.sh run by a shell whose umask is `umask` (the caller's, when undefined). */
async function installUnder(
  umask: string | undefined,
  release: string,
  root: string,
  systemctl: string,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  const script = [join(release, 'scripts/install.sh'), '--root', root, '--board-model', 'Raspberry Pi Zero 2 W Rev 1.0', ...args];
  const command = umask === undefined ? script : ['-c', `umask ${umask} && exec bash "$@"`, 'install', ...script];
  try {
    const { stdout, stderr } = await run('bash', command, {
      env: { ...process.env, SYSTEMCTL: systemctl },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

function idOf(file: string, name: string, field: number): number {
  const line = file.split('\n').find((entry) => entry.startsWith(`${name}:`));
  if (line === undefined) throw new Error(`no ${name} in:\n${file}`);
  return Number(line.split(':')[field]);
}

describe('scripts/install.sh', () => {
  it('installs every file where the unit expects it, and a second run changes nothing', async () => {
    const dir = await tempDir();
    const root = await scratchRoot(dir);
    const release = await fakeRelease(dir, '1.0.0');
    const systemctl = await systemctlStandIn(dir, root);

    const first = await install(release, root, systemctl.command);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('journalctl -u hearth');

    const passwd = await readFile(join(root, 'etc/passwd'), 'utf8');
    const group = await readFile(join(root, 'etc/group'), 'utf8');
    expect(passwd).toMatch(/^hearth:x:\d+:\d+:[^:]*:\/var\/lib\/hearth:\/usr\/sbin\/nologin$/m);
    expect(idOf(passwd, 'hearth', 2)).toBeLessThan(1000); // a system user
    expect(group).toMatch(/^dialout:x:20:hearth$/m);
    expect(group).toMatch(/^gpio:x:\d+:hearth$/m);
    const hearthGid = idOf(passwd, 'hearth', 3);

    const files = await snapshot(root);
    const installed = [...files.keys()].filter(
      (path) =>
        !path.startsWith('/etc/passwd') &&
        !path.startsWith('/etc/group') &&
        !path.startsWith('/etc/shadow') &&
        !path.startsWith('/etc/gshadow'),
    );
    const fromRelease = (await snapshot(release)).keys();
    expect(installed.sort()).toEqual(
      [
        '/etc',
        '/etc/hearth',
        '/etc/hearth/hearth.yaml',
        '/etc/systemd',
        '/etc/systemd/system',
        '/etc/systemd/system/hearth.service',
        '/etc/systemd/system/hearth.service.d',
        '/etc/systemd/system/hearth.service.d/memory.conf',
        '/etc/udev',
        '/etc/udev/rules.d',
        '/etc/udev/rules.d/99-hearth-radios.rules',
        '/opt',
        '/opt/hearth',
        '/opt/hearth/1.0.0',
        ...[...fromRelease].map((path) => `/opt/hearth/1.0.0${path}`),
        '/opt/hearth/current',
        '/usr',
        '/usr/local',
        '/usr/local/bin',
        '/usr/local/bin/hearth',
      ].sort(),
    );
    expect(files.get('/opt/hearth/current')).toBe('link -> 1.0.0');
    expect(files.get('/usr/local/bin/hearth')).toBe('link -> /opt/hearth/current/bin/hearth');
    expect(files.get('/etc/hearth')).toMatch(/^dir 755 0:0$/);
    expect(files.get('/etc/hearth/hearth.yaml')).toMatch(new RegExp(`^file 640 0:${hearthGid} `));
    expect(await readFile(join(root, 'etc/hearth/hearth.yaml'), 'utf8')).toBe(
      await readFile(join(repoRoot, 'systemd/hearth.yaml.template'), 'utf8'),
    );
    expect(await readFile(join(root, 'etc/systemd/system/hearth.service'), 'utf8')).toBe(
      await readFile(join(repoRoot, 'systemd/hearth.service'), 'utf8'),
    );
    expect(await readFile(join(root, 'etc/udev/rules.d/99-hearth-radios.rules'), 'utf8')).toBe(
      await readFile(join(repoRoot, 'hardware/udev/99-hearth-radios.rules'), 'utf8'),
    );
    expect(await readFile(join(root, 'etc/systemd/system/hearth.service.d/memory.conf'), 'utf8')).toMatch(
      /\[Service\]\nMemoryHigh=224M\nMemoryMax=256M\n$/,
    );
    expect(files.get('/opt/hearth/1.0.0/bin/hearth')).toMatch(/^file 755 0:0 /);
    expect(await systemctl.calls()).toEqual(['daemon-reload', 'enable hearth.service', 'restart hearth.service']);

    const second = await install(release, root, systemctl.command);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('nothing to change');
    expect(await snapshot(root)).toEqual(files);
    expect((await systemctl.calls()).slice(3)).toEqual(['enable hearth.service', 'start hearth.service']);
  });

  it('makes nothing writable by others, even run under umask 000', async () => {
    const dir = await tempDir();
    const root = await scratchRoot(dir);
    const systemctl = await systemctlStandIn(dir, root);
    const result = await installUnder('000', await fakeRelease(dir, '1.0.0'), root, systemctl.command);
    expect(result.code, result.stderr).toBe(0);
    const files = await snapshot(root);
    expect(files.get('/opt/hearth')).toBe('dir 755 0:0');
    expect(files.get('/opt')).toBe('dir 755 0:0');
    const writable = [...files]
      .filter(([, entry]) => !entry.startsWith('link') && (parseInt(entry.split(' ')[1] ?? '0', 8) & 0o022) !== 0)
      .map(([path, entry]) => `${path}: ${entry}`);
    expect(writable).toEqual([]);
  });

  it('never overwrites a config the user edited', async () => {
    const dir = await tempDir();
    const root = await scratchRoot(dir);
    const systemctl = await systemctlStandIn(dir, root);
    await mkdir(join(root, 'etc/hearth'), { recursive: true });
    await writeFile(join(root, 'etc/hearth/hearth.yaml'), 'hubId: mine\n');
    const { code } = await install(await fakeRelease(dir, '1.0.0'), root, systemctl.command);
    expect(code).toBe(0);
    expect(await readFile(join(root, 'etc/hearth/hearth.yaml'), 'utf8')).toBe('hubId: mine\n');
  });

  it('upgrades by switching current and restarting, and rolls back a release that does not start', async () => {
    const dir = await tempDir();
    const root = await scratchRoot(dir);
    const systemctl = await systemctlStandIn(dir, root);
    expect((await install(await fakeRelease(dir, '1.0.0'), root, systemctl.command)).code).toBe(0);

    const upgrade = await install(await fakeRelease(dir, '1.1.0'), root, systemctl.command);
    expect(upgrade.code, upgrade.stderr).toBe(0);
    expect(upgrade.stdout).toContain('switched /opt/hearth/current to 1.1.0 (was 1.0.0)');
    expect(await readlink(join(root, 'opt/hearth/current'))).toBe('1.1.0');
    expect((await systemctl.calls()).at(-1)).toBe('restart hearth.service');

    const broken = await install(await fakeRelease(dir, '1.2.0', { broken: true }), root, systemctl.command);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('hearth 1.2.0 did not start');
    expect(broken.stderr).toContain('Rolled back: /opt/hearth/current is 1.1.0 again');
    expect(broken.stderr).toContain('journalctl -u hearth');
    expect(await readlink(join(root, 'opt/hearth/current'))).toBe('1.1.0');
    expect((await systemctl.calls()).slice(-2)).toEqual(['restart hearth.service', 'restart hearth.service']);

    // the next good release: 1.0.0 is pruned, 1.1.0 kept as the rollback target
    const next = await install(await fakeRelease(dir, '1.3.0'), root, systemctl.command);
    expect(next.code, next.stderr).toBe(0);
    expect((await readdir(join(root, 'opt/hearth'))).sort()).toEqual(['1.1.0', '1.3.0', 'current']);
  });

  it('--uninstall removes the release, unit and rules, and keeps config and state', async () => {
    const dir = await tempDir();
    const root = await scratchRoot(dir);
    const systemctl = await systemctlStandIn(dir, root);
    const release = await fakeRelease(dir, '1.0.0');
    expect((await install(release, root, systemctl.command)).code).toBe(0);
    await mkdir(join(root, 'var/lib/hearth/snapshots'), { recursive: true });
    await writeFile(join(root, 'var/lib/hearth/snapshots/0.json'), '{}');
    const config = await readFile(join(root, 'etc/hearth/hearth.yaml'), 'utf8');

    const removed = await install(release, root, systemctl.command, '--uninstall');
    expect(removed.code, removed.stderr).toBe(0);
    const left = [...(await snapshot(root)).keys()].filter((path) => !/^\/etc\/(passwd|group|shadow|gshadow)/.test(path));
    expect(left.sort()).toEqual(
      [
        '/etc',
        '/etc/hearth',
        '/etc/hearth/hearth.yaml',
        '/etc/systemd',
        '/etc/systemd/system',
        '/etc/udev',
        '/etc/udev/rules.d',
        '/opt',
        '/usr',
        '/usr/local',
        '/usr/local/bin',
        '/var',
        '/var/lib',
        '/var/lib/hearth',
        '/var/lib/hearth/snapshots',
        '/var/lib/hearth/snapshots/0.json',
      ].sort(),
    );
    expect(await readFile(join(root, 'etc/hearth/hearth.yaml'), 'utf8')).toBe(config);
    expect((await systemctl.calls()).slice(-2)).toEqual(['disable --now hearth.service', 'daemon-reload']);
  });
});
