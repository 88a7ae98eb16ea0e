/**
 * The web server's HTTP plumbing: the security headers every answer carries, JSON answers and
 * coded error answers (bounded), a request body read up to a byte limit, and the checks that
 * keep other sites out: the Host header must name the hub (DNS rebinding), and a
 * state-changing request's Origin must be the page's own (cross-site requests).
 */
import { hostname } from 'node:os';
import { isIP } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { boundedText } from '../bounded-text.js';
import { ErrorCode } from '../errors.js';
import { MAX_ERROR_MESSAGE_CHARS } from '../uplink/payload-bounds.js';

/** No inline scripts or styles, nothing from elsewhere, no framing. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
};

export function setSecurityHeaders(response: ServerResponse): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

/** A coded error answer: `{"status":"error","data":{},"error":{"code","message"}}`, the message bounded. */
export function sendError(
  response: ServerResponse,
  status: number,
  code: ErrorCode,
  message: string,
  headers: Record<string, string> = {},
): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  sendJson(
    response,
    status,
    { status: 'error', data: {}, error: { code, message: boundedText(message, MAX_ERROR_MESSAGE_CHARS) } },
    headers,
  );
}

export class BodyTooLarge extends Error {}

/** The request body, at most `maxBytes` (BodyTooLarge past it, the rest not read). */
export async function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (Number.isFinite(declared) && declared > maxBytes)
    throw new BodyTooLarge(`body of ${declared} bytes is over the limit of ${maxBytes}`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new BodyTooLarge(`body over the limit of ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The host part of a Host header or an origin's host (`[::1]:8099` → `::1`, `hub.local:8099` → `hub.local`), lower case. */
export function hostPart(host: string): string {
  const lower = host.toLowerCase();
  if (lower.startsWith('[')) {
    const end = lower.indexOf(']');
    return end === -1 ? lower : lower.slice(1, end);
  }
  const colon = lower.lastIndexOf(':');
  return colon === -1 ? lower : lower.slice(0, colon);
}

/** Names the hub is reached by: IP addresses, localhost, this machine's host name and <name>.local, and web.allowedHosts. */
export class HostRule {
  private readonly names: Set<string>;
  private readonly allowed: readonly string[];

  constructor(allowed: readonly string[], machine: string = hostname()) {
    this.allowed = allowed.map((name) => name.toLowerCase());
    const name = machine.toLowerCase();
    this.names = new Set(['localhost', name, `${name}.local`]);
  }

  allows(hostHeader: string | undefined): boolean {
    if (hostHeader === undefined || hostHeader.length === 0 || hostHeader.length > 300) return false;
    const lower = hostHeader.toLowerCase();
    const host = hostPart(lower);
    if (isIP(host) !== 0 || this.names.has(host)) return true;
    return this.allowed.includes(lower) || this.allowed.includes(host);
  }
}

/**
 * Whether a state-changing request comes from the page itself: its Origin (or, without one,
 * its Referer's origin) is http(s)://<the Host header>, and the browser does not call it
 * cross-site. A request with neither header is refused: browsers send Origin on every POST.
 */
export function originProblem(request: IncomingMessage): string | undefined {
  const host = request.headers.host;
  if (request.headers['sec-fetch-site'] === 'cross-site') return 'a cross-site request (Sec-Fetch-Site: cross-site)';
  const origin = request.headers.origin ?? refererOrigin(request.headers.referer);
  if (origin === undefined) return 'no Origin header: a state-changing request must say where it comes from';
  const parsed = URL.parse(origin);
  if (parsed === null || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.host !== host?.toLowerCase())
    return `Origin ${JSON.stringify(boundedText(origin, 200))} is not this page's own`;
  return undefined;
}

function refererOrigin(referer: string | undefined): string | undefined {
  if (referer === undefined) return undefined;
  const parsed = URL.parse(referer);
  return parsed === null ? 'null' : parsed.origin;
}
