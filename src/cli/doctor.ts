/**
 * `hearth doctor`: the first thing support asks for. Checks what a hub needs — the Node
 * version, the systemd service, the config, the state directory's disk (space, write speed),
 * memory against the board's budget, the serial ports and which sticks they are, the ports and
 * GPIO of the enabled radios, the broker's TLS, the web page (and its access token) and the broker — and prints one line per check,
 * OK or FAIL, with the fix for each failure. Exits 1 when any check fails. It changes nothing
 * (the write probe's temporary file is removed). The newer checks live in src/cli/doctor/.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { loadConfig } from '../config/load.js';
import { formatProblem } from '../config/problems.js';
import type { HearthConfig } from '../config/schema.js';
import { readChips } from '../radios/gpio/sysfs-chips.js';
import { brokerUrl, isLoopbackHost } from '../config/broker-address.js';
import { probeMqtt, probeTcp } from '../uplink/broker-probe.js';
import { mqttOptionsFrom } from '../uplink/mqtt-link.js';
import { resolveConfigSource } from './config-source.js';
import type { CheckResult } from './doctor/check.js';
import { checkDiskSpace, checkWriteRate } from './doctor/disk.js';
import { checkMemory, memoryFacts } from './doctor/memory.js';
import { SERIAL_PORT_ACCESS_FIX, SERIAL_PORT_FIX } from '../radios/serial-port-check.js';
import { checkRadioPortKind, checkSerialPorts, scanSerialPorts } from './doctor/serial-ports.js';
import { checkService, serviceState } from './doctor/service.js';
import { checkTls } from './doctor/tls.js';
import { checkWeb } from './doctor/web.js';
import { ExitCode } from './exit-codes.js';

export type { CheckResult } from './doctor/check.js';

export const MINIMUM_NODE = [20, 19] as const;

export function checkNodeVersion(versionText = process.versions.node): CheckResult {
  const [major = 0, minor = 0] = versionText.split('.').map(Number);
  const ok = major > MINIMUM_NODE[0] || (major === MINIMUM_NODE[0] && minor >= MINIMUM_NODE[1]);
  const need = `hearth needs ${MINIMUM_NODE.join('.')} or later`;
  return ok
    ? { check: 'node', ok, detail: `v${versionText} (${need})` }
    : {
        check: 'node',
        ok,
        detail: `v${versionText} is too old (${need})`,
        fix: 'install Node.js 20.19+ (Debian 13 and Raspberry Pi OS ship it) or Node 24 LTS',
      };
}

async function checkStateDir(path: string): Promise<CheckResult> {
  try {
    const info = await stat(path);
    if (!info.isDirectory()) return { check: 'state', ok: false, detail: `${path} is not a directory`, fix: 'set stateDir to a directory' };
    await access(path, constants.R_OK | constants.W_OK);
    return { check: 'state', ok: true, detail: `${path} is writable` };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      const parent = dirname(path);
      try {
        await access(parent, constants.W_OK);
        return { check: 'state', ok: true, detail: `${path} will be created on start` };
      } catch {
        return {
          check: 'state',
          ok: false,
          detail: `${path} does not exist and ${parent} is not writable`,
          fix: `create ${path} for the user that runs hearth, or set stateDir`,
        };
      }
    }
    return {
      check: 'state',
      ok: false,
      detail: `${path}: ${code ?? String(error)}`,
      fix: 'run hearth as the user that owns the state directory, or set stateDir',
    };
  }
}

async function checkSerialPort(radio: string, path: string): Promise<CheckResult> {
  const check = `${radio} port`;
  if (path.startsWith('tcp://')) return { check, ok: true, detail: `${path} (network adapter, checked when the radio starts)` };
  try {
    await access(path, constants.R_OK | constants.W_OK);
    return { check, ok: true, detail: `${path} is accessible` };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      return {
        check,
        ok: false,
        detail: `${path} does not exist`,
        fix: SERIAL_PORT_FIX,
      };
    }
    if (code === 'EACCES')
      return {
        check,
        ok: false,
        detail: `${path}: permission denied`,
        fix: SERIAL_PORT_ACCESS_FIX,
      };
    return { check, ok: false, detail: `${path}: ${code ?? String(error)}`, fix: 'check that no other program holds the port' };
  }
}

async function checkGpio(sysfsPath: string): Promise<CheckResult> {
  try {
    await access(sysfsPath, constants.F_OK);
  } catch {
    return {
      check: 'gpio',
      ok: false,
      detail: `${sysfsPath} does not exist`,
      fix: 'this is not a board with sysfs GPIO (or its kernel was built without CONFIG_GPIO_SYSFS): disable radios.gpio or use a Raspberry Pi OS kernel',
    };
  }
  try {
    await access(`${sysfsPath}/export`, constants.W_OK);
    // the chips and their bases: what config's BCM numbers are mapped through (hardware/README.md)
    const chips = await readChips(sysfsPath).catch(() => []);
    const listed = chips.map((chip) => `${chip.label} at base ${chip.base} (${chip.ngpio} lines)`).join(', ');
    return { check: 'gpio', ok: true, detail: `${sysfsPath}/export is writable${listed === '' ? '' : `; chips: ${listed}`}` };
  } catch {
    return {
      check: 'gpio',
      ok: false,
      detail: `${sysfsPath}/export: permission denied`,
      fix: 'add the user that runs hearth to the gpio group (usermod -aG gpio USER)',
    };
  }
}

async function checkBroker(config: HearthConfig): Promise<CheckResult> {
  const url = brokerUrl(config);
  const { host, port } = config.uplink;
  if (config.uplink.embeddedBroker === 'auto' && isLoopbackHost(host) && (await probeTcp(host, port)) === 'refused') {
    return { check: 'broker', ok: true, detail: `nothing listens on ${url}; the embedded broker will run there` };
  }
  let options;
  try {
    options = await mqttOptionsFrom(config);
  } catch (error) {
    return { check: 'broker', ok: false, detail: (error as Error).message, fix: 'point uplink.tls.* at readable PEM files' };
  }
  // a client id of its own and no session: the probe must not take over a running hub's
  const result = await probeMqtt(url, { ...options, clientId: `hearth-doctor-${process.pid}`, clean: true, properties: {} });
  if (result.ok) return { check: 'broker', ok: true, detail: result.detail };
  const fix = /not authorized|bad user name or password/i.test(result.detail)
    ? 'check uplink.username and uplink.password'
    : 'start the broker, or set uplink.host and uplink.port to one that runs';
  return { check: 'broker', ok: false, detail: result.detail, fix };
}

export async function runDoctor(options: { config?: string | undefined }, env: NodeJS.ProcessEnv = process.env): Promise<CheckResult[]> {
  const service = await serviceState(env);
  const results: CheckResult[] = [checkNodeVersion(), checkService(service)];
  const source = resolveConfigSource(options.config, env);
  const loaded = await loadConfig(source);
  if (!loaded.ok) {
    results.push({
      check: 'config',
      ok: false,
      detail: `${source.label}: ${loaded.problems.map(formatProblem).join('; ')}`,
      fix: 'correct the options named above (hearth config check FILE)',
    });
    return results;
  }
  const config = loaded.config;
  results.push({ check: 'config', ok: true, detail: `${source.label} is valid (hub ${config.hubId})` });
  results.push(await checkStateDir(config.stateDir));
  results.push(await checkDiskSpace(config.stateDir), await checkWriteRate(config.stateDir));
  results.push(checkMemory(await memoryFacts(service)));
  const ports = await scanSerialPorts();
  results.push(...checkSerialPorts(ports));
  for (const radio of ['zigbee', 'zwave'] as const) {
    const settings = config.radios[radio];
    if (!settings.enabled || settings.simulate || settings.serialPort === undefined) continue;
    const access = await checkSerialPort(radio, settings.serialPort);
    results.push((access.ok ? await checkRadioPortKind(radio, settings.serialPort, ports) : undefined) ?? access);
  }
  if (config.radios.gpio.enabled && !config.radios.gpio.simulate) results.push(await checkGpio(config.radios.gpio.sysfsPath));
  let tls: CheckResult | undefined;
  try {
    tls = await checkTls(config, await mqttOptionsFrom(config));
  } catch {
    tls = undefined; // unreadable PEM files: the broker check names them
  }
  if (tls !== undefined) results.push(tls);
  results.push(await checkWeb(config));
  results.push(await checkBroker(config));
  return results;
}

export function formatCheck(result: CheckResult): string {
  const head = `${result.ok ? 'OK  ' : 'FAIL'}  ${result.check.padEnd(12)} ${result.detail}`;
  return result.fix === undefined ? head : `${head}\n      fix: ${result.fix}`;
}

export async function doctorCommand(options: { config?: string | undefined }): Promise<number> {
  const results = await runDoctor(options);
  process.stdout.write(`${results.map(formatCheck).join('\n')}\n`);
  const failed = results.filter((result) => !result.ok).length;
  process.stdout.write(failed === 0 ? 'all checks passed\n' : `${failed} check${failed === 1 ? '' : 's'} failed\n`);
  return failed === 0 ? ExitCode.Ok : ExitCode.Failure;
}
