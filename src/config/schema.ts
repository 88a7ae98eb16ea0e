/**
 * The configuration schema: every option hearth reads, with its type, default and a one-line
 * description. The same schema validates config files, maps `HEARTH_…` environment variables,
 * and generates docs/configuration.md (`hearth config schema`). Later parts add their options
 * here, each with a default and a description (a test enforces both).
 */
import { hostname } from 'node:os';
import { z } from 'zod';
import { friendlyNameProblem, nameMessage } from '../model/name-rule.js';
import { gpioPinProblems } from './pin-plan.js';
import { intRange } from './schema-helpers.js';
import { uplink } from './uplink-schema.js';
import { zigbee, zwave } from './serial-radio-schema.js';
import { homeassistant } from './homeassistant-schema.js';
import { rules, ruleSettings } from './rules-schema.js';
import { web } from './web-schema.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function defaultHubId(): string {
  const name = hostname()
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return name.length > 0 ? name.slice(0, 64) : 'hearth';
}

export function defaultStateDir(): string {
  // systemd's StateDirectory= sets STATE_DIRECTORY; elsewhere the FHS place.
  return process.env.STATE_DIRECTORY?.split(':')[0] ?? '/var/lib/hearth';
}

const logLevel = z.enum(LOG_LEVELS, { error: `expected one of ${LOG_LEVELS.join(', ')}` });

const logging = z
  .strictObject({
    level: logLevel.default('info').describe('Log level for every module without its own level.'),
    format: z
      .enum(['auto', 'json', 'pretty'])
      .default('auto')
      .describe('json for journald and log shippers, pretty for a person, auto picks pretty on a terminal.'),
    modules: z
      .record(z.string().regex(/^[a-z0-9_.-]+$/, { error: 'expected a module name such as radios.zigbee' }), logLevel)
      .default({})
      .describe('Per-module levels ({"radios.zigbee": "debug"}), longest prefix first; zwave-js and herdsman logs are at warn unless set.'),
  })
  .prefault({})
  .describe('Logging (pino).');

const metrics = z
  .strictObject({
    enabled: z.boolean().default(false).describe('Serve /metrics (Prometheus) and /health over HTTP.'),
    host: z.string().min(1).default('127.0.0.1').describe('Address the HTTP endpoint listens on.'),
    port: intRange(0, 65535).default(9733).describe('Port of the HTTP endpoint (0 picks a free one).'),
    maxConnections: intRange(1, 1000)
      .default(16)
      .describe(
        'Most connections the HTTP endpoint holds at once; more are closed at once. A connection idle, or slow to send its request, for 10 s is closed.',
      ),
  })
  .prefault({})
  .describe('Metrics and health over HTTP.');

const shutdown = z
  .strictObject({
    timeoutMs: intRange(100, 300_000)
      .default(10_000)
      .describe('Bound on a clean stop; past it the process exits non-zero and names the part that hung.'),
  })
  .prefault({})
  .describe('Stopping.');

const powerOfTwo = intRange(1, 65536).refine((value) => (value & (value - 1)) === 0, { error: 'expected a power of two 1-65536' });

const actors = z
  .strictObject({
    registryShards: powerOfTwo
      .default(256)
      .describe('Shards of the actor registry (a power of two); more shards, a shorter worst stall as it grows.'),
    maxActive: intRange(1, 1_000_000).default(5000).describe('Live actors above which the least recently used idle ones are passivated.'),
    idleTimeoutMs: intRange(0, 86_400_000).default(900_000).describe('An actor idle this long is passivated (0: never by time).'),
    sweepIntervalMs: intRange(10, 3_600_000)
      .default(1000)
      .describe(
        'How often idle actors are looked for at most (the sweep sleeps while no actor is running, and wakes when the oldest could be idle).',
      ),
    sweepBudget: intRange(1, 100_000).default(200).describe('Most actors one idle sweep looks at, so a sweep never stalls the hub.'),
    mailboxCapacity: intRange(1, 1_000_000)
      .default(1000)
      .describe('Most messages waiting for one actor; past it a sender gets MAILBOX_FULL.'),
    askTimeoutMs: intRange(1, 600_000).default(5000).describe('How long a request to an actor waits for its reply.'),
    restart: z
      .strictObject({
        maxRestarts: intRange(0, 1000).default(5).describe('Restarts of one actor allowed within windowMs; one more escalates.'),
        windowMs: intRange(1, 86_400_000).default(60_000).describe('The sliding window of the restart budget.'),
        backoffInitialMs: intRange(0, 600_000)
          .default(100)
          .describe('Delay before the first restart; it doubles per restart in the window, with jitter.'),
        backoffMaxMs: intRange(0, 3_600_000).default(30_000).describe('Upper bound on the restart delay.'),
      })
      .prefault({})
      .describe('Supervision of failing actors.'),
  })
  .prefault({})
  .describe('The actor runtime: one actor per device.');

const store = z
  .strictObject({
    registryShards: powerOfTwo.default(64).describe('Files the device registry is split into (a power of two); a change rewrites one.'),
    writeIntervalMs: intRange(10, 600_000)
      .default(1000)
      .describe('At most one write per registry, rooms or settings file per this interval.'),
    maxLossMs: intRange(10, 60_000)
      .default(1000)
      .describe(
        'What a power cut may lose: a state change or outgoing message the hub took is on the card within this long. The state journal and the outbox gather what comes in and commit it (one write, one fsync) in time for this bound, sooner when commits are slow; a longer bound writes fewer pages (an SD card wears by the page).',
      ),
    journalBatchMs: intRange(1, 10_000)
      .optional()
      .describe('A fixed time state changes gather before one write and one fsync commit them (unset: as store.maxLossMs allows).'),
    directWrites: z
      .boolean()
      .default(true)
      .describe(
        'Write the state journal and the outbox with O_DIRECT where the file system allows it: a commit sends the card only the 512-byte sectors it touches instead of whole 4 KiB pages (false: through the page cache, as where O_DIRECT is refused, e.g. tmpfs).',
      ),
    stateShards: powerOfTwo.default(64).describe('Files the state snapshot is split into (a power of two).'),
    compactIntervalMs: intRange(0, 86_400_000)
      .default(600_000)
      .describe('How often changed state is folded into the snapshot (0: only by count and at stop).'),
    compactAfterDevices: intRange(1, 10_000_000)
      .default(10_000)
      .describe('Fold into the snapshot once this many devices changed since the last one.'),
  })
  .prefault({})
  .describe('The store: device registry, rooms, settings and the state journal, under stateDir.');

export const GPIO_BOARDS = ['auto', 'pi-zero-2-w', 'pi-3b-plus', 'pi-4b', 'pi-5'] as const;
export const GPIO_DEVICE_TYPES = ['relay', 'led', 'button', 'contact', 'motion'] as const;

const gpioDevice = z
  .strictObject({
    type: z.enum(GPIO_DEVICE_TYPES, { error: `expected one of ${GPIO_DEVICE_TYPES.join(', ')}` }),
    pin: intRange(0, 63).optional(),
    headerPin: intRange(1, 40).optional(),
    name: z
      .string()
      .superRefine((name, ctx) => {
        const problem = friendlyNameProblem(name);
        if (problem !== undefined) ctx.addIssue({ code: 'custom', input: name, message: nameMessage('friendly name', name, problem) });
      })
      .optional(),
    activeLow: z.boolean().default(false),
    initial: z.enum(['restore', 'on', 'off'], { error: 'expected restore, on or off' }).default('restore'),
    debounceMs: intRange(0, 1000).optional(),
    doubleClickMs: intRange(50, 2000).optional(),
    longPressMs: intRange(100, 10_000).optional(),
    occupancyHoldS: intRange(1, 86_400).optional(),
  })
  .superRefine((device, ctx) => {
    if ((device.pin === undefined) === (device.headerPin === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['pin'],
        input: device.pin ?? device.headerPin,
        message: 'expected exactly one of pin (the BCM GPIO number, 17 for GPIO17) or headerPin (the physical pin 1-40, 11 for GPIO17)',
      });
    }
  });
export type GpioDeviceConfig = z.output<typeof gpioDevice>;

const gpio = z
  .strictObject({
    enabled: z.boolean().default(false).describe('Run the GPIO radio.'),
    simulate: z
      .boolean()
      .default(false)
      .describe(
        'Run against a simulated sysfs GPIO tree (the real onoff in a private mount namespace; as root) or, where that cannot be made, simulated pins in the process.',
      ),
    sysfsPath: z
      .string()
      .startsWith('/', { error: 'expected an absolute path' })
      .default('/sys/class/gpio')
      .describe("Where the kernel's sysfs GPIO lives; hearth reads the chips' bases there (onoff itself always uses /sys/class/gpio)."),
    board: z
      .enum(GPIO_BOARDS, { error: `expected one of ${GPIO_BOARDS.join(', ')}` })
      .default('auto')
      .describe('Board profile (hardware/gpio): auto reads /proc/device-tree/model; the simulator runs a Pi 4 B on auto.'),
    debounceMs: intRange(0, 1000)
      .default(20)
      .describe('Default debounce of input pins: an edge counts once the line stayed quiet this long.'),
    doubleClickMs: intRange(50, 2000).default(300).describe('Default window of a button: a second press within it makes a double click.'),
    longPressMs: intRange(100, 10_000).default(800).describe('Default hold of a button that makes a long press.'),
    occupancyHoldS: intRange(1, 86_400).default(60).describe('Default time a motion sensor reports occupancy after its last motion.'),
    devices: z
      .array(gpioDevice)
      .default([])
      .describe(
        'The pins, one device each: {type: relay|led|button|contact|motion, pin: BCM number | headerPin: 1-40, name, activeLow, initial: restore|on|off (outputs), debounceMs, doubleClickMs, longPressMs, occupancyHoldS (overrides)}. See README "GPIO".',
      ),
  })
  .prefault({})
  .superRefine((gpio, ctx) => {
    for (const problem of gpioPinProblems(gpio.devices, gpio.board === 'auto' ? undefined : gpio.board))
      ctx.addIssue({ code: 'custom', path: ['devices', ...problem.path], input: problem.value, message: problem.message });
    const named = new Map<string, number>();
    gpio.devices.forEach((device, index) => {
      if (device.name === undefined) return;
      const first = named.get(device.name.toLowerCase());
      if (first === undefined) named.set(device.name.toLowerCase(), index);
      else
        ctx.addIssue({
          code: 'custom',
          path: ['devices', index, 'name'],
          input: device.name,
          message: nameMessage('friendly name', device.name, `also the name of devices.${first}`),
        });
    });
  })
  .describe('GPIO (onoff).');

const restart = z
  .strictObject({
    minMs: intRange(100, 600_000)
      .default(1000)
      .describe('Delay before the first restart of a radio that failed; it doubles per failed restart, with jitter.'),
    maxMs: intRange(1000, 86_400_000)
      .default(300_000)
      .describe('Upper bound on the delay between restarts; a radio given up on is retried at this interval forever.'),
    maxAttempts: intRange(1, 1000)
      .default(10)
      .describe('Failed restarts in a row after which the radio counts as down (bridge/health, /health) instead of restarting.'),
  })
  .prefault({})
  .describe('Restarting a radio whose driver failed or could not start, while the rest of the hub runs on.');

interface BreakerDefaults {
  threshold: number;
  deviceThreshold: number;
  maxConcurrent: number;
  commandTimeoutMs: number;
}

/** Circuit breakers and the bulkhead of one radio kind (src/resilience), with that kind's defaults. */
function breakerOptions(kind: string, defaults: BreakerDefaults) {
  return z
    .strictObject({
      threshold: intRange(1, 1000)
        .default(defaults.threshold)
        .describe(
          `Radio faults in a row (controller timeouts, serial errors) after which the ${kind} radio's breaker opens and its commands fail at once with CIRCUIT_OPEN.`,
        ),
      deviceThreshold: intRange(1, 1000)
        .default(defaults.deviceThreshold)
        .describe(
          `Failed commands in a row to one ${kind} device (no acknowledgement) after which that device's breaker opens; a sleeping device's queued command is no failure.`,
        ),
      probeMinMs: intRange(100, 3_600_000)
        .default(2000)
        .describe(
          "Delay before the first half-open probe (a cheap ping, never a user's command) of an open breaker; it doubles per failed probe, with jitter.",
        ),
      probeMaxMs: intRange(100, 86_400_000).default(120_000).describe('Upper bound on the delay between probes of an open breaker.'),
      restartAfterProbes: intRange(1, 1000)
        .default(5)
        .describe(
          `Failed probes in a row of an open ${kind} radio breaker after which the radio's driver is presumed stuck and restarted (radios.restart).`,
        ),
      maxConcurrent: intRange(1, 10_000)
        .default(defaults.maxConcurrent)
        .describe(`Most commands in flight on the ${kind} radio at once (its bulkhead), so a recovering network is not flooded.`),
      maxQueued: intRange(0, 1_000_000)
        .default(200)
        .describe('Commands waiting for a place in the bulkhead; past it a command fails at once with RADIO_BUSY.'),
      commandTimeoutMs: intRange(100, 3_600_000)
        .default(defaults.commandTimeoutMs)
        .describe(`A ${kind} command still unanswered after this long fails with TIMEOUT and counts as a radio fault (a hung driver).`),
    })
    .prefault({})
    .describe(`Circuit breakers and bulkhead of the ${kind} radio.`);
}

const breakers = z
  .strictObject({
    zigbee: breakerOptions('Zigbee', { threshold: 5, deviceThreshold: 3, maxConcurrent: 8, commandTimeoutMs: 30_000 }),
    zwave: breakerOptions('Z-Wave', { threshold: 3, deviceThreshold: 3, maxConcurrent: 4, commandTimeoutMs: 30_000 }),
    gpio: breakerOptions('GPIO', { threshold: 3, deviceThreshold: 3, maxConcurrent: 32, commandTimeoutMs: 5000 }),
  })
  .prefault({})
  .describe('Circuit breakers per radio kind: one for the radio, one per device, and a bulkhead.');

export type BreakerOptions = z.output<ReturnType<typeof breakerOptions>>;

const radios = z
  .strictObject({
    zigbee,
    zwave,
    gpio,
    restart,
    breakers,
    settleMaxS: intRange(1, 600)
      .default(30)
      .describe(
        'How long bridge/devices, bridge/rooms and Home Assistant discovery wait at most for a starting radio to announce the devices it knew before they go out regardless (a Z-Wave node asleep before its interview is done holds nothing: it is announced when it wakes up, and the lists go out again).',
      ),
  })
  .prefault({})
  .describe('The radios.');

export const configSchema = z
  .strictObject({
    hubId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'expected 1-64 characters of A-Z a-z 0-9 _ -' })
      .default(defaultHubId)
      .meta({ defaultText: 'the host name' })
      .describe('Stable id of this hub; unique on a broker shared by several hubs.'),
    stateDir: z
      .string()
      .startsWith('/', { error: 'expected an absolute path' })
      .default(defaultStateDir)
      .meta({ defaultText: '$STATE_DIRECTORY or /var/lib/hearth' })
      .describe("Directory for the hub's state (registry, journal, radio databases)."),
    logging,
    uplink,
    homeassistant,
    metrics,
    web,
    shutdown,
    actors,
    store,
    radios,
    rules,
    ruleSettings,
  })
  .describe('hearth configuration');

export type HearthConfig = z.output<typeof configSchema>;
export type HearthConfigInput = z.input<typeof configSchema>;

/** The broker topic prefix of this hub, with {hubId} filled in. */
export function baseTopicOf(config: HearthConfig): string {
  return config.uplink.baseTopic.replaceAll('{hubId}', config.hubId);
}
