// bench/dedupe: what a de-dup claim costs `serve`'s default store (SQLite, its own connection, claims
// of one turn in one transaction), by the order the claims arrive in. Claims are filed by the event's
// own time to the microsecond (`event_ts`); events arrive in about that order, so a batch lands on the
// last page or two of the table. Events with only a whole-second `event_time` (and the key of earlier
// versions) file thousands of claims a second at random places among that second's rows, a page each.
// Random event ids, batches of 8 (what `serve` commits per turn at 16 connections), CPU of the whole
// process (the checkpoint worker included) per claim, median of the rounds.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEDUPE_TTL_MS } from '../src/events/dedupe.js';
import { SqliteDedupeStore } from '../src/stores/sqlite/index.js';
import { eventId } from './lib/event-id.js';
import { machine, median, updateReadme, writeResult } from './lib/measure.js';

const CLAIMS = Number(process.env.BENCH_DEDUPE_CLAIMS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const BATCH = 8;
const ORDERS = {
  'event_ts order': (second: number, i: number) => second + i / 1e6,
  'one whole second': (second: number) => second,
} as const;
type Order = keyof typeof ORDERS;

/** CPU µs per claim over the second half of CLAIMS claims (the first half fills the table and warms up). */
async function round(order: Order): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'slackline-bench-dedupe-'));
  const store = new SqliteDedupeStore(join(dir, 'dedupe.db'));
  const ids = Array.from({ length: CLAIMS }, eventId);
  const second = Math.floor(Date.now() / 1000);
  const time = ORDERS[order];
  const claims = async (from: number, to: number) => {
    for (let i = from; i < to; i += BATCH) {
      const batch = ids.slice(i, i + BATCH);
      // One turn's claims: the store commits them together.
      const won = await Promise.all(
        batch.map((id, j) => store.claim(id, DEDUPE_TTL_MS, Date.now(), time(second, i + j))),
      );
      if (!won.every(Boolean)) throw new Error('a fresh id was refused');
    }
  };
  try {
    await claims(0, CLAIMS / 2);
    const c0 = process.cpuUsage();
    await claims(CLAIMS / 2, CLAIMS);
    const cpu = process.cpuUsage(c0);
    return (cpu.user + cpu.system) / (CLAIMS / 2);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchDedupe(): Promise<void> {
  const results: Record<Order, number[]> = { 'event_ts order': [], 'one whole second': [] };
  for (let r = 0; r < ROUNDS; r++) {
    for (const order of Object.keys(ORDERS) as Order[]) {
      const micros = await round(order);
      results[order].push(micros);
      console.log(`round ${r + 1} ${order}: ${micros.toFixed(2)} µs of CPU a claim`);
    }
  }
  const ordered = median(results['event_ts order']);
  const scattered = median(results['one whole second']);
  const lines = [
    `\`npm run bench dedupe\`: \`serve\`'s default de-dup store (SQLite), ${CLAIMS.toLocaleString('en-US')} claims of random event ids in`,
    `batches of ${BATCH} (one transaction each), CPU of the process per claim over the second half, median of ${ROUNDS} rounds.`,
    '',
    '| claims timed | µs of CPU a claim | vs one whole second |',
    '|---|---:|---:|',
    `| in \`event_ts\` order (to the microsecond) | ${ordered.toFixed(2)} | ${(scattered / ordered).toFixed(2)}x cheaper |`,
    `| all in one whole second (\`event_time\` only) | ${scattered.toFixed(2)} | 1.00x |`,
  ];
  console.log(lines.join('\n'));
  const file = writeResult('dedupe', {
    bench: 'dedupe',
    claims: CLAIMS,
    batch: BATCH,
    rounds: ROUNDS,
    machine: machine(),
    results,
  });
  updateReadme('dedupe', lines.join('\n'));
  console.log(`wrote ${file} and the README's table`);
}
