/**
 * The HTTP endpoint part: GET /metrics in the Prometheus text format and GET /health as JSON
 * fed by every part's health report (200 while the hub is ok or degraded, 503 otherwise).
 * Listens on config metrics.host:metrics.port; binding failures are start failures, and a
 * bind off loopback is warned about. It holds at most `maxConnections` connections, closes a
 * connection idle or slow to send its request after `idleTimeoutMs`, and answers a request
 * whose target is not a URL with 400.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { HubHealth } from '../lifecycle/hub-runner.js';
import type { Part, PartHealth } from '../lifecycle/part.js';
import { isLoopbackHost } from '../config/broker-address.js';

/** A connection idle, or still sending its request, this long is closed (the schema's metrics.maxConnections description says so). */
const IDLE_TIMEOUT_MS = 10_000;

export interface HttpEndpointOptions {
  host: string;
  port: number;
  /** Connections held at once; more are closed as they come. */
  maxConnections: number;
  /** A connection idle, or still sending its request, this long is closed (IDLE_TIMEOUT_MS by default). */
  idleTimeoutMs?: number;
  registry: Registry;
  health: () => HubHealth;
  log: Logger;
}

export class HttpEndpoint implements Part {
  readonly name = 'http';
  private server: Server | undefined;

  constructor(private readonly options: HttpEndpointOptions) {}

  /** The bound address (port resolved when 0 was asked for). */
  get address(): AddressInfo | undefined {
    const address = this.server?.address();
    return typeof address === 'object' && address !== null ? address : undefined;
  }

  async start(): Promise<void> {
    const idleMs = this.options.idleTimeoutMs ?? IDLE_TIMEOUT_MS;
    // the request timeouts are checked every connectionsCheckingInterval (Node's default is 30 s)
    const server = createServer(
      {
        connectionsCheckingInterval: Math.min(1000, idleMs),
        headersTimeout: idleMs,
        requestTimeout: idleMs,
        keepAliveTimeout: Math.min(5000, idleMs),
      },
      (request, response) => {
        this.handle(request, response).catch((error: unknown) => {
          this.options.log.error({ err: error }, 'http request failed');
          if (!response.headersSent) response.writeHead(500);
          response.end();
        });
      },
    );
    server.maxConnections = this.options.maxConnections;
    // a socket that never sends a byte: no request timeout applies to it yet
    server.setTimeout(idleMs, (socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException): void => {
        const hint = error.code === 'EADDRINUSE' ? ' (port in use: set metrics.port to another port)' : '';
        reject(
          new Error(`cannot listen on ${this.options.host}:${this.options.port}: ${error.code ?? error.message}${hint}`, { cause: error }),
        );
      };
      server.once('error', onError);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', onError);
        resolve();
      });
    });
    this.server = server;
    const address = this.address;
    this.options.log.info({ url: `http://${address?.address}:${address?.port}` }, 'serving /metrics and /health');
    if (!isLoopbackHost(this.options.host)) {
      this.options.log.warn(
        { host: this.options.host },
        `metrics.host is ${this.options.host}, not loopback: /metrics and /health (device counts, broker address, errors) can be read by anyone who reaches this host; bind 127.0.0.1 and put a proxy or firewall in front if they must be reached from elsewhere`,
      );
    }
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = URL.parse(request.url ?? '/', 'http://hub')?.pathname;
    if (path === undefined) {
      response.writeHead(400, { 'content-type': 'text/plain' }).end('bad request: the target is not a URL\n');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/metrics') {
      const body = await this.options.registry.metrics();
      response.writeHead(200, { 'content-type': this.options.registry.contentType }).end(body);
      return;
    }
    if (path === '/health') {
      const health = this.options.health();
      const code = health.status === 'ok' || health.status === 'degraded' ? 200 : 503;
      response.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(health));
      return;
    }
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics or /health\n');
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  health(): PartHealth {
    const address = this.address;
    return address === undefined ? { status: 'stopped' } : { status: 'ok', port: address.port };
  }
}
