/**
 * A plain HTTP client for the web API tests (node:http, so that Origin, Host and the source
 * address are whatever a test sets) and a server-sent events reader that collects every frame.
 */
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: unknown;
}

export interface RequestOptions {
  method?: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
  /** The client's source address (127.0.0.2 is another client of a loopback server). */
  localAddress?: string;
}

export class WebClient {
  cookie: string | undefined;
  csrf: string | undefined;
  /** Every answer's text, for the secrets check. */
  readonly texts: string[] = [];

  constructor(
    readonly port: number,
    readonly origin = `http://127.0.0.1:${port}`,
  ) {}

  request(path: string, options: RequestOptions = {}): Promise<Answer> {
    const headers: Record<string, string> = { host: `127.0.0.1:${this.port}`, ...options.headers };
    if (this.cookie !== undefined && headers.cookie === undefined) headers.cookie = this.cookie;
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port: this.port, path, method: options.method ?? 'GET', headers, localAddress: options.localAddress },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            this.texts.push(text);
            let json: unknown;
            try {
              json = JSON.parse(text);
            } catch {
              json = undefined;
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(options.body);
    });
  }

  /** A POST as the page sends it: JSON, its own Origin, the session's CSRF token. */
  post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    return this.request(path, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: {
        'content-type': 'application/json',
        origin: this.origin,
        ...(this.csrf === undefined ? {} : { 'x-csrf-token': this.csrf }),
        ...headers,
      },
    });
  }

  async login(token: string): Promise<Answer> {
    const answer = await this.post('/api/login', { token });
    const setCookie = answer.headers['set-cookie']?.[0];
    if (answer.status === 200 && setCookie !== undefined) {
      this.cookie = setCookie.split(';')[0];
      this.csrf = (answer.json as { csrf: string }).csrf;
    }
    return answer;
  }

  stream(): Promise<EventReader> {
    return EventReader.open(this.port, this.cookie);
  }
}

export interface Frame {
  event: string;
  data: unknown;
  raw: string;
}

export class EventReader {
  readonly frames: Frame[] = [];
  /** Everything the stream carried. */
  text = '';
  private waiters: { predicate: (frame: Frame) => boolean; resolve: (frame: Frame) => void }[] = [];
  private buffer = '';
  closed = false;

  private constructor(
    readonly response: IncomingMessage,
    private readonly close: () => void,
  ) {
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => this.take(chunk));
    response.on('close', () => (this.closed = true));
  }

  static open(port: number, cookie: string | undefined): Promise<EventReader> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          path: '/api/events',
          headers: { host: `127.0.0.1:${port}`, accept: 'text/event-stream', ...(cookie === undefined ? {} : { cookie }) },
        },
        (res) => resolve(new EventReader(res, () => req.destroy())),
      );
      req.on('error', reject);
      req.end();
    });
  }

  end(): void {
    this.close();
  }

  /** The first frame (already received or to come) that matches. */
  waitFor(predicate: (frame: Frame) => boolean, timeoutMs = 15_000, what = 'a frame'): Promise<Frame> {
    const seen = this.frames.find(predicate);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${what} on the event stream within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        predicate,
        resolve: (frame) => {
          clearTimeout(timer);
          resolve(frame);
        },
      });
    });
  }

  private take(chunk: string): void {
    this.text += chunk;
    this.buffer += chunk;
    for (let end = this.buffer.indexOf('\n\n'); end !== -1; end = this.buffer.indexOf('\n\n')) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const lines = block.split('\n');
      const event = lines.find((line) => line.startsWith('event: '))?.slice(7);
      const data = lines.find((line) => line.startsWith('data: '))?.slice(6);
      if (event === undefined || data === undefined) continue;
      const frame = { event, data: JSON.parse(data) as unknown, raw: block };
      this.frames.push(frame);
      this.waiters = this.waiters.filter((waiter) => {
        if (!waiter.predicate(frame)) return true;
        waiter.resolve(frame);
        return false;
      });
    }
  }
}
