// chat.postMessage throughput and client CPU, slackline vs @slack/web-api vs two bare keep-alive
// loops (node:http and undici.request), at concurrency 1 and 50 against one local server. Server on
// core 0, client on core 1; each client in a fresh process per round; medians of the rounds. Then
// the cold import of each client next to bare node.
//
// BENCH_SMOKE=1 runs a few hundred calls once, prints, and writes nothing: it proves the bench works.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import {
  DIST_BENCH,
  firstLine,
  machine,
  median,
  spawnNode,
  stopChild,
  updateReadme,
  writeResult,
} from './lib/measure.js';

// 'slackline' is the default configuration: the limiter on, with a budget that never binds, on the
// default transport (undici). 'slackline (node:http transport)' is the same on nodeTransport(), the
// default where undici cannot be loaded.
const CLIENTS = [
  'slackline',
  'slackline (node:http transport)',
  'slackline (no limiter)',
  '@slack/web-api',
  'bare node:http',
  'bare undici',
] as const;
const BARE = ['bare node:http', 'bare undici'];
const CONCURRENCY = [1, 50];
const SMOKE = process.env.BENCH_SMOKE === '1';

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

export interface ColdImport {
  /** What was imported (`node` alone: an empty script). */
  what: string;
  /** Median wall time of `node -e "await import(what)"`, in ms. */
  ms: number;
  /** The same, minus bare node's. */
  overNodeMs: number;
}

/** Fastest bare loop at a concurrency: the practical limit a client is compared with. */
function fastestBare(rows: Row[], concurrency: number): Row {
  const bare = rows.filter((r) => BARE.includes(r.client) && r.concurrency === concurrency);
  return bare.reduce((a, b) => (b.callsPerSec > a.callsPerSec ? b : a));
}

async function processMs(args: string[]): Promise<number> {
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: 'ignore', cwd: join(DIST_BENCH, '..', '..') });
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`import exited ${code}`))));
  });
  return performance.now() - t0;
}

/**
 * Cold import of each client next to bare node, and import plus a first call (slackline loads its
 * transport, undici, at the first request: that cost shows there), interleaved; medians.
 */
export async function coldImports(rounds: number, url: string): Promise<ColdImport[]> {
  const firstCall = (module: string) =>
    `const { WebClient } = await import('${module}');` +
    `const client = new WebClient('xoxb-bench-canary', { slackApiUrl: '${url}' });` +
    "await client.chat.postMessage({ channel: 'C0123456789', text: 'first' }); process.exit(0);";
  const targets: [string, string[]][] = [
    ['node', ['-e', '0']],
    // Through package.json "exports", as users import it (the bundle in dist/pkg).
    ['slackline/web', ['--input-type=module', '-e', "await import('slackline/web')"]],
    ['@slack/web-api', ['--input-type=module', '-e', "await import('@slack/web-api')"]],
    ['slackline/web + first call', ['--input-type=module', '-e', firstCall('slackline/web')]],
    ['@slack/web-api + first call', ['--input-type=module', '-e', firstCall('@slack/web-api')]],
  ];
  const samples = new Map<string, number[]>(targets.map(([name]) => [name, []]));
  for (let i = 0; i < rounds; i++) {
    for (const [name, args] of targets) samples.get(name)!.push(await processMs(args));
  }
  const base = median(samples.get('node')!);
  return targets.map(([what]) => {
    const ms = median(samples.get(what)!);
    return { what, ms, overNodeMs: ms - base };
  });
}

export async function benchWebClient(options: { calls?: number; rounds?: number } = {}): Promise<Row[]> {
  const calls = options.calls ?? Number(process.env.BENCH_CALLS ?? (SMOKE ? 500 : 20_000));
  const rounds = options.rounds ?? Number(process.env.BENCH_ROUNDS ?? (SMOKE ? 1 : 3));
  const server = spawnNode(join(DIST_BENCH, 'lib', 'fake-slack.js'), [], 0);
  const url = `http://127.0.0.1:${await firstLine(server)}/api/`;
  const rows: Row[] = [];
  let imports: ColdImport[];
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
    imports = await coldImports(SMOKE ? 3 : 21, url);
  } finally {
    await stopChild(server);
  }
  print(rows, imports);
  if (SMOKE) {
    console.log('smoke run (BENCH_SMOKE=1): nothing written');
    return rows;
  }
  const file = writeResult('web-client', {
    bench: 'web-client',
    calls,
    rounds,
    machine: machine(),
    rows,
    coldImport: imports,
  });
  updateReadme('web-client', table(rows, imports, calls, rounds));
  console.log(`wrote ${file} and the README's table`);
  return rows;
}

function ratios(rows: Row[], row: Row) {
  const peer = rows.find((r) => r.client === '@slack/web-api' && r.concurrency === row.concurrency)!;
  const bare = fastestBare(rows, row.concurrency);
  const undici = rows.find((r) => r.client === 'bare undici' && r.concurrency === row.concurrency)!;
  return {
    peer: `${(row.callsPerSec / peer.callsPerSec).toFixed(2)}x`,
    bare: `${(row.callsPerSec / bare.callsPerSec).toFixed(2)}x`,
    cpu: `${(row.cpuMsPer1000 / undici.cpuMsPer1000).toFixed(2)}x`,
  };
}

function print(rows: Row[], imports: ColdImport[]): void {
  console.log('\nchat.postMessage against one local server');
  console.log(
    'client                        conc   calls/s  vs peer  vs bare  CPU ms/1000  CPU vs undici  peak RSS MiB',
  );
  for (const row of rows) {
    const r = ratios(rows, row);
    console.log(
      [
        row.client.padEnd(28),
        String(row.concurrency).padStart(5),
        row.callsPerSec.toFixed(0).padStart(9),
        r.peer.padStart(8),
        r.bare.padStart(8),
        row.cpuMsPer1000.toFixed(1).padStart(12),
        r.cpu.padStart(14),
        row.peakRssMiB.toFixed(0).padStart(13),
      ].join(' '),
    );
  }
  console.log('\ncold import');
  for (const i of imports)
    console.log(`${i.what.padEnd(28)} ${i.ms.toFixed(0).padStart(5)} ms  +${i.overNodeMs.toFixed(0)} ms`);
}

function table(rows: Row[], imports: ColdImport[], calls: number, rounds: number): string {
  const out = [
    `chat.postMessage against one local server, ${calls.toLocaleString('en')} calls per run, median of ${rounds} runs`,
    '(`npm run bench web-client`; client pinned to one core, server to the other). `slackline` is the',
    'default configuration (the limiter on, with a budget that never binds: Slack would hold one channel to',
    'a post a second); "vs bare" compares with the faster of the two bare keep-alive loops (node:http and',
    "undici's `request`), and CPU is compared with the undici loop. The default transport is undici's",
    '`dispatch`; `slackline (node:http transport)` is the default configuration on `nodeTransport()`.',
    '',
    '| client | concurrency | calls/s | vs @slack/web-api | vs fastest bare loop | CPU ms per 1,000 calls | CPU vs undici | peak RSS MiB |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of rows) {
    const r = ratios(rows, row);
    out.push(
      `| ${row.client} | ${row.concurrency} | ${row.callsPerSec.toFixed(0)} | ${r.peer} | ${r.bare} | ${row.cpuMsPer1000.toFixed(0)} | ${r.cpu} | ${row.peakRssMiB.toFixed(0)} |`,
    );
  }
  out.push(
    '',
    'Cold import (`node -e "await import(...)"`), and import plus one `chat.postMessage` to the local server',
    '(slackline loads undici at its first request), median wall time, the same run:',
    '',
  );
  out.push('| import | ms | over bare node |', '|---|---:|---:|');
  for (const i of imports) out.push(`| ${i.what} | ${i.ms.toFixed(0)} | +${i.overNodeMs.toFixed(0)} ms |`);
  return out.join('\n');
}
