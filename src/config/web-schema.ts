/**
 * The `web` options of the config schema (./schema.ts): the hub's local web page and its API
 * (src/web/). Off by default, on loopback when on; every request but the login needs a session
 * made with the hub's access token (generated at first start into the state directory).
 */
import { z } from 'zod';
import { intRange } from './schema-helpers.js';

/** A host name (or host:port) the page may be reached by: letters, digits, dots and dashes. */
const hostName = z
  .string()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]{1,253})(:\d{1,5})?$/, { error: 'expected a host name or address, optionally with :port' });

export const web = z
  .strictObject({
    enabled: z.boolean().default(false).describe('Serve the local web page and its API (/api/…) over HTTP.'),
    host: z
      .string()
      .min(1)
      .default('127.0.0.1')
      .describe(
        'Address the web page listens on. Off loopback (0.0.0.0, a LAN address) anyone on the network can reach the login: the access token is what protects it (README "Web page").',
      ),
    port: intRange(0, 65535).default(8099).describe('Port of the web page (0 picks a free one).'),
    sessionTtlS: intRange(60, 30 * 86_400)
      .default(43_200)
      .describe('How long a login lasts: the session cookie expires, and the hub forgets the session, this many seconds after the login.'),
    maxSessions: intRange(1, 1000).default(32).describe('Sessions held at once; a login past it ends the oldest.'),
    tokenFile: z
      .string()
      .startsWith('/', { error: 'expected an absolute path' })
      .optional()
      .describe(
        'File holding the access token a login needs (unset: <stateDir>/web-token); generated (mode 0600) at first start when missing. `hearth doctor`, run as the service user, shows it.',
      ),
    allowedHosts: z
      .array(hostName)
      .max(64)
      .default([])
      .describe(
        "Names the page is reached by besides IP addresses, localhost and this machine's host name (and <host name>.local): a request with any other Host header is refused (a guard against DNS rebinding). Add the name a reverse proxy or your DNS gives the hub.",
      ),
    maxConnections: intRange(1, 1000)
      .default(64)
      .describe('Most connections the web page holds at once (open event streams included); more are closed at once.'),
    maxStreams: intRange(1, 500)
      .default(32)
      .describe('Most open event streams (/api/events, one per open page); one more is answered 503.'),
    login: z
      .strictObject({
        maxAttempts: intRange(1, 1000)
          .default(5)
          .describe('Failed logins from one address within windowS; more are answered 429 until the window ends.'),
        windowS: intRange(1, 86_400).default(60).describe('The window of the login rate limit, in seconds.'),
      })
      .prefault({})
      .describe('Rate limit of logins.'),
    assetsDir: z
      .string()
      .startsWith('/', { error: 'expected an absolute path' })
      .optional()
      .describe(
        'Folder of the built page, index.html and its assets (unset: dist/web of the installed hearth); a short "page not built" page is served when it is missing.',
      ),
  })
  .prefault({})
  .describe('The local web page (README "Web page").');
