/** The config of the serial radios, Zigbee and Z-Wave: part of the config schema (./schema.ts). */
import { z } from 'zod';
import { hexKey, intRange, secret } from './schema-helpers.js';

function requireSerialPortWhenReal(
  radio: { enabled: boolean; simulate: boolean; serialPort?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  if (radio.enabled && !radio.simulate && radio.serialPort === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['serialPort'],
      message: 'required when the radio is enabled and not simulated (e.g. /dev/serial/by-id/…)',
      input: undefined,
    });
  }
}

const serialPort = z
  .string()
  .regex(/^(\/|tcp:\/\/)/, { error: 'expected a device path (/dev/…) or tcp://host:port' })
  .optional();

const ieeeAddress = z.string().regex(/^0x[0-9a-fA-F]{16}$/, { error: 'expected an IEEE address: 0x and 16 hex digits' });

const absolutePath = z.string().max(4096).regex(/^\//, { error: 'expected an absolute path' });

const zigbeeOta = z
  .strictObject({
    imagesDir: absolutePath
      .optional()
      .describe('A folder of OTA image files (each header says which devices it is for); a hub needs no internet for it.'),
    indexFile: absolutePath
      .optional()
      .describe("A local OTA index (zigbee-OTA's index.json format; a relative url is read from the index's folder)."),
    onlineIndex: z
      .url({ protocol: /^https$/, error: 'expected an https:// URL' })
      .max(2048)
      .optional()
      .describe("An online OTA index (e.g. Koenkk/zigbee-OTA's index.json), only when set; the local sources are asked first."),
    imageBlockRequestTimeoutMs: intRange(1000, 86_400_000)
      .default(150_000)
      .describe(
        'How long a device may take to ask for the next image block before the update fails (Zigbee2MQTT: image_block_request_timeout).',
      ),
    imageBlockResponseDelayMs: intRange(0, 10_000)
      .default(250)
      .describe('The least time between two image block answers (Zigbee2MQTT: image_block_response_delay).'),
    defaultMaximumDataSize: intRange(10, 100)
      .default(50)
      .describe('Bytes per image block unless the device asks for fewer (Zigbee2MQTT: default_maximum_data_size).'),
  })
  .prefault({})
  .describe('OTA firmware updates of Zigbee devices (bridge/request/device/ota_update/*).');

export const zigbee = z
  .strictObject({
    enabled: z.boolean().default(false).describe('Run the Zigbee radio.'),
    simulate: z.boolean().default(false).describe('Use the simulated coordinator instead of a stick.'),
    serialPort: serialPort.describe('Coordinator serial port (/dev/serial/by-id/…) or tcp://host:port.'),
    adapter: z
      .enum(['zstack', 'ember', 'deconz', 'zigate', 'zboss', 'ezsp', 'zoh'])
      .optional()
      .describe("The coordinator's adapter type (zigbee-herdsman's name for it); discovered from the USB ids when unset."),
    baudRate: intRange(1200, 4_000_000).default(115_200).describe('Serial speed of the coordinator.'),
    rtscts: z.boolean().default(false).describe("Hardware flow control on the coordinator's serial port."),
    channel: intRange(11, 26).default(11).describe('Zigbee channel (11-26) the network is formed on.'),
    panId: intRange(1, 0xfffe)
      .optional()
      .describe('PAN id (1-65534); a random one is generated on first start and kept in the state directory when unset.'),
    extendedPanId: z
      .string()
      .regex(/^(0x)?[0-9a-fA-F]{16}$/, { error: 'expected 8 bytes as 16 hex digits' })
      .optional()
      .describe('Extended PAN id (16 hex digits); generated on first start and kept when unset.'),
    networkKey: secret(
      hexKey.optional().describe('Zigbee network key; generated on first start and kept in the state directory when unset; never logged.'),
    ),
    availability: z
      .strictObject({
        activeTimeoutS: intRange(10, 86_400)
          .default(600)
          .describe('A mains-powered device silent this long is pinged; it is offline when it does not answer.'),
        passiveTimeoutS: intRange(60, 604_800)
          .default(90_000)
          .describe('A battery device silent this long is offline (it sleeps and cannot be pinged).'),
      })
      .prefault({})
      .describe("When Zigbee devices count as offline (Zigbee2MQTT's defaults)."),
    maxReportsPerS: intRange(1, 10_000)
      .default(20)
      .describe(
        'Reports per second one device may send before its reports are merged (latest values win) and passed on at this rate, so a flooding device cannot starve the others.',
      ),
    backupIntervalS: intRange(60, 604_800)
      .default(86_400)
      .describe('How often the coordinator backup is written (it is also written on stop).'),
    databaseSaveIntervalS: intRange(60, 604_800)
      .default(3600)
      .describe(
        "How often herdsman's database.db is saved for its last-seen times and cached attribute values, when they changed (herdsman: every 5 minutes). A change to the network (a join, an interview, a bind) is written at once, and on stop; device states are in the state journal.",
      ),
    passlist: z
      .array(ieeeAddress)
      .max(10_000)
      .default([])
      .describe(
        'IEEE addresses (0x and 16 hex digits) of the only devices allowed to join; empty: any device not on the blocklist. A refused device is sent away and reported as a device_refused bridge/event.',
      ),
    blocklist: z
      .array(ieeeAddress)
      .max(10_000)
      .default([])
      .describe(
        'IEEE addresses of devices never allowed to join (those in the network are removed at start); ignored when passlist is set.',
      ),
    maxDevices: intRange(1, 10_000)
      .default(200)
      .describe('Most devices the Zigbee network holds; a new device past it is refused (device_refused on bridge/event) and sent away.'),
    ota: zigbeeOta,
  })
  .prefault({})
  .superRefine(requireSerialPortWhenReal)
  .describe('Zigbee (zigbee-herdsman).');

const zwaveKeys = z
  .strictObject({
    s0Legacy: secret(hexKey.optional().describe('S0 network key; never logged.')),
    s2Unauthenticated: secret(hexKey.optional().describe('S2 Unauthenticated key; never logged.')),
    s2Authenticated: secret(hexKey.optional().describe('S2 Authenticated key; never logged.')),
    s2AccessControl: secret(hexKey.optional().describe('S2 Access Control key; never logged.')),
  })
  .prefault({})
  .describe('Z-Wave security keys.');

const zwaveFirmware = z
  .strictObject({
    folder: z
      .string()
      .min(1)
      .max(4096)
      .default('zwave-firmware')
      .describe(
        'Where bridge/request/zwave/firmware_update reads firmware files from (a relative path is under the state directory); a file outside it is refused.',
      ),
    maxBytes: intRange(1024, 16_777_216).default(4_194_304).describe('Largest firmware file or base64 image a firmware update accepts.'),
    service: z
      .strictObject({
        enabled: z.boolean().default(false).describe("Ask zwave-js's online firmware update service for updates (the hub needs internet)."),
        apiKey: secret(z.string().min(1).max(200).optional().describe("The service's API key, if you have one; never logged.")),
        includePrereleases: z.boolean().default(false).describe('Offer pre-release firmware too.'),
      })
      .prefault({})
      .describe("zwave-js's firmware update service: off unless enabled (a hub may have no internet)."),
  })
  .prefault({})
  .describe('Z-Wave device firmware updates.');

export const zwave = z
  .strictObject({
    enabled: z.boolean().default(false).describe('Run the Z-Wave radio.'),
    simulate: z.boolean().default(false).describe("Use zwave-js's mock controller instead of a stick."),
    serialPort: serialPort.describe('Controller serial port (/dev/serial/by-id/…) or tcp://host:port.'),
    securityKeys: zwaveKeys,
    maxDevices: intRange(1, 232)
      .default(100)
      .describe(
        'Most devices the Z-Wave network holds: permit_join is refused once it holds this many (DEVICE_LIMIT), and inclusion stops when a device brings it there.',
      ),
    backupIntervalS: intRange(60, 604_800)
      .default(86_400)
      .describe("How often the controller's NVM backup (zwave-nvm.bin in the state directory) is written (it is also written on stop)."),
    firmware: zwaveFirmware,
    databaseLockStaleS: intRange(2, 3600)
      .default(30)
      .describe(
        "How long a lock on zwave-js's databases (in the state directory) holds without a refresh; the driver refreshes it every half of this, and a start after a crash waits until the lock the killed hub left is this old.",
      ),
  })
  .prefault({})
  .superRefine(requireSerialPortWhenReal)
  .describe('Z-Wave (zwave-js).');
