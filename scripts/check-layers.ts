/**
 * The layering check (`npm run check:layers`, part of `npm run lint`): src/ is a set of folders
 * (actors, devices, radios, …; each file directly in src/ is a node of its own), and no folder
 * may import, through any chain, a folder that imports it back. It also keeps every file in
 * src/ at 400 lines or fewer. Imports are read with TypeScript's own pre-processor, type-only
 * imports included (a type cycle is a design cycle too). Exits 1 and lists every problem.
 *
 * The layers, lowest first; a layer imports only layers above it in this list (which rules out
 * cycles), and a new folder in src/ has to be given its place here:
 *
 *   package-root.ts  where the installation's files are (package.json, hardware/, dist/web/)
 *   errors.ts, bounded-text.ts, version.ts, error-docs.ts   coded errors, bounded text, the version
 *   model/        shared types and rules: device ids and radio kinds, capabilities, the device
 *                 record and view, breaker states, the name rule, MQTT text
 *   collections/  the sharded map (and its hash) used by the actor registry and the stores
 *   hardware/     board profiles, memory table, radio sticks
 *   lifecycle/    parts and the hub runner
 *   config/       the schema, its loader, the GPIO pin plan, the broker address
 *   observability/  logger, metrics, health endpoint, sd_notify
 *   actors/       the actor runtime (knows nothing about devices)
 *   store/        registry, state journal, snapshots
 *   events/       the typed event bus and the hub's event map, bridge events
 *   radios/       one folder per radio and the shared radio contract (Radio, RadioControl, fault scope)
 *   resilience/   breakers, backoff, the radio guard
 *   devices/      device actors, the device service, rooms
 *   rules/        local rules: their book, checks, evaluation, actions and engine
 *   uplink/       MQTT, outbox, bridge requests, Home Assistant discovery
 *   wiring/       radios joined to the devices part: radio supervision, device adapter,
 *                 breaker events, the bridge requests' radio control
 *   webserver/    the local web page's server: its API, sessions, event streams
 *   hub.ts        the composition root
 *   cli/, main.ts the command line
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

const MAX_LINES = 400;
/** The layer order, lowest first (see the header). */
const ORDER = [
  'package-root.ts',
  'errors.ts',
  'bounded-text.ts',
  'version.ts',
  'error-docs.ts',
  'model/',
  'collections/',
  'hardware/',
  'lifecycle/',
  'config/',
  'observability/',
  'actors/',
  'store/',
  'events/',
  'radios/',
  'resilience/',
  'devices/',
  'rules/',
  'uplink/',
  'wiring/',
  'webserver/',
  'hub.ts',
  'cli/',
  'main.ts',
];
const root = resolve(import.meta.dirname, '..');
const src = join(root, 'src');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(path);
    return /\.(ts|tsx|mts|cts)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The layer a file belongs to: its top folder under src/, or the file itself at the top. */
function layerOf(file: string): string {
  const parts = relative(src, file).split(sep);
  return parts.length === 1 ? (parts[0] ?? file) : `${parts[0]}/`;
}

/** Relative imports of a file, resolved to the .ts file they name. */
function importsOf(file: string, text: string): string[] {
  const info = ts.preProcessFile(text, true, true);
  return info.importedFiles
    .map((ref) => ref.fileName)
    .filter((name) => name.startsWith('.'))
    .map((name) => resolve(dirname(file), name.replace(/\.js$/, '.ts')));
}

/** Strongly connected components of more than one layer (Tarjan). */
function cycles(graph: Map<string, Set<string>>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    indices.set(node, index);
    low.set(node, index++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indices.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) ?? 0, indices.get(next) ?? 0));
      }
    }
    if (low.get(node) !== indices.get(node)) return;
    const component: string[] = [];
    for (;;) {
      const member = stack.pop() as string;
      onStack.delete(member);
      component.push(member);
      if (member === node) break;
    }
    if (component.length > 1) found.push(component.sort());
  };
  for (const node of graph.keys()) if (!indices.has(node)) visit(node);
  return found;
}

const problems: string[] = [];
const graph = new Map<string, Set<string>>();
/** For each layer edge, one import that makes it, to name in the report. */
const witness = new Map<string, string>();

for (const file of filesUnder(src)) {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  if (lines > MAX_LINES) problems.push(`${relative(root, file)}: ${lines} lines (at most ${MAX_LINES})`);
  const from = layerOf(file);
  const edges = graph.get(from) ?? new Set<string>();
  graph.set(from, edges);
  for (const target of importsOf(file, text)) {
    if (!target.startsWith(src + sep)) continue;
    const to = layerOf(target);
    if (to === from) continue;
    edges.add(to);
    if (!witness.has(`${from}→${to}`)) witness.set(`${from}→${to}`, `${relative(root, file)} imports ${relative(root, target)}`);
  }
}

for (const [from, targets] of graph) {
  const rank = ORDER.indexOf(from);
  if (rank < 0) {
    problems.push(`${from}: not in the layer order (give it its place in scripts/check-layers.ts)`);
    continue;
  }
  for (const to of targets) {
    if (ORDER.indexOf(to) >= rank)
      problems.push(`${from} imports ${to}, a layer at or above it in the order: ${witness.get(`${from}→${to}`)}`);
  }
}

for (const component of cycles(graph)) {
  const members = new Set(component);
  const edges = component.flatMap((from) =>
    [...(graph.get(from) ?? [])].filter((to) => members.has(to)).map((to) => `    ${witness.get(`${from}→${to}`)}`),
  );
  problems.push(`import cycle between ${component.join(', ')}:\n${edges.join('\n')}`);
}

if (problems.length > 0) {
  console.error(`check:layers: ${problems.length} problem(s)\n${problems.join('\n')}`);
  process.exit(1);
}
console.log(`check:layers: ${graph.size} layers, each importing only layers below it, no import cycle, every file ≤ ${MAX_LINES} lines`);
