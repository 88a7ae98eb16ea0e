/**
 * The event streams over real sockets: a stream opened during a broadcast gets its first event
 * before what came meanwhile, in order; a client that stops reading is dropped once its unread
 * bytes pass the bound, while a reading client keeps everything; a closed client is forgotten;
 * closeAll ends every stream.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { EventStreams } from '../../src/webserver/event-streams.js';
import { until } from '../support/until.js';

async function serve(streams: EventStreams, onOpen: (response: ServerResponse) => void = () => undefined): Promise<number> {
  const server: Server = createServer((_request, response) => {
    streams.open(response, 'session');
    onOpen(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        streams.closeAll();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return (server.address() as AddressInfo).port;
}

function connect(port: number): Promise<{ response: IncomingMessage; text: () => string; destroy: () => void }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/' }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      resolve({ response, text: () => text, destroy: () => req.destroy() });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('event streams', () => {
  it('writes the first event, then what was broadcast while it was held, in order', async () => {
    const streams = new EventStreams({ maxStreams: 4, maxBufferedBytes: 1 << 20, heartbeatMs: 60_000 });
    let opened: ServerResponse | undefined;
    const port = await serve(streams, (response) => (opened = response));
    const client = await connect(port);
    await until(() => opened !== undefined, 5000, 'the stream opened');
    streams.broadcast('state', { n: 1 });
    streams.broadcast('state', { n: 2 });
    streams.release(opened!, 'snapshot', { all: true });
    streams.broadcast('state', { n: 3 });
    await until(() => client.text().includes('"n":3'), 5000, 'the third state');
    const events = [...client.text().matchAll(/event: (\w+)\ndata: (.*)\n\n/g)].map((match) => `${match[1]} ${match[2]}`);
    expect(events).toEqual(['snapshot {"all":true}', 'state {"n":1}', 'state {"n":2}', 'state {"n":3}']);
    expect(client.response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
  });

  it('drops a client that stops reading, once its unread bytes pass the bound; a reading one gets everything', async () => {
    let dropped = 0;
    const streams = new EventStreams({ maxStreams: 4, maxBufferedBytes: 256 * 1024, heartbeatMs: 60_000, onDropped: () => dropped++ });
    const opened: ServerResponse[] = [];
    const port = await serve(streams, (response) => {
      opened.push(response);
      streams.release(response, 'snapshot', {});
    });
    const reader = await connect(port);
    const stalled = await connect(port);
    stalled.response.pause();
    await until(() => streams.size === 2, 5000, 'two streams');
    const chunk = 'x'.repeat(16 * 1024);
    let sent = 0;
    // far more than the socket buffers of a stalled loopback connection hold
    for (let i = 0; i < 2000 && dropped === 0; i++) {
      streams.broadcast('state', { i, chunk });
      sent = i + 1;
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(dropped).toBe(1);
    expect(streams.size).toBe(1);
    expect(streams.dropped).toBe(1);
    // the server holds no more than the bound for it: its response is destroyed
    const stalledResponse = opened.find((response) => response.destroyed);
    expect(stalledResponse).toBeDefined();
    await until(() => reader.text().includes(`"i":${sent - 1},`), 15_000, 'the reader got the last event');
    expect([...reader.text().matchAll(/event: state\n/g)].length).toBe(sent);
  });

  it('forgets a client that went away, refuses past maxStreams, and ends every stream at closeAll', async () => {
    const streams = new EventStreams({ maxStreams: 2, maxBufferedBytes: 1 << 20, heartbeatMs: 60_000 });
    const port = await serve(streams);
    const first = await connect(port);
    const second = await connect(port);
    await until(() => streams.size === 2, 5000, 'two streams');
    expect(streams.full).toBe(true);
    first.destroy();
    await until(() => streams.size === 1, 5000, 'the closed one forgotten');
    const ended = new Promise<void>((resolve) => second.response.on('end', () => resolve()));
    streams.closeAll();
    await ended;
    expect(streams.size).toBe(0);
  });
});
