/**
 * Doctor: the broker's TLS, when uplink.protocol is mqtts — whether its certificate verifies
 * against the configured CA (or the system's), for which name, by whom, and how long it still
 * runs. A handshake only; the MQTT-level check is the broker check.
 */
import { checkServerIdentity, connect, type PeerCertificate } from 'node:tls';
import type { IClientOptions } from 'mqtt';
import type { HearthConfig } from '../../config/schema.js';
import type { CheckResult } from './check.js';

/** Fewer days left than this and the check fails: renew before the hub loses its broker. */
export const EXPIRY_WARNING_DAYS = 14;

function name(certificate: PeerCertificate['subject'] | undefined): string {
  const cn = certificate?.CN;
  return Array.isArray(cn) ? cn.join(',') : (cn ?? '?');
}

const fixes: Record<string, string> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "set uplink.tls.ca to the CA certificate that signed the broker's",
  SELF_SIGNED_CERT_IN_CHAIN: "set uplink.tls.ca to the CA certificate that signed the broker's",
  DEPTH_ZERO_SELF_SIGNED_CERT: "set uplink.tls.ca to the broker's own (self-signed) certificate",
  CERT_HAS_EXPIRED: "renew the broker's certificate",
  ERR_TLS_CERT_ALTNAME_INVALID: 'set uplink.host to a name the certificate is for (see its subject above)',
};

export async function checkTls(config: HearthConfig, options: IClientOptions, now = Date.now()): Promise<CheckResult | undefined> {
  if (config.uplink.protocol !== 'mqtts') return undefined;
  const { host, port } = config.uplink;
  const result = await new Promise<{ cert?: PeerCertificate; authorized: boolean; error?: string; failed?: string }>((resolve) => {
    const socket = connect({
      host,
      port,
      servername: /^[\d.:]+$/.test(host) ? undefined : host,
      ca: options.ca,
      cert: options.cert,
      key: options.key as string | undefined,
      rejectUnauthorized: false,
      timeout: 3000,
    });
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      const error =
        socket.authorizationError === null
          ? undefined
          : String((socket.authorizationError as Error & { code?: string }).code ?? socket.authorizationError);
      // the host name check rejectUnauthorized would make
      const hostError = socket.authorized ? checkHost(host, cert) : undefined;
      socket.destroy();
      resolve({ cert, authorized: socket.authorized && hostError === undefined, error: error ?? hostError });
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve({ authorized: false, failed: 'no TLS handshake within 3 s' });
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve({ authorized: false, failed: error.code ?? error.message }));
  });
  const where = `${host}:${port}`;
  if (result.failed !== undefined || result.cert === undefined) {
    return {
      check: 'tls',
      ok: false,
      detail: `${where}: ${result.failed ?? 'no certificate'}`,
      fix: 'check uplink.host and uplink.port: a TLS listener must answer there',
    };
  }
  const validTo = Date.parse(result.cert.valid_to);
  const days = Math.floor((validTo - now) / 86_400_000);
  const detail = `${where}: certificate for ${name(result.cert.subject)} by ${name(result.cert.issuer)}, valid until ${new Date(validTo).toISOString().slice(0, 10)} (${days} days)`;
  if (!result.authorized) {
    const verdict = `${detail}; does not verify: ${result.error ?? 'unknown reason'}`;
    if (!config.uplink.tls.rejectUnauthorized)
      return { check: 'tls', ok: true, detail: `${verdict} (accepted: uplink.tls.rejectUnauthorized is false)` };
    return {
      check: 'tls',
      ok: false,
      detail: verdict,
      fix: fixes[result.error ?? ''] ?? "set uplink.tls.ca to the CA that signed the broker's certificate",
    };
  }
  if (days < EXPIRY_WARNING_DAYS)
    return {
      check: 'tls',
      ok: false,
      detail: `${detail}; verified, but it expires soon`,
      fix: "renew the broker's certificate before it expires",
    };
  return {
    check: 'tls',
    ok: true,
    detail: `${detail}; verified${config.uplink.tls.ca === undefined ? " against the system's CAs" : ` against ${config.uplink.tls.ca}`}`,
  };
}

/** The host name check a verifying client makes (node's own). */
function checkHost(host: string, cert: PeerCertificate): string | undefined {
  const error = checkServerIdentity(host, cert);
  return error === undefined ? undefined : String((error as Error & { code?: string }).code ?? error.message);
}
