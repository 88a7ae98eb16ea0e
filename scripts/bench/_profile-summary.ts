/**
 * Summarises a .cpuprofile of an idle hub (_cpu-profile.ts): milliseconds of samples by whose code
 * ran — `simulator` when any frame of the stack is the simulators' (src/radios/<radio>/simulator/,
 * @zwave-js/testing: a real hub has none), else the package of the frame on top (`hub` for src/,
 * `node` for node's internals), plus V8's own `(garbage collector)` and `(program)` — and the
 * functions with the most self time. `(idle)` is left out.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const isSimulator = (url: string) => /\/simulator\//.test(url) || url.includes('@zwave-js/testing');

function ownerOf(url: string, name: string): string {
  if (url === '') return name.startsWith('(') ? name : '(native)';
  if (url.startsWith('node:')) return 'node';
  // the compiled tree lives in node_modules/.cache/hearth-bench-build/<pid>/ (_compiled.ts)
  const ours = /hearth-bench-build\/\d+\/(src|test|scripts)\//.exec(url);
  if (ours !== null) return ours[1] === 'src' ? 'hub' : 'bench';
  const at = url.lastIndexOf('node_modules/');
  if (at === -1) return url;
  return /^((?:@[^/]+\/)?[^/]+)/.exec(url.slice(at + 'node_modules/'.length))?.[1] ?? url;
}

export interface ProfileSummary {
  total_ms: number;
  simulator_ms: number;
  by_owner: Record<string, number>;
  top_self: string[];
}

export function summariseProfile(file: string): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const simulated = new Map<number, boolean>();
  const underSimulator = (id: number): boolean => {
    const known = simulated.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id) as ProfileNode;
    const up = parent.get(id);
    const result = isSimulator(node.callFrame.url) || (up !== undefined && underSimulator(up));
    simulated.set(id, result);
    return result;
  };
  const owners = new Map<string, number>();
  const selves = new Map<string, number>();
  let total = 0;
  let simulator = 0;
  profile.samples.forEach((id, index) => {
    const node = byId.get(id) as ProfileNode;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') return;
    const ms = (profile.timeDeltas[index + 1] ?? profile.timeDeltas[index] ?? 0) / 1000;
    total += ms;
    const owner = underSimulator(id) ? 'simulator' : ownerOf(url, functionName);
    if (owner === 'simulator') simulator += ms;
    owners.set(owner, (owners.get(owner) ?? 0) + ms);
    const self = `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(/^.*hearth-bench-build\/\d+\//, '')}:${lineNumber + 1}`;
    selves.set(self, (selves.get(self) ?? 0) + ms);
  });
  const round = (ms: number) => Math.round(ms);
  return {
    total_ms: round(total),
    simulator_ms: round(simulator),
    by_owner: Object.fromEntries([...owners].sort((a, b) => b[1] - a[1]).map(([owner, ms]) => [owner, round(ms)])),
    top_self: [...selves]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 30)
      .map(([self, ms]) => `${round(ms)} ms ${self}`),
  };
}

if (process.argv[1]?.endsWith('_profile-summary.ts')) {
  console.log(JSON.stringify(summariseProfile(process.argv[2] as string), null, 1));
}
