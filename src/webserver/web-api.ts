/**
 * The web page's API (docs/web-api.md): login, logout and the session; the snapshot and the
 * event stream; bridge requests and device commands, handed to the uplink's command router
 * (the very path their MQTT topics take). Every request but the login needs a live session;
 * every state-changing one (POST) needs the page's own Origin and, but the login, the
 * session's CSRF token in X-CSRF-Token. Bodies are bounded before they are read whole.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseCookie, stringifySetCookie } from 'cookie';
import type { Logger } from 'pino';
import { describeError, ErrorCode } from '../errors.js';
import { payloadShapeProblem } from '../uplink/payload-bounds.js';
import { requestPayloadLimit, type BridgeResponse } from '../uplink/bridge-requests.js';
import type { IncomingTopic } from '../uplink/topics.js';
import type { EventStreams } from './event-streams.js';
import type { HubFeed } from './hub-feed.js';
import { BodyTooLarge, originProblem, readBody, sendError, sendJson } from './http-io.js';
import type { LoginLimiter } from './login-limiter.js';
import { sameSecret, type Session, type Sessions } from './sessions.js';

/** Largest login body (`{"token":"…"}`). */
const MAX_LOGIN_BYTES = 1024;

export interface WebApiOptions {
  token: string;
  sessions: Sessions;
  limiter: LoginLimiter;
  streams: EventStreams;
  feed: HubFeed;
  /** Seconds a session lasts (the cookie's Max-Age). */
  sessionTtlS: number;
  /** The session cookie's name. */
  cookieName: string;
  /** Largest request or command payload (uplink.maxPayloadBytes, as over MQTT). */
  maxPayloadBytes: number;
  /** A command or request through the uplink's router. */
  local(incoming: Exclude<IncomingTopic, { kind: 'ignored' }>, payload: Buffer): Promise<BridgeResponse>;
  log: Logger;
}

type Route = 'login' | 'logout' | 'session' | 'snapshot' | 'events' | 'request' | 'set';

const METHODS: Record<Route, 'GET' | 'POST'> = {
  login: 'POST',
  logout: 'POST',
  session: 'GET',
  snapshot: 'GET',
  events: 'GET',
  request: 'POST',
  set: 'POST',
};

/** The route of an /api/… path and what it names (a request's name, a device). */
function routeOf(path: string): { route: Route; name?: string } | undefined {
  const rest = path.slice('/api/'.length);
  if (rest === 'login' || rest === 'logout' || rest === 'session' || rest === 'snapshot' || rest === 'events') return { route: rest };
  if (rest.startsWith('request/') && rest.length > 'request/'.length) return { route: 'request', name: rest.slice('request/'.length) };
  if (rest.startsWith('devices/') && rest.endsWith('/set') && rest.length > 'devices//set'.length)
    return { route: 'set', name: rest.slice('devices/'.length, -'/set'.length) };
  return undefined;
}

export class WebApi {
  constructor(private readonly options: WebApiOptions) {}

  async handle(request: IncomingMessage, response: ServerResponse, rawPath: string): Promise<void> {
    const found = routeOf(rawPath);
    if (found === undefined) return sendError(response, 404, ErrorCode.WebNotFound, `no API path ${JSON.stringify(rawPath.slice(0, 200))}`);
    const method = METHODS[found.route];
    // HEAD as GET, but for the stream (a HEAD opens none)
    const headAsGet = method === 'GET' && request.method === 'HEAD' && found.route !== 'events';
    if (request.method !== method && !headAsGet)
      return sendError(response, 405, ErrorCode.WebMethodNotAllowed, `${rawPath.slice(0, 200)} takes ${method}`, { allow: method });
    if (method === 'POST') {
      const problem = originProblem(request);
      if (problem !== undefined) return sendError(response, 403, ErrorCode.WebOriginRefused, `refused: ${problem}`);
    }
    if (found.route === 'login') return this.login(request, response);
    const session = this.options.sessions.get(this.cookie(request));
    if (session === undefined)
      return sendError(response, 401, ErrorCode.WebLoginRequired, 'log in first (POST /api/login with the access token)');
    if (method === 'POST') {
      const given = request.headers['x-csrf-token'];
      if (typeof given !== 'string' || !sameSecret(given, session.csrf))
        return sendError(
          response,
          403,
          ErrorCode.WebCsrfInvalid,
          "the X-CSRF-Token header is missing or not this session's (GET /api/session gives it)",
        );
    }
    switch (found.route) {
      case 'logout':
        this.options.sessions.end(session.id);
        this.options.streams.closeTagged(session.id);
        return sendJson(response, 200, { status: 'ok' }, { 'set-cookie': this.sessionCookie('', 0) });
      case 'session':
        return sendJson(response, 200, this.sessionBody(session));
      case 'snapshot':
        return sendJson(response, 200, await this.options.feed.snapshot());
      case 'events':
        return this.events(response, session);
      case 'request':
      case 'set':
        return this.command(request, response, found.route, found.name ?? '');
    }
  }

  private async login(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const address = request.socket.remoteAddress ?? 'unknown';
    const { limiter } = this.options;
    const wait = limiter.retryAfterS(address);
    if (wait > 0)
      return sendError(response, 429, ErrorCode.WebLoginLimited, `too many failed logins from this address: try again in ${wait} s`, {
        'retry-after': String(wait),
      });
    const body = await this.jsonBody(request, response, MAX_LOGIN_BYTES);
    if (body === undefined) return;
    const token = typeof body === 'object' && body !== null ? (body as { token?: unknown }).token : undefined;
    if (typeof token !== 'string' || !sameSecret(token, this.options.token)) {
      limiter.failed(address);
      this.options.log.warn({ address }, 'web login refused: wrong access token');
      return sendError(
        response,
        401,
        ErrorCode.WebTokenInvalid,
        typeof token === 'string' ? 'wrong access token' : 'expected {"token": "<access token>"}',
      );
    }
    limiter.succeeded(address);
    const session = this.options.sessions.create();
    this.options.log.info({ address }, 'web login');
    sendJson(response, 200, this.sessionBody(session), { 'set-cookie': this.sessionCookie(session.id, this.options.sessionTtlS) });
  }

  private sessionBody(session: Session): { csrf: string; expires_at: string } {
    return { csrf: session.csrf, expires_at: new Date(session.expiresAt).toISOString() };
  }

  /** The stream: first a `snapshot` event, then every change from the moment it opened. */
  private async events(response: ServerResponse, session: Session): Promise<void> {
    const { streams } = this.options;
    if (streams.full) return sendError(response, 503, ErrorCode.WebTooManyStreams, 'too many open event streams (web.maxStreams)');
    streams.open(response, session.id);
    streams.release(response, 'snapshot', await this.options.feed.snapshot());
  }

  private async command(request: IncomingMessage, response: ServerResponse, route: 'request' | 'set', rawName: string): Promise<void> {
    let name: string;
    try {
      name = decodeURIComponent(rawName);
    } catch {
      return sendError(response, 404, ErrorCode.WebNotFound, 'the path is not valid percent-encoding');
    }
    const { maxPayloadBytes } = this.options;
    const payload = await this.body(request, response, route === 'request' ? requestPayloadLimit(name, maxPayloadBytes) : maxPayloadBytes);
    if (payload === undefined) return;
    const incoming: Exclude<IncomingTopic, { kind: 'ignored' }> =
      route === 'request' ? { kind: 'request', command: name } : { kind: 'set', device: name };
    const answer = await this.options.local(incoming, payload);
    sendJson(response, 200, answer);
  }

  /** The body, JSON-typed and within `maxBytes`; undefined when an error answer was sent. */
  private async body(request: IncomingMessage, response: ServerResponse, maxBytes: number): Promise<Buffer | undefined> {
    const type = request.headers['content-type'];
    const length = request.headers['content-length'];
    const empty = length === '0' || (length === undefined && request.headers['transfer-encoding'] === undefined);
    if (!empty && (type === undefined || !/^application\/json\s*(;|$)/i.test(type))) {
      sendError(response, 415, ErrorCode.WebMediaTypeInvalid, 'send the body as Content-Type: application/json');
      return undefined;
    }
    try {
      return await readBody(request, maxBytes);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        sendError(response, 413, ErrorCode.PayloadTooLarge, error.message, { connection: 'close' });
        return undefined;
      }
      throw error;
    }
  }

  /** The body parsed as JSON within the payload bounds; undefined when an error answer was sent. */
  private async jsonBody(request: IncomingMessage, response: ServerResponse, maxBytes: number): Promise<unknown> {
    const payload = await this.body(request, response, maxBytes);
    if (payload === undefined) return undefined;
    let body: unknown;
    try {
      body = JSON.parse(payload.toString('utf8'));
    } catch (error) {
      sendError(response, 400, ErrorCode.PayloadInvalid, `malformed JSON: ${describeError(error)}`);
      return undefined;
    }
    const problem = payloadShapeProblem(body);
    if (problem !== undefined) {
      sendError(response, 400, ErrorCode.PayloadInvalid, problem);
      return undefined;
    }
    return body;
  }

  private cookie(request: IncomingMessage): string | undefined {
    const header = request.headers.cookie;
    if (header === undefined || header.length > 8192) return undefined;
    return parseCookie(header)[this.options.cookieName];
  }

  private sessionCookie(value: string, maxAgeS: number): string {
    return stringifySetCookie({
      name: this.options.cookieName,
      value,
      httpOnly: true,
      sameSite: 'strict',
      path: '/',
      maxAge: maxAgeS,
      expires: new Date(Date.now() + maxAgeS * 1000),
    });
  }
}
