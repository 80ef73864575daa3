// bench/installations: authorize() p50/p99, cached and uncached, with 1,000 and N (default 100,000)
// installations in SQLite and PostgreSQL; and completed OAuth callbacks per second through a
// `slackline serve` child process against the emulator. Sizes: SLACKLINE_BENCH_INSTALLS,
// SLACKLINE_BENCH_LOOKUPS, SLACKLINE_BENCH_CALLBACKS; PostgreSQL from SLACKLINE_TEST_POSTGRES_URL.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyRing } from '../src/crypto/index.js';
import { startEmulator } from '../src/emulator/index.js';
import { InstallationAuthority } from '../src/oauth/authorize.js';
import type { RowInstallationStore } from '../src/oauth/row-store.js';
import { PostgresDatabase, PostgresInstallationStore } from '../src/stores/postgres/index.js';
import { SqliteInstallationStore } from '../src/stores/sqlite/index.js';
import { WebClient } from '../src/web/client.js';
import { benchInstallation, team } from './lib/installation.js';
import { firstLine, machine, stopChild, updateReadme, writeResult } from './lib/measure.js';

const N = Number(process.env.SLACKLINE_BENCH_INSTALLS ?? 100_000);
const LOOKUPS = Number(process.env.SLACKLINE_BENCH_LOOKUPS ?? 20_000);
const CALLBACKS = Number(process.env.SLACKLINE_BENCH_CALLBACKS ?? 2_000);
const CLI = join(import.meta.dirname, '..', 'src', 'cli', 'main.js');

async function fill(store: RowInstallationStore, from: number, to: number): Promise<void> {
  for (let i = from; i < to; i += 5000) {
    await store.saveMany(Array.from({ length: Math.min(5000, to - i) }, (_, k) => benchInstallation(i + k)));
  }
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] as number;

async function lookups(store: RowInstallationStore, size: number, cached: boolean) {
  const client = new WebClient();
  const authority = new InstallationAuthority(store, {
    scopes: ['chat:write'],
    client,
    cacheTtlMs: cached ? 600_000 : 0,
    cacheSize: size + 1,
  });
  const pick = (k: number) => team((k * 7919) % size);
  if (cached)
    for (let i = 0; i < size; i++)
      await authority.authorize({ enterpriseId: null, teamId: team(i), isEnterpriseInstall: false });
  const times: number[] = [];
  for (let k = 0; k < LOOKUPS; k++) {
    const t0 = process.hrtime.bigint();
    await authority.authorize({ enterpriseId: null, teamId: pick(k), isEnterpriseInstall: false });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  client.core.close();
  times.sort((a, b) => a - b);
  return { p50: pct(times, 0.5), p99: pct(times, 0.99) };
}

async function authorizeBench(name: string, store: RowInstallationStore) {
  const out: Record<string, unknown> = {};
  let filled = 0;
  for (const size of [...new Set([Math.min(1000, N), N])]) {
    await fill(store, filled, size);
    filled = size;
    const uncached = await lookups(store, size, false);
    const cached = await lookups(store, size, true);
    out[String(size)] = { uncached, cached };
    console.log(
      `${name.padEnd(10)} ${String(size).padStart(7)} installs  uncached p50 ${uncached.p50.toFixed(3)} ms p99 ${uncached.p99.toFixed(3)} ms` +
        `   cached p50 ${cached.p50.toFixed(4)} ms p99 ${cached.p99.toFixed(4)} ms   (uncached/cached p50 ${(uncached.p50 / cached.p50).toFixed(0)}x)`,
    );
  }
  return out;
}

async function callbacksPerSecond(dir: string) {
  const emulator = await startEmulator({});
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--host', '127.0.0.1'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      SLACK_CLIENT_ID: emulator.clientId,
      SLACK_CLIENT_SECRET: emulator.clientSecret,
      SLACK_API_URL: emulator.apiUrl,
      SLACK_AUTHORIZE_URL: `${emulator.url}oauth/v2/authorize`,
      SLACK_SCOPES: 'chat:write',
      SLACK_BOT_TOKEN: '',
      SLACKLINE_DATABASE_URL: `sqlite:${join(dir, 'serve.db')}`,
      SLACKLINE_ENCRYPTION_KEYS: KeyRing.generateSpec('bench'),
    },
  });
  const port = Number(/port (\d+)/.exec(await firstLine(child))?.[1]);
  const base = `http://localhost:${port}`;
  emulator.install.configureApp(emulator.clientId, { redirectUrls: [`${base}/slack/oauth_redirect`] });
  let done = 0;
  let failed = 0;
  const one = async () => {
    const page = await fetch(`${base}/slack/install`);
    const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const href = /href="([^"]+)"/
      .exec(await page.text())?.[1]
      ?.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
    const { location } = emulator.install.approve(href ?? '');
    const res = await fetch(location, { headers: { cookie } });
    await res.arrayBuffer();
    if (res.status === 200) done++;
    else failed++;
  };
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next++ < CALLBACKS) await one();
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  await stopChild(child);
  await emulator.close();
  const perSecond = done / seconds;
  console.log(
    `callbacks  ${done} completed installs (${failed} failed) in ${seconds.toFixed(2)} s: ${perSecond.toFixed(0)}/s through serve (SQLite)`,
  );
  return { completed: done, failed, seconds, perSecond };
}

export async function benchInstallations(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'slackline-bench-'));
  const keys = KeyRing.parse(KeyRing.generateSpec('bench'));
  const result: Record<string, unknown> = { machine: machine(), installs: N, lookups: LOOKUPS };
  try {
    const sqlite = new SqliteInstallationStore(join(dir, 'bench.db'), { keys });
    result.sqlite = await authorizeBench('sqlite', sqlite);
    await sqlite.close();
    const url = process.env.SLACKLINE_TEST_POSTGRES_URL;
    if (url === undefined) console.log('postgres   skipped: SLACKLINE_TEST_POSTGRES_URL is not set');
    else {
      const schema = `slackline_bench_${randomBytes(3).toString('hex')}`;
      const db = new PostgresDatabase({ connectionString: url, schema });
      try {
        result.postgres = await authorizeBench('postgres', new PostgresInstallationStore(db, { keys }));
      } finally {
        await db.pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await db.close();
      }
    }
    result.callbacks = await callbacksPerSecond(dir);
    console.log(`wrote ${writeResult('installations', result)} and the README's table`);
    updateReadme('installations', table(result));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

type Timings = Record<string, { uncached: { p50: number; p99: number }; cached: { p50: number; p99: number } }>;

function table(result: Record<string, unknown>): string {
  const ms = (v: number, digits: number) => v.toFixed(digits);
  const out = [
    `\`npm run bench installations\` (${LOOKUPS.toLocaleString('en')} \`authorize()\` lookups per row; PostgreSQL from`,
    '`SLACKLINE_TEST_POSTGRES_URL`):',
    '',
    '| store | installations | `authorize()` uncached p50 / p99 | cached p50 / p99 |',
    '|---|---:|---|---|',
  ];
  for (const [name, key] of [
    ['SQLite', 'sqlite'],
    ['PostgreSQL', 'postgres'],
  ] as const) {
    const rows = result[key] as Timings | undefined;
    if (rows === undefined) continue;
    for (const [size, t] of Object.entries(rows)) {
      out.push(
        `| ${name} | ${Number(size).toLocaleString('en')} | ${ms(t.uncached.p50, 3)} / ${ms(t.uncached.p99, 3)} ms | ${ms(t.cached.p50, 4)} / ${ms(t.cached.p99, 4)} ms |`,
      );
    }
  }
  const callbacks = result.callbacks as { perSecond: number; completed: number; failed: number };
  out.push(
    '',
    `Completed OAuth installs through a \`slackline serve\` child process (SQLite) against the emulator, 16 at a time:`,
    `${callbacks.perSecond.toFixed(0)}/s (${callbacks.completed} completed, ${callbacks.failed} failed). Targets: uncached p99 under`,
    '2 ms (SQLite) and 5 ms (PostgreSQL), flat from 1,000 to 100,000; at least 300 installs/s.',
  );
  return out.join('\n');
}
