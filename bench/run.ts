/**
 * `npm run bench`: the product driven from outside. Every scenario starts the server in its
 * own process, as `npm start` starts it, with stand-ins for WhatsApp's Cloud API and Teams'
 * Bot Connector on loopback ports; this process only generates load and measures. Figures
 * are given beside a bare restify handler (also in its own process) measured first in the
 * same run, so that runs on different machines compare by ratio.
 *
 * To add a scenario: write bench/scenarios/<name>.ts exporting a `Scenario` and list it in
 * SCENARIOS below. `BENCH_ONLY=inbound,replies npm run bench` runs some of them.
 */
import { cpus, totalmem } from 'node:os';
import {
  CONNECTIONS,
  DURATION_S,
  fmt,
  measureBare,
  type Scenario,
  type Section,
} from './lib/common.js';
import { bigStore } from './scenarios/big-store.js';
import { engine } from './scenarios/engine.js';
import { inbound } from './scenarios/inbound.js';
import { replies } from './scenarios/replies.js';
import { teamsBurst } from './scenarios/teams-burst.js';

const SCENARIOS: readonly Scenario[] = [inbound, teamsBurst, replies, bigStore, engine];

const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
const chosen = SCENARIOS.filter((s) => !only || only.includes(s.name));

const bare = await measureBare();
const sections: Section[] = [
  {
    title: 'Baseline',
    header: ['benchmark', 'req/s', 'p50 ms', 'p99 ms', 'errors'],
    rows: [[bare.name, fmt(bare.rps), fmt(bare.p50, 1), fmt(bare.p99, 1), String(bare.errors)]],
  },
];
for (const scenario of chosen) {
  process.stderr.write(`bench: ${scenario.name}…\n`);
  sections.push(await scenario.run({ bareRps: bare.rps }));
}

console.log(
  `\nmachine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${fmt(totalmem() / 2 ** 30, 0)} GiB, Node ${process.version}; ` +
    `${DURATION_S} s per load run, ${CONNECTIONS} connections, loopback`,
);
for (const section of sections) {
  console.log(`\n### ${section.title}\n`);
  console.log(`| ${section.header.join(' | ')} |`);
  console.log(`| ${section.header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`);
  for (const row of section.rows) console.log(`| ${row.join(' | ')} |`);
  for (const note of section.notes ?? []) console.log(`\n${note}`);
}

// tab (issue 9): the personal tab against a store of 100,000 conversations (bench/tab.ts).
if (process.env.BENCH_TAB !== 'off') await (await import('./tab.js')).runTabBenchmarks();
