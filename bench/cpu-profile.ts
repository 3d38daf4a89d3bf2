/**
 * Summarise a V8 CPU profile of the server (`BENCH_SERVER_NODE_ARGS="--cpu-prof
 * --cpu-prof-dir=/tmp/prof"`): the busy time of each second, then the functions with the
 * most self time and the most inclusive time, and self time by package (or by file of the
 * product), optionally within a window of the run.
 *
 *   npx tsx bench/cpu-profile.ts /tmp/prof/CPU.….cpuprofile [--from 3] [--to 20] [--top 40]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { functionName: string; url: string; lineNumber: number };
  readonly children?: number[];
}
interface Profile {
  readonly nodes: ProfileNode[];
  readonly startTime: number;
  readonly samples: number[];
  readonly timeDeltas: number[];
}

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const file = args.find((a) => a.endsWith('.cpuprofile'));
if (!file) {
  console.error(
    'usage: npx tsx bench/cpu-profile.ts <file.cpuprofile> [--from s] [--to s] [--top n]',
  );
  process.exit(2);
}
const from = option('from', 0);
const to = option('to', Number.POSITIVE_INFINITY);
const top = option('top', 40);

const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parentOf = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);

const place = (url: string) =>
  url.replace(/^file:\/\//, '').replace(/^.*?(node_modules\/|bot\/src\/)/, '$1');
const nameOf = (n: ProfileNode) =>
  `${n.callFrame.functionName || '(anonymous)'} ${place(n.callFrame.url)}`.trim();
const packageOf = (n: ProfileNode) => {
  const url = n.callFrame.url;
  if (!url) return `(${n.callFrame.functionName})`;
  const pkg = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1] as string;
  if (url.includes('bot/src/')) return place(url);
  return url.startsWith('node:') ? 'node' : url;
};

// Time per sample (µs), and busy ms per second of the run.
const timeOf = new Map<number, number>();
const perSecond: number[] = [];
let t = profile.startTime;
for (let i = 0; i < profile.samples.length; i++) {
  t += profile.timeDeltas[i] ?? 0;
  const second = (t - profile.startTime) / 1e6;
  const id = profile.samples[i] as number;
  const dt = profile.timeDeltas[i + 1] ?? 0;
  const idle = byId.get(id)?.callFrame.functionName === '(idle)';
  if (!idle) perSecond[Math.floor(second)] = (perSecond[Math.floor(second)] ?? 0) + dt / 1000;
  if (second < from || second > to || idle) continue;
  timeOf.set(id, (timeOf.get(id) ?? 0) + dt);
}

const self = new Map<string, number>();
const inclusive = new Map<string, number>();
const packages = new Map<string, number>();
let busy = 0;
const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
for (const [id, dt] of timeOf) {
  const leaf = byId.get(id) as ProfileNode;
  busy += dt;
  add(self, nameOf(leaf), dt);
  add(packages, packageOf(leaf), dt);
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
    const name = nameOf(byId.get(at) as ProfileNode);
    if (!seen.has(name)) add(inclusive, name, dt);
    seen.add(name);
  }
}

console.log(`busy ms in each second: ${perSecond.map((ms) => Math.round(ms ?? 0)).join(' ')}`);
console.log(
  `\nbusy in ${from}–${Number.isFinite(to) ? to : 'end'} s: ${Math.round(busy / 1000)} ms`,
);
for (const [title, m] of [
  ['self time', self],
  ['inclusive time', inclusive],
  ['self time by package or product file', packages],
] as const) {
  console.log(`\n## ${title}`);
  for (const [name, dt] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(
      `${String(Math.round(dt / 1000)).padStart(7)} ms ${((100 * dt) / busy).toFixed(1).padStart(5)} %  ${name}`,
    );
}
