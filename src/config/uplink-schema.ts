/** The `uplink` section of the config schema (./schema.ts): how the hub reaches its broker or brokers, and what it sends. */
import { z } from 'zod';
import { intRange, mqttTextOnly, secret } from './schema-helpers.js';

const server = z
  .strictObject({
    host: z.string().min(1).describe('Host name or address of this broker.'),
    port: intRange(1, 65535).optional().describe('Its TCP port; uplink.port when unset.'),
  })
  .describe('One broker of uplink.servers.');

const tls = z
  .strictObject({
    ca: z.string().optional().describe('Path to the CA certificate (PEM) that signed the broker certificate.'),
    cert: z.string().optional().describe("Path to this hub's client certificate (PEM)."),
    key: z.string().optional().describe('Path to the private key (PEM) of the client certificate.'),
    rejectUnauthorized: z.boolean().default(true).describe('Refuse brokers whose certificate does not verify.'),
  })
  .prefault({})
  .describe('TLS settings, used when protocol is mqtts.');

export const uplink = z
  .strictObject({
    protocol: z.enum(['mqtt', 'mqtts']).default('mqtt').describe('mqtt for plain TCP, mqtts for TLS.'),
    host: z.string().min(1).default('127.0.0.1').describe('Host name or address of the MQTT broker.'),
    port: intRange(1, 65535).default(1883).describe('TCP port of the MQTT broker.'),
    servers: z
      .array(server)
      .min(1, { error: 'expected at least one broker ({host, port})' })
      .optional()
      .describe(
        'Brokers of one cluster to use in turn instead of host and port (mqtt.js failover): [{host, port}], port defaulting to uplink.port. The hub connects to the first; when a connection is lost or refused it tries the next, round the list. Protocol, credentials and TLS are the same for all.',
      ),
    mqttVersion: z
      // YAML reads `5` as a number
      .preprocess(
        (value) => (value === 5 ? '5' : value),
        z.enum(['auto', '5', '3.1.1'], { error: 'expected auto, 5 or 3.1.1' }).default('auto'),
      )
      .describe(
        'MQTT version to speak. auto: 5, falling back to 3.1.1 when the broker refuses 5 or closes MQTT 5 connections without an answer (RabbitMQ 3.x, NATS); the hub then logs what it cannot do over 3.1.1 and shows it in bridge/info and its health.',
      ),
    baseTopic: z
      .string()
      .regex(/^[^#+]+$/, { error: 'expected a topic without wildcards (# or +)' })
      .superRefine(mqttTextOnly)
      .default('hearth/{hubId}')
      .describe('Topic under which everything of this hub lives; {hubId} is replaced by the hub id.'),
    username: z.string().optional().describe('User name for the broker.'),
    password: secret(z.string().optional().describe('Password for the broker; never logged.')),
    clientId: z.string().optional().describe('MQTT client id; hearth-<hubId> when unset.'),
    keepaliveS: intRange(5, 3600).default(60).describe('MQTT keepalive in seconds.'),
    reconnectMinMs: intRange(100, 600_000)
      .default(1000)
      .describe('Delay before the first reconnect attempt; it doubles per failed attempt, with jitter.'),
    reconnectMaxMs: intRange(100, 3_600_000).default(30_000).describe('Upper bound on the delay between reconnect attempts.'),
    sessionExpiryS: intRange(0, 4_294_967_295)
      .default(3600)
      .describe("How long the broker keeps the hub's session (subscriptions, queued commands) while it is away (MQTT 5)."),
    startupWaitMs: intRange(0, 600_000)
      .default(5000)
      .describe('How long start-up waits for the first broker connection before going on offline.'),
    outboxMaxBytes: intRange(65_536, 4_294_967_295)
      .default(64 * 1024 * 1024)
      .describe("Bytes of messages the outbox keeps for the broker; past it the oldest events go first, never a device's latest state."),
    drainRatePerS: intRange(1, 1_000_000)
      .default(500)
      .describe(
        "Most messages per second sent to the broker (a backlog after an outage, and the republish for a broker without the hub's session, drain at this rate).",
      ),
    maxInFlight: intRange(1, 65_535).default(500).describe('Most messages sent and not yet acknowledged (PUBACK) at once.'),
    healthIntervalS: intRange(0, 86_400).default(60).describe('How often bridge/health is published (0: never).'),
    commandMaxAgeS: intRange(0, 604_800)
      .default(60)
      .describe(
        'A command older than this when it reaches the hub (queued by the broker while the hub was away) is not carried out, and is answered COMMAND_EXPIRED (0: no limit).',
      ),
    maxPayloadBytes: intRange(64, 16_777_216)
      .default(65_536)
      .describe(
        'Largest command or bridge request payload accepted; larger ones get an error answer. Over MQTT 5 the hub also announces a Maximum Packet Size of this plus 68 KiB, so the broker drops bigger publishes before they reach the hub.',
      ),
    embeddedBroker: z
      .enum(['off', 'auto'])
      .default('off')
      .describe('auto: when no broker answers on a loopback host, run an embedded one there (demo use).'),
    tls,
  })
  .superRefine((value, ctx) => {
    if (value.servers !== undefined && value.embeddedBroker === 'auto')
      ctx.addIssue({
        code: 'custom',
        path: ['embeddedBroker'],
        input: value.embeddedBroker,
        message: 'auto runs a broker on uplink.host and uplink.port, which uplink.servers replaces: set one or the other',
      });
  })
  .prefault({})
  .describe('The MQTT uplink to the (cloud) broker.');
