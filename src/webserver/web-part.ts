/**
 * The web page part (config `web`, off unless web.enabled): an HTTP server on web.host:web.port
 * that serves the built page (web.assetsDir, dist/web by default; a short "page not built"
 * page when it is missing) and its API (./web-api.ts). Every answer carries the security
 * headers (./http-io.ts); a request whose Host is not the hub's is refused. Connections are
 * bounded (web.maxConnections; one idle or slow to send its request for IDLE_TIMEOUT_MS is
 * closed), event streams too (web.maxStreams). The access token is read, or written at the
 * first start, before the server listens. It starts after the uplink and stops first,
 * closing every stream.
 */
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import sirv from 'sirv';
import { isLoopbackHost } from '../config/broker-address.js';
import type { HearthConfig } from '../config/schema.js';
import { describeError, ErrorCode } from '../errors.js';
import type { Part, PartHealth } from '../lifecycle/part.js';
import { loadOrCreateToken, tokenFileOf } from './access-token.js';
import { EventStreams } from './event-streams.js';
import { HostRule, sendError, setSecurityHeaders } from './http-io.js';
import { HubFeed, type HubFeedOptions } from './hub-feed.js';
import { LoginLimiter } from './login-limiter.js';
import { Sessions } from './sessions.js';
import { WebApi, type WebApiOptions } from './web-api.js';
import { inPackage } from '../package-root.js';

/** A connection idle, or still sending its request, this long is closed (event streams excepted). */
export const IDLE_TIMEOUT_MS = 10_000;
/** Bytes a stream's client may leave unread before it is dropped. */
export const MAX_STREAM_BUFFER_BYTES = 512 * 1024;
/** A comment on every stream this often. */
export const HEARTBEAT_MS = 15_000;

/** dist/web of this installation. */
export function defaultAssetsDir(): string {
  return inPackage('dist', 'web');
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>hearth</title></head>
<body><h1>hearth</h1><p>The web page is not built. Build it (npm run build) or set web.assetsDir to the folder of a built page. The API under /api/ works meanwhile.</p></body></html>
`;

export interface WebPartOptions extends Pick<HubFeedOptions, 'devices' | 'events' | 'rules' | 'details' | 'info' | 'health'> {
  config: Pick<HearthConfig, 'stateDir' | 'web' | 'uplink'>;
  local: WebApiOptions['local'];
  log: Logger;
  /** Tells the log scrubber the token (it never appears in a log line). */
  learnSecrets?: (secrets: readonly string[]) => void;
  /** Wall-clock milliseconds for sessions and the login limit; Date.now by default. */
  now?: () => number;
}

export class WebPart implements Part {
  readonly name = 'web';
  private server: Server | undefined;
  private readonly streams: EventStreams;
  private readonly feed: HubFeed;
  private readonly sessions: Sessions;
  private readonly hosts: HostRule;
  private api: WebApi | undefined;

  constructor(private readonly options: WebPartOptions) {
    const { web } = options.config;
    const now = options.now ?? Date.now;
    this.sessions = new Sessions({ ttlMs: web.sessionTtlS * 1000, max: web.maxSessions, now });
    this.streams = new EventStreams({
      maxStreams: web.maxStreams,
      maxBufferedBytes: MAX_STREAM_BUFFER_BYTES,
      heartbeatMs: HEARTBEAT_MS,
      alive: (id) => this.sessions.get(id) !== undefined,
      onDropped: () => options.log.warn('a web page did not keep up with its event stream: dropped (it reconnects by itself)'),
    });
    this.feed = new HubFeed({ ...options, now }, this.streams);
    this.hosts = new HostRule(web.allowedHosts);
  }

  get address(): AddressInfo | undefined {
    const address = this.server?.address();
    return typeof address === 'object' && address !== null ? address : undefined;
  }

  /** Open event streams. */
  get streamCount(): number {
    return this.streams.size;
  }

  async start(): Promise<void> {
    const { config, log } = this.options;
    const { web } = config;
    const tokenFile = tokenFileOf(config);
    const loaded = await loadOrCreateToken(tokenFile);
    this.options.learnSecrets?.([loaded.token]);
    if (loaded.tightened) log.warn({ tokenFile }, `${tokenFile} was readable by other users: made 0600`);
    this.api = new WebApi({
      token: loaded.token,
      sessions: this.sessions,
      limiter: new LoginLimiter({
        maxAttempts: web.login.maxAttempts,
        windowMs: web.login.windowS * 1000,
        ...(this.options.now ? { now: this.options.now } : {}),
      }),
      streams: this.streams,
      feed: this.feed,
      sessionTtlS: web.sessionTtlS,
      cookieName: 'hearth_session',
      maxPayloadBytes: config.uplink.maxPayloadBytes,
      local: this.options.local,
      log,
    });
    const assets = web.assetsDir ?? defaultAssetsDir();
    const built = existsSync(`${assets}/index.html`);
    const serveFile = built ? sirv(assets, { dev: false, etag: true, single: true, dotfiles: false, gzip: true, brotli: true }) : undefined;
    const server = createServer(
      { connectionsCheckingInterval: 1000, headersTimeout: IDLE_TIMEOUT_MS, requestTimeout: IDLE_TIMEOUT_MS, keepAliveTimeout: 5000 },
      (request, response) => {
        this.handle(request, response, serveFile).catch((error: unknown) => {
          log.error({ err: error, url: request.url?.slice(0, 200) }, `web request failed: ${describeError(error)}`);
          sendError(response, 500, ErrorCode.RequestFailed, 'the hub could not answer this request (its log says why)');
        });
      },
    );
    server.maxConnections = web.maxConnections;
    server.setTimeout(IDLE_TIMEOUT_MS, (socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException): void => {
        const hint = error.code === 'EADDRINUSE' ? ' (port in use: set web.port to another port)' : '';
        reject(new Error(`web page: cannot listen on ${web.host}:${web.port}: ${error.code ?? error.message}${hint}`, { cause: error }));
      };
      server.once('error', onError);
      server.listen(web.port, web.host, () => {
        server.off('error', onError);
        resolve();
      });
    });
    this.server = server;
    this.feed.start(this.name);
    const address = this.address;
    const url = `http://${address?.address}:${address?.port}/`;
    // one line: the demo's start says what a user needs in a few lines
    log.info(
      { url, tokenFile, tokenCreated: loaded.created, assets, built },
      `serving the web page at ${url}; its access token is in ${tokenFile}${loaded.created ? ' (new)' : ''}, hearth doctor shows it` +
        (built ? '' : `; the page is not built (no ${assets}/index.html): a "page not built" page meanwhile`),
    );
    if (!isLoopbackHost(web.host))
      log.warn(
        { host: web.host },
        `web.host is ${web.host}, not loopback: the web page's login can be reached from the network; the access token in ${tokenFile} protects it (keep it secret; hearth doctor shows it)`,
      );
  }

  private async handle(request: IncomingMessage, response: ServerResponse, serveFile: ReturnType<typeof sirv> | undefined): Promise<void> {
    setSecurityHeaders(response);
    if (!this.hosts.allows(request.headers.host))
      return sendError(
        response,
        403,
        ErrorCode.WebHostRefused,
        'the Host header does not name this hub (add the name to web.allowedHosts)',
      );
    const path = URL.parse(request.url ?? '/', 'http://hub')?.pathname;
    if (path === undefined) return sendError(response, 400, ErrorCode.PayloadInvalid, 'the request target is not a URL');
    if (path === '/api' || path.startsWith('/api/')) return this.api?.handle(request, response, path);
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return sendError(response, 405, ErrorCode.WebMethodNotAllowed, 'the page takes GET', { allow: 'GET, HEAD' });
    if (serveFile === undefined) {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(NOT_BUILT);
      return;
    }
    serveFile(request, response, () => sendError(response, 404, ErrorCode.WebNotFound, 'no such file'));
  }

  async stop(): Promise<void> {
    this.feed.stop();
    this.streams.closeAll();
    this.sessions.clear();
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  health(): PartHealth {
    const address = this.address;
    return address === undefined
      ? { status: 'stopped' }
      : { status: 'ok', port: address.port, streams: this.streams.size, sessions: this.sessions.size, dropped: this.streams.dropped };
  }
}
