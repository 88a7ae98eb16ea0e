/**
 * The HTTP endpoint under hostile or careless clients: it holds at most maxConnections
 * connections, closes one that sends nothing, answers a target that is not a URL (`http://[`)
 * with 400 and no error log, and warns when it is bound off loopback.
 */
import { connect, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it, onTestFinished } from 'vitest';
import { HttpEndpoint } from '../../src/observability/http-endpoint.js';
import { until } from '../support/until.js';

async function startEndpoint(
  options: { host?: string; maxConnections?: number; idleTimeoutMs?: number } = {},
): Promise<{ endpoint: HttpEndpoint; port: number; lines: Record<string, unknown>[] }> {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split('\n')) if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  const endpoint = new HttpEndpoint({
    host: options.host ?? '127.0.0.1',
    port: 0,
    maxConnections: options.maxConnections ?? 16,
    ...(options.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: options.idleTimeoutMs }),
    registry: new Registry(),
    health: () => ({ status: 'ok', parts: {} }) as never,
    log: pino({ level: 'info' }, destination),
  });
  await endpoint.start();
  onTestFinished(() => endpoint.stop());
  return { endpoint, port: endpoint.address?.port ?? 0, lines };
}

function openSocket(port: number): Promise<{ socket: Socket; closed: Promise<void>; data: () => string }> {
  return new Promise((resolve, reject) => {
    let data = '';
    const socket = connect(port, '127.0.0.1', () => resolve({ socket, closed, data: () => data }));
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.on('data', (chunk: Buffer) => (data += chunk.toString()));
    socket.once('error', reject);
    onTestFinished(() => void socket.destroy());
  });
}

describe("the HTTP endpoint's limits", () => {
  it('holds at most maxConnections connections and closes the ones past it', async () => {
    const { port } = await startEndpoint({ maxConnections: 4, idleTimeoutMs: 60_000 });
    const sockets: Awaited<ReturnType<typeof openSocket>>[] = [];
    for (let i = 0; i < 10; i++) sockets.push(await openSocket(port));
    let closedCount = 0;
    for (const { closed } of sockets) void closed.then(() => closedCount++);
    await until(() => closedCount >= 6, 5000, 'the six connections past the cap closed');
    // the four it holds are still open, and one of them is served
    const held: Awaited<ReturnType<typeof openSocket>>[] = [];
    for (const entry of sockets) if (!entry.socket.destroyed && entry.socket.readyState === 'open') held.push(entry);
    expect(held).toHaveLength(4);
    held[0]?.socket.write('GET /health HTTP/1.1\r\nHost: hub\r\n\r\n');
    await until(() => held[0]?.data().startsWith('HTTP/1.1 200') === true, 5000, 'an answer on a held connection');
    expect(closedCount).toBe(6);
  });

  it('closes a connection that sends nothing', async () => {
    const { port } = await startEndpoint({ idleTimeoutMs: 300 });
    const idle = await openSocket(port);
    await idle.closed;
    // closed by the server, with Node's 408 at most
    expect(idle.data()).toMatch(/^(HTTP\/1\.1 408 |$)/);
  });

  it('answers a target that is not a URL with 400, logging no error', async () => {
    const { port, lines } = await startEndpoint();
    const client = await openSocket(port);
    client.socket.write('GET http://[ HTTP/1.1\r\nHost: hub\r\nConnection: close\r\n\r\n');
    await client.closed;
    expect(client.data()).toMatch(/^HTTP\/1\.1 400 /);
    expect(lines.filter((line) => Number(line.level) >= 50)).toEqual([]);
    // and the endpoint serves on
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
  });

  it('warns when bound off loopback, and not on it', async () => {
    const loopback = await startEndpoint();
    expect(loopback.lines.filter((line) => line.level === 40)).toEqual([]);
    const everywhere = await startEndpoint({ host: '0.0.0.0' });
    expect(everywhere.lines.filter((line) => line.level === 40).map((line) => line.msg)).toEqual([
      expect.stringMatching(/^metrics\.host is 0\.0\.0\.0, not loopback/),
    ]);
  });
});
