// Events API over HTTP: signed requests acknowledged per second and ack latency p50/p99, `slackline
// serve`'s request path (signature, de-dup on serve's default SQLite store, authorize, dispatch) vs an
// @slack/bolt app with its HTTPReceiver (signature, authorize, dispatch), one no-op `message` listener
// each. A third row, `node:http (bare)`, reads each body and answers 200 with no verification: the
// ceiling of any node:http server here, with this load generator. Every server runs for the whole
// bench, each in its own process on core 0; the load generator (closed loop, keep-alive, one process
// per measurement) on core 1, whose own CPU share is reported (near 100%, it bounds the figure).
// Rounds interleave the servers at every concurrency; medians of the rounds.
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import {
  DIST_BENCH,
  firstLine,
  lineReader,
  machine,
  median,
  spawnNode,
  stopChild,
  updateReadme,
  writeResult,
} from './lib/measure.js';

const SERVERS = ['slackline', '@slack/bolt', 'node:http (bare)'] as const;
const SERVER_ARG: Record<string, string> = {
  slackline: 'slackline',
  '@slack/bolt': 'bolt',
  'node:http (bare)': 'bare',
};
// BENCH_EVENTS_CONCURRENCY=16 (comma-separated) for a shorter run while iterating.
const CONCURRENCY = (process.env.BENCH_EVENTS_CONCURRENCY ?? '1,16,64').split(',').map(Number);
/** Another store for slackline than serve's default (e.g. `memory:`), to see what the store costs. */
const STORE = process.env.BENCH_EVENTS_STORE || undefined;
const SECRET = 'bench-canary-signing-secret';

interface Measure {
  requests: number;
  ms: number;
  p50: number;
  p99: number;
  failed: number;
  /** The load generator's CPU over the measured requests. */
  loadCpuMs: number;
}

interface Round extends Measure {
  perSec: number;
  serverCpuMsPer1000: number;
  /** The load generator's CPU as a share of the wall time (1: saturated). */
  loadCpuShare: number;
}

interface Server {
  child: ChildProcess;
  url: string;
  cpuMs(): Promise<number>;
}

async function startServer(name: string): Promise<Server> {
  const child = spawnNode(join(DIST_BENCH, 'lib', 'events-server.js'), [SERVER_ARG[name] as string, SECRET], 0);
  const next = lineReader(child);
  const port = await Promise.race([
    next(),
    new Promise<string>((_, reject) => child.once('exit', (code) => reject(new Error(`${name} exited (${code})`)))),
  ]);
  return {
    child,
    url: `http://127.0.0.1:${port}/slack/events`,
    cpuMs: async () => {
      child.kill('SIGUSR2');
      return (JSON.parse(await next()) as { cpuMs: number }).cpuMs;
    },
  };
}

async function load(url: string, concurrency: number, requests: number, warmup: number): Promise<Measure> {
  const worker = spawnNode(
    join(DIST_BENCH, 'lib', 'events-load.js'),
    [url, SECRET, String(concurrency), String(requests), String(warmup)],
    1,
  );
  return JSON.parse(await firstLine(worker)) as Measure;
}

export async function benchEvents(): Promise<void> {
  const requests = Number(process.env.BENCH_EVENTS ?? 20_000);
  // Five: a round can fall in a minute when this machine runs everything ~30% slower (the bare server too).
  const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
  const warmup = Math.min(2_000, requests);
  const servers = new Map<string, Server>();
  for (const name of SERVERS) servers.set(name, await startServer(name));
  const results = new Map<string, Round[]>();
  const key = (name: string, c: number) => `${name}@${c}`;
  try {
    for (let r = 0; r < rounds; r++) {
      for (const c of CONCURRENCY) {
        // Alternate the order, so no server always follows the same other's load.
        const order = (r + c) % 2 === 0 ? SERVERS : [...SERVERS].reverse();
        for (const name of order) {
          const server = servers.get(name)!;
          const cpu0 = await server.cpuMs();
          const m = await load(server.url, c, requests, warmup);
          const cpu = (await server.cpuMs()) - cpu0;
          const round: Round = {
            ...m,
            perSec: (m.requests / m.ms) * 1000,
            serverCpuMsPer1000: (cpu / (m.requests + warmup)) * 1000,
            loadCpuShare: m.loadCpuMs / m.ms,
          };
          console.log(
            `round ${r + 1} c=${c} ${name}: ${Math.round(round.perSec)}/s p50 ${m.p50.toFixed(2)} ms p99 ${m.p99.toFixed(2)} ms load-gen CPU ${Math.round(round.loadCpuShare * 100)}%${m.failed ? ` (${m.failed} not 200)` : ''}`,
          );
          const list = results.get(key(name, c)) ?? [];
          list.push(round);
          results.set(key(name, c), list);
        }
      }
    }
  } finally {
    await Promise.all([...servers.values()].map((server) => stopChild(server.child)));
  }
  const rows = CONCURRENCY.flatMap((concurrency) => {
    const row = (name: string) => {
      const rs = results.get(key(name, concurrency))!;
      const m = (f: (x: Round) => number) => median(rs.map(f));
      return {
        server: name,
        concurrency,
        perSec: m((x) => x.perSec),
        p50: m((x) => x.p50),
        p99: m((x) => x.p99),
        failed: m((x) => x.failed),
        serverCpuMsPer1000: m((x) => x.serverCpuMsPer1000),
        loadCpuShare: m((x) => x.loadCpuShare),
        rounds: rs,
      };
    };
    const peer = row('@slack/bolt');
    return SERVERS.map((name) => {
      const r = name === '@slack/bolt' ? peer : row(name);
      // The ratio within each round too (the servers of a round run back to back): a phase of this
      // machine that slows one round slows every server of it, and this ratio leaves it out.
      const perRound = median(r.rounds.map((x, i) => x.perSec / (peer.rounds[i] as Round).perSec));
      return {
        ...r,
        vsBolt: r.perSec / peer.perSec,
        vsBoltPerRound: perRound,
        p50VsBolt: r.p50 / peer.p50,
        p99VsBolt: r.p99 / peer.p99,
      };
    });
  });
  const lines = [
    `${requests.toLocaleString('en-US')} signed \`event_callback\` requests per measurement (each its own event_id),`,
    `closed loop over keep-alive connections, median of ${rounds} interleaved rounds (\`npm run bench events\`;`,
    "server on one core, load generator on the other). slackline: `serve`'s request path (signature, de-dup",
    'in its default SQLite store, authorize, dispatch); Bolt 5.1: HTTPReceiver (signature, authorize with',
    '`token`/`botId`/`botUserId`, dispatch; it has no de-dup). One no-op `message` listener each.',
    'node:http (bare): reads the body, answers 200, verifies nothing (the ceiling on this core). Load-gen CPU:',
    "the load generator's CPU over the wall time (100%: it, not the server, is the bound). vs Bolt: the",
    "medians' ratio; per round: the median of each round's ratio (this machine has slow phases that slow a",
    'whole round).',
    '',
    '| concurrency | server | acks/s | vs Bolt | vs Bolt (per round) | ack p50 | ack p99 | server CPU ms per 1,000 | load-gen CPU |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.concurrency} | ${r.server} | ${Math.round(r.perSec)} | ${r.vsBolt.toFixed(2)}x | ${r.vsBoltPerRound.toFixed(2)}x | ${r.p50.toFixed(2)} ms | ${r.p99.toFixed(2)} ms | ${r.serverCpuMsPer1000.toFixed(0)} | ${Math.round(r.loadCpuShare * 100)}% |`,
    ),
  ];
  console.log(lines.join('\n'));
  if (STORE !== undefined) {
    // Not the default store: the README's table and bench/results are the default's.
    console.log(`slackline on ${STORE} (BENCH_EVENTS_STORE): nothing written`);
    return;
  }
  const file = writeResult('events', { bench: 'events', requests, warmup, rounds, machine: machine(), rows });
  updateReadme('events', lines.join('\n'));
  console.log(`wrote ${file} and the README's table`);
}
