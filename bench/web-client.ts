// chat.postMessage throughput and client CPU, slackline vs @slack/web-api vs a bare keep-alive loop,
// at concurrency 1 and 50 against one local server. Server on core 0, client on core 1; each client
// in a fresh process per round; medians of the rounds.
import { join } from 'node:path';
import { DIST_BENCH, firstLine, machine, median, spawnNode, updateReadme, writeResult } from './lib/measure.js';

// 'slackline+limiter': the proactive limiter's bookkeeping on every call, with a budget that never binds.
const CLIENTS = ['slackline', 'slackline+limiter', '@slack/web-api', 'bare'] as const;
const CONCURRENCY = [1, 50];

interface Run {
  calls: number;
  ms: number;
  cpuMs: number;
  rssMiB: number;
}

export interface Row {
  client: string;
  concurrency: number;
  callsPerSec: number;
  cpuMsPer1000: number;
  peakRssMiB: number;
  rounds: Run[];
}

async function runOnce(client: string, url: string, concurrency: number, calls: number): Promise<Run> {
  const child = spawnNode(
    join(DIST_BENCH, 'lib', 'post-worker.js'),
    [client, url, String(concurrency), String(calls)],
    1,
  );
  return JSON.parse(await firstLine(child)) as Run;
}

export async function benchWebClient(options: { calls?: number; rounds?: number } = {}): Promise<Row[]> {
  const calls = options.calls ?? Number(process.env.BENCH_CALLS ?? 20_000);
  const rounds = options.rounds ?? Number(process.env.BENCH_ROUNDS ?? 3);
  const server = spawnNode(join(DIST_BENCH, 'lib', 'fake-slack.js'), [], 0);
  const url = `http://127.0.0.1:${await firstLine(server)}/api/`;
  const rows: Row[] = [];
  try {
    for (const concurrency of CONCURRENCY) {
      const runs = new Map<string, Run[]>(CLIENTS.map((c) => [c, []]));
      // Interleave clients within each round so drift on a noisy machine hits all of them alike.
      for (let round = 0; round < rounds; round++) {
        for (const client of CLIENTS) runs.get(client)!.push(await runOnce(client, url, concurrency, calls));
      }
      for (const client of CLIENTS) {
        const r = runs.get(client)!;
        rows.push({
          client,
          concurrency,
          callsPerSec: median(r.map((x) => (x.calls / x.ms) * 1000)),
          cpuMsPer1000: median(r.map((x) => (x.cpuMs / x.calls) * 1000)),
          peakRssMiB: median(r.map((x) => x.rssMiB)),
          rounds: r,
        });
      }
    }
  } finally {
    server.kill('SIGTERM');
  }
  print(rows);
  const file = writeResult('web-client', { bench: 'web-client', calls, rounds, machine: machine(), rows });
  updateReadme('web-client', table(rows, calls, rounds));
  console.log(`wrote ${file} and the README's table`);
  return rows;
}

function print(rows: Row[]): void {
  console.log('\nchat.postMessage against one local server');
  console.log('client            conc   calls/s  vs peer  vs bare  CPU ms/1000  peak RSS MiB');
  for (const row of rows) {
    const peer = rows.find((r) => r.client === '@slack/web-api' && r.concurrency === row.concurrency)!;
    const bare = rows.find((r) => r.client === 'bare' && r.concurrency === row.concurrency)!;
    console.log(
      [
        row.client.padEnd(16),
        String(row.concurrency).padStart(5),
        row.callsPerSec.toFixed(0).padStart(9),
        `${(row.callsPerSec / peer.callsPerSec).toFixed(2)}x`.padStart(8),
        `${(row.callsPerSec / bare.callsPerSec).toFixed(2)}x`.padStart(8),
        row.cpuMsPer1000.toFixed(1).padStart(12),
        row.peakRssMiB.toFixed(0).padStart(13),
      ].join(' '),
    );
  }
}

function table(rows: Row[], calls: number, rounds: number): string {
  const out = [
    `chat.postMessage against one local server, ${calls.toLocaleString('en')} calls per run, median of ${rounds} runs`,
    '(`npm run bench web-client`; client pinned to one core, server to the other). `slackline` runs with',
    '`rateLimits: false` (Slack would hold one channel to a post a second); `slackline+limiter` keeps the',
    "limiter's bookkeeping on every call with a budget that never binds.",
    '',
    '| client | concurrency | calls/s | vs @slack/web-api | vs bare loop | CPU ms per 1,000 calls | peak RSS MiB |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of rows) {
    const peer = rows.find((r) => r.client === '@slack/web-api' && r.concurrency === row.concurrency)!;
    const bare = rows.find((r) => r.client === 'bare' && r.concurrency === row.concurrency)!;
    out.push(
      `| ${row.client} | ${row.concurrency} | ${row.callsPerSec.toFixed(0)} | ${(row.callsPerSec / peer.callsPerSec).toFixed(2)}x | ${(row.callsPerSec / bare.callsPerSec).toFixed(2)}x | ${row.cpuMsPer1000.toFixed(0)} | ${row.peakRssMiB.toFixed(0)} |`,
    );
  }
  return out.join('\n');
}
