/**
 * Benchmark `web` (`npm run bench -- web [minutes] [pages]`, 10 minutes and 20 pages by default;
 * 0 pages is the control: the same hub and traffic with no page open): the compiled hub in demo
 * mode (`hearth start` with no config file: every radio simulated with the demo's activity, the
 * embedded broker, the web page on), 20 pages' event streams open for the whole run, reading
 * everything, and the Zigbee plug switched from the page every 2 s. The hub's RSS (its own
 * process.memoryUsage, from `health.memory` of the web API) after a minute's warm-up and at the
 * end: the target is end / start ≤ 1.05 (a page left open does not grow the hub's memory).
 * Prints one JSON object as its last line.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort } from '../../test/support/ports.js';
import { compiledTree } from './_compiled.js';

const minutes = Number(process.argv[2] ?? 10);
if (!Number.isFinite(minutes) || minutes <= 0) {
  process.stderr.write('usage: npm run bench -- web [minutes > 0]\n');
  process.exit(2);
}
const PAGES = Number(process.argv[3] ?? 20);
if (!Number.isInteger(PAGES) || PAGES < 0) {
  process.stderr.write('usage: npm run bench -- web [minutes] [pages >= 0]\n');
  process.exit(2);
}
const WARMUP_MS = Math.min(60_000, (minutes * 60_000) / 4);
const say = (text: string) => process.stderr.write(`web bench: ${text}\n`);

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

function call(
  port: number,
  path: string,
  options: { method?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: { host: `127.0.0.1:${port}`, ...options.headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

interface Page {
  frames: number;
  bytes: number;
  closed: boolean;
  destroy: () => void;
}

function openPage(port: number, cookie: string): Promise<Page> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/api/events', headers: { host: `127.0.0.1:${port}`, cookie } }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`/api/events answered ${res.statusCode}`));
      const page: Page = { frames: 0, bytes: 0, closed: false, destroy: () => req.destroy() };
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        page.bytes += chunk.length;
        page.frames += chunk.split('\n\n').length - 1;
      });
      res.on('close', () => (page.closed = true));
      resolve(page);
    });
    req.on('error', reject);
    req.end();
  });
}

const tree = await compiledTree();
const home = await mkdtemp(join(tmpdir(), 'hearth-bench-web-'));
const webPort = await freePort();
const env: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: home,
  XDG_STATE_HOME: join(home, 'state'),
  NODE_ENV: 'production',
  HEARTH_UPLINK_PORT: String(await freePort()),
  HEARTH_METRICS_PORT: String(await freePort()),
  HEARTH_WEB_PORT: String(webPort),
  HEARTH_LOGGING_FORMAT: 'json',
};
const hub = spawn(process.execPath, [tree.script('src/main.ts'), 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
let output = '';
hub.stderr.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
const pages: Page[] = [];
try {
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "hearth is ready" within 180 s:\n${output}`)), 180_000);
    hub.once('exit', (code) => reject(new Error(`the hub exited (${code}) before ready:\n${output}`)));
    createInterface({ input: hub.stdout }).on('line', (line) => {
      output = (output + line + '\n').slice(-20_000);
      if (line.includes('"hearth is ready"')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  const token = (await readFile(join(home, 'state', 'hearth-demo', 'web-token'), 'utf8')).trim();
  const origin = `http://127.0.0.1:${webPort}`;
  const login = await call(webPort, '/api/login', {
    method: 'POST',
    body: JSON.stringify({ token }),
    headers: { 'content-type': 'application/json', origin },
  });
  if (login.status !== 200) throw new Error(`login answered ${login.status}: ${login.text}`);
  const cookie = String((login.headers['set-cookie'] as string[])[0]).split(';')[0] ?? '';
  const csrf = (JSON.parse(login.text) as { csrf: string }).csrf;
  const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
  const memory = async (): Promise<{ rss: number; heap: number }> => {
    const snapshot = JSON.parse((await call(webPort, '/api/snapshot', { headers: { cookie } })).text) as {
      health: { memory: { rss_bytes: number; heap_used_bytes: number } };
    };
    return { rss: mb(snapshot.health.memory.rss_bytes), heap: mb(snapshot.health.memory.heap_used_bytes) };
  };
  for (let i = 0; i < PAGES; i++) pages.push(await openPage(webPort, cookie));
  say(`${PAGES} pages open; ${minutes} min with the demo's traffic and the plug switched every 2 s`);
  let on = false;
  let commands = 0;
  let failedCommands = 0;
  const toggler = setInterval(() => {
    on = !on;
    call(webPort, `/api/devices/${encodeURIComponent('zigbee/plug')}/set`, {
      method: 'POST',
      body: JSON.stringify({ state: on ? 'ON' : 'OFF' }),
      headers: { 'content-type': 'application/json', origin, cookie, 'x-csrf-token': csrf },
    })
      .then((answer) => {
        commands++;
        if (!answer.text.includes('"status":"ok"')) failedCommands++;
      })
      .catch(() => failedCommands++);
  }, 2000);
  const started = Date.now();
  const samples: { rss: number; heap: number }[] = [];
  await new Promise((resolve) => setTimeout(resolve, WARMUP_MS));
  const first = await memory();
  samples.push(first);
  say(`after ${Math.round(WARMUP_MS / 1000)} s warm-up: hub RSS ${first.rss} MB, heap used ${first.heap} MB`);
  const end = started + minutes * 60_000;
  while (Date.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(30_000, end - Date.now())));
    samples.push(await memory());
    say(`${Math.round((Date.now() - started) / 1000)} s: hub RSS ${samples.at(-1)?.rss} MB, heap used ${samples.at(-1)?.heap} MB`);
  }
  clearInterval(toggler);
  const last = samples.at(-1) ?? first;
  const rssStart = first.rss;
  const rssEnd = last.rss;
  // the second half alone: after start-up's garbage is gone
  const middle = samples[Math.floor(samples.length / 2)] ?? first;
  const open = pages.filter((page) => !page.closed).length;
  const frames = pages.map((page) => page.frames);
  console.log(
    JSON.stringify({
      bench: 'web',
      minutes,
      pages: PAGES,
      pages_open_at_end: open,
      frames_per_page_min: PAGES === 0 ? 0 : Math.min(...frames),
      frames_per_page_max: PAGES === 0 ? 0 : Math.max(...frames),
      kb_per_page: PAGES === 0 ? 0 : Math.round(pages.reduce((sum, page) => sum + page.bytes, 0) / PAGES / 1024),
      plug_commands: commands,
      plug_commands_failed: failedCommands,
      rss_start_mb: rssStart,
      rss_end_mb: rssEnd,
      rss_max_mb: Math.max(...samples.map((sample) => sample.rss)),
      rss_ratio: Math.round((rssEnd / rssStart) * 1000) / 1000,
      target_ratio: 1.05,
      rss_second_half_ratio: Math.round((rssEnd / middle.rss) * 1000) / 1000,
      heap_used_start_mb: first.heap,
      heap_used_end_mb: last.heap,
      node: process.version,
    }),
  );
} catch (error) {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
} finally {
  for (const page of pages) page.destroy();
  if (hub.exitCode === null) {
    const exited = new Promise((resolve) => hub.once('exit', resolve));
    hub.kill('SIGTERM');
    const timer = setTimeout(() => hub.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  }
  await rm(home, { recursive: true, force: true, maxRetries: 5 });
  await tree.remove();
}
