// bench/rotation: what token rotation costs authorize(). Uncached lookups over every installation
// (SLACKLINE_BENCH_ROTATION_INSTALLS, default 10,000), 32 at a time, with rotation off and with rotation
// on while 1% of the tokens are due and refreshed against the emulator (a child process pinned to its
// own core, so its work is not counted as ours), refreshed behind the lookups (the default) and with
// the callers waiting (`background: false`); rounds interleaved, medians compared. Both paths are
// measured warm: before the measured rounds each lookup path has run 60,000 times, and the refresh
// path (its HTTP exchange, lease and write-back run nowhere else in this process) runs
// SLACKLINE_BENCH_ROTATION_WARM times (default 2,000, half in each mode), so the JIT has compiled it as it has the
// lookups; the first 1% of refreshes, made while that code is still cold, is reported apart. Throughput is
// lookups per second of this process's CPU time: what the app pays, which neither Slack's latency nor
// other work on a shared machine changes (the wall-clock rate is kept beside it). And the CPU cost of
// unsealing a row, which every uncached lookup pays. Targets: rotation-on within 10% of rotation-off;
// unsealing under 20 µs a lookup. PostgreSQL from SLACKLINE_TEST_POSTGRES_URL.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { KeyRing } from '../src/crypto/index.js';
import { systemClock } from '../src/http/clock.js';
import { InstallationAuthority } from '../src/oauth/authorize.js';
import type { NewInstallation } from '../src/oauth/from-oauth.js';
import type { RowInstallationStore } from '../src/oauth/row-store.js';
import { aadOf, RowCodec } from '../src/oauth/rows.js';
import { PostgresDatabase, PostgresInstallationStore } from '../src/stores/postgres/index.js';
import { SqliteInstallationStore } from '../src/stores/sqlite/index.js';
import { WebClient } from '../src/web/client.js';
import { benchInstallation, team } from './lib/installation.js';
import { firstLine, machine, median, spawnNode, updateReadme, writeResult } from './lib/measure.js';

const SELF = fileURLToPath(import.meta.url);
const N = Number(process.env.SLACKLINE_BENCH_ROTATION_INSTALLS ?? 10_000);
// 15: the bench takes under a minute, and single rounds spread 70-107% with where garbage collection lands.
const ROUNDS = Number(process.env.SLACKLINE_BENCH_ROTATION_ROUNDS ?? 15);
const DUE = Math.max(1, Math.round(N / 100));
/** Refreshes made before the measured rounds, so the refresh path runs compiled as the lookups do. */
const WARM = Number(process.env.SLACKLINE_BENCH_ROTATION_WARM ?? 2_000);
/** How a lookup that finds its token due gets it refreshed (RotationOptions.background). */
const MODES = [
  { key: 'behind', label: 'behind the lookup (default)', background: true },
  { key: 'waiting', label: 'the caller waits (`background: false`)', background: false },
] as const;
type Mode = (typeof MODES)[number]['key'];
/** Warm-up refreshes in each mode. */
const WARM_EACH = Math.floor(WARM / MODES.length);
/** Refresh tokens one store uses: the cold round, the warm-up, and every measured round, in each mode. */
const TOKENS = MODES.length * (DUE * (ROUNDS + 1) + WARM_EACH);
const CONCURRENCY = 32;
const HOUR = 3_600_000;

interface Served {
  apiUrl: string;
  clientId: string;
  clientSecret: string;
  /** Unused refresh tokens of real installations, one per due row of every round. */
  refreshTokens: string[];
}

/** The emulator with rotation on, and `count` refresh tokens from as many completed installs. */
async function serve(count: number): Promise<void> {
  const { startEmulator } = await import('../src/emulator/index.js');
  const emu = await startEmulator({ app: { tokenRotation: true } });
  const client = new WebClient(undefined, { slackApiUrl: emu.apiUrl, retryHandlers: [] });
  const refreshTokens: string[] = [];
  for (let i = 0; i < count; i++) {
    const url = new URL('oauth/v2/authorize', emu.url);
    url.searchParams.set('client_id', emu.clientId);
    url.searchParams.set('scope', 'chat:write');
    const code = emu.install.approve(url.href).code ?? '';
    const answer = await client.oauth.v2.access({ client_id: emu.clientId, client_secret: emu.clientSecret, code });
    refreshTokens.push(String(answer.refresh_token));
  }
  const served: Served = { apiUrl: emu.apiUrl, clientId: emu.clientId, clientSecret: emu.clientSecret, refreshTokens };
  process.stdout.write(`${JSON.stringify(served)}\n`);
}

const query = (i: number) => ({ enterpriseId: null, teamId: team(i), isEnterpriseInstall: false });

/** A rotating installation; due (inside the refresh margin, still valid) with a real refresh token. */
function installation(i: number, refresh?: string): NewInstallation {
  const now = systemClock.now();
  return benchInstallation(i, {
    token: `xoxe.xoxb-1-bench-${i}`,
    refreshToken: refresh ?? `xoxe-1-bench-${i}`,
    expiresAt: refresh === undefined ? now + 12 * HOUR : now + 4 * 60_000,
  });
}

/** CPU seconds (user + system) of this process since `from`. */
function cpuSince(from: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1e6;
}

interface Sweep {
  /** Lookups per CPU second of this process. */
  cpu: number;
  /** Lookups per wall-clock second. */
  wall: number;
  /**
   * Garbage collections that started during the sweep, and their pause in ms: a sweep that gets one
   * scavenge more or less than its pair moves the ratio by several points, so each round says so.
   */
  gcs: number;
  gcMs: number;
  /** Of them, full (mark-compact) collections. */
  majors: number;
}

/**
 * Every collection of the process, by start time. Attributed to a sweep by its time window, not by
 * when the observer hears of it: a sweep of cached-page lookups never yields to the event loop, so
 * its collections are delivered during whatever runs next (counted that way, the sweep after an off
 * sweep showed the off sweep's collections, and rotation on seemed to cost three times the GC).
 */
const collections: { start: number; ms: number; major: boolean }[] = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const { detail } = entry as { detail?: { kind?: number } };
    const major = detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR;
    collections.push({ start: entry.startTime, ms: entry.duration, major });
  }
}).observe({ entryTypes: ['gc'] });

// V8's collector, callable here (as with --expose-gc) without changing how the bench is started.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as (options: { type: 'minor'; execution: 'sync' }) => void;

/**
 * Every installation looked up once, uncached, CONCURRENCY at a time. Each sweep starts on an emptied
 * young generation: otherwise the garbage of whatever ran before it (the other sweep, the round's
 * setup) is scavenged during it and billed to it, a scavenge more or less that moved single rounds by
 * 10 points. A scavenge, not a full collection: a full one before every sweep (as until this stop)
 * also clears the maps that only transient objects used (a decipher's, a row's), and V8 throws away
 * the optimized code that depended on them ("weak objects"): the lookup and refresh paths were
 * deoptimized and compiled again every round, 20-40 compilations (100-500 ms of compiler CPU on the
 * helper threads) per round, billed to whichever sweep they landed in. With a scavenge, 0-8.
 */
async function sweep(authority: InstallationAuthority): Promise<Sweep> {
  let next = 0;
  gc({ type: 'minor', execution: 'sync' });
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let k = next++; k < N; k = next++) await authority.authorize(query((k * 7919) % N));
    }),
  );
  // Tokens that still work are refreshed behind their lookups: those refreshes are this sweep's work.
  await authority.settled();
  const cpu = cpuSince(c0);
  const t1 = performance.now();
  // The observer hears of a collection some turns after it: wait for the sweep's last ones.
  await new Promise((resolve) => setTimeout(resolve, 20));
  const mine = collections.filter((c) => c.start >= t0 && c.start < t1);
  return {
    cpu: N / cpu,
    wall: N / ((t1 - t0) / 1000),
    gcs: mine.length,
    gcMs: mine.reduce((sum, c) => sum + c.ms, 0),
    majors: mine.filter((c) => c.major).length,
  };
}

interface ModeResult {
  /** Lookups per CPU second, median of the rounds. */
  offPerCpuSecond: number;
  onPerCpuSecond: number;
  /** on / off per CPU second, the median of each round's own ratio. */
  ratio: number;
  /** The same ratio on the wall clock (it also counts waiting for Slack, hidden by the concurrency). */
  wallRatio: number;
  /** CPU ms this process spends per refresh (the exchange with Slack, the lease and the durable write). */
  refreshCpuMs: number;
  /** on / off per CPU second in the first round with tokens due, its refresh code not yet compiled. */
  coldRatio: number;
  /** CPU ms per refresh in that first round. */
  coldRefreshCpuMs: number;
  rounds: { off: Sweep; on: Sweep }[];
}

interface StoreResult {
  /** on / off per CPU second with nothing due: what checking expiry costs every lookup. */
  idleRatio: number;
  refreshed: number;
  modes: Record<Mode, ModeResult>;
}

async function compare(
  name: string,
  store: RowInstallationStore,
  served: Served,
  offset: number,
): Promise<StoreResult> {
  for (let i = 0; i < N; i += 5000) {
    await store.saveMany(Array.from({ length: Math.min(5000, N - i) }, (_, k) => installation(i + k)));
  }
  const client = new WebClient(undefined, { slackApiUrl: served.apiUrl, retryHandlers: [] });
  const common = { scopes: ['chat:write'], client, cacheTtlMs: 0 };
  const off = new InstallationAuthority(store, common);
  const rotation = { clientId: served.clientId, clientSecret: served.clientSecret, jitterMs: 0 };
  const on = Object.fromEntries(
    MODES.map((m) => [
      m.key,
      new InstallationAuthority(store, { ...common, rotation: { ...rotation, background: m.background } }),
    ]),
  ) as Record<Mode, InstallationAuthority>;
  let next = offset;
  const take = (n: number) => {
    next += n;
    return served.refreshTokens.slice(next - n, next);
  };
  // Warm-up: every path compiled and the rows in the page cache before anything is measured.
  const none: Sweep = { cpu: 0, wall: 0, gcs: 0, gcMs: 0, majors: 0 };
  // Nothing due yet: six pairs in alternating order (the second sweep of a pair runs a little slower),
  // the median of the last four pairs' ratios is what checking expiry costs a lookup.
  const idle: number[] = [];
  for (let w = 0; w < 6; w++) {
    const pair =
      w % 2 === 0
        ? { off: await sweep(off), on: await sweep(on.behind) }
        : { on: await sweep(on.behind), off: await sweep(off) };
    if (w >= 2) idle.push(pair.on.cpu / pair.off.cpu);
    console.log(
      `${name.padEnd(10)} warm-up ${w + 1}, nothing due: per CPU second rotation off ${pair.off.cpu.toFixed(0)}, on ${pair.on.cpu.toFixed(0)}`,
    );
  }
  let refreshed = 0;
  const rounds = Object.fromEntries(MODES.map((m) => [m.key, [] as { off: Sweep; on: Sweep }[]])) as Record<
    Mode,
    { off: Sweep; on: Sweep }[]
  >;
  const cold = {} as Record<Mode, { ratio: number; refreshCpuMs: number }>;
  // Round 0 is the first with tokens due: the sweeps above never refresh, so it runs the refresh path
  // (exchange, lease, write-back) before it is compiled. It is reported as the cold cost, not counted
  // in the medians; then WARM refreshes, and the measured rounds. Each round measures both modes,
  // each against an off sweep of its own, in alternating order.
  for (let r = 0; r <= ROUNDS; r++) {
    if (r === 1) {
      for (const m of MODES) refreshed += await warmRefreshPath(store, on[m.key], take(WARM_EACH));
    }
    for (const m of r % 2 === 0 ? MODES : [...MODES].reverse()) {
      // 1% of the rows made due with a real refresh token, before either sweep (so both read the same rows).
      const due = Array.from({ length: DUE }, (_, k) => Math.floor((k * N) / DUE) + r);
      const tokens = take(DUE);
      await store.saveMany(due.map((i, k) => installation(i, tokens[k])));
      const round = { off: none, on: none };
      // Alternate which goes first, so neither always runs on a warmer process.
      for (const which of r % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
        round[which] = await sweep(which === 'off' ? off : on[m.key]);
      }
      for (const i of due) {
        const bot = (await store.findBot(query(i)))?.bot;
        if (bot?.refreshToken !== undefined && !tokens.includes(bot.refreshToken)) refreshed++;
      }
      const ratio = round.on.cpu / round.off.cpu;
      if (r === 0) {
        cold[m.key] = { ratio, refreshCpuMs: ((N / round.on.cpu - N / round.off.cpu) / DUE) * 1000 };
        console.log(
          `${name.padEnd(10)} ${m.key.padEnd(7)} first ${DUE} refreshes (cold code): rotation on ${(ratio * 100).toFixed(1)}% of off, ${cold[m.key].refreshCpuMs.toFixed(2)} ms CPU a refresh`,
        );
        continue;
      }
      rounds[m.key].push(round);
      console.log(
        `${name.padEnd(10)} ${m.key.padEnd(7)} round ${r}: per CPU second rotation off ${round.off.cpu.toFixed(0)}, on ${round.on.cpu.toFixed(0)} (${(ratio * 100).toFixed(1)}%); wall ${round.off.wall.toFixed(0)}/s vs ${round.on.wall.toFixed(0)}/s; GC off ${round.off.gcs} (${round.off.gcMs.toFixed(1)} ms, ${round.off.majors} full), on ${round.on.gcs} (${round.on.gcMs.toFixed(1)} ms, ${round.on.majors} full)`,
      );
    }
  }
  client.core.close();
  if (refreshed !== TOKENS) throw new Error(`${name}: ${refreshed} of ${TOKENS} due tokens were refreshed`);
  const modes = Object.fromEntries(
    MODES.map((m) => {
      const rs = rounds[m.key];
      const offCpu = median(rs.map((x) => x.off.cpu));
      const onCpu = median(rs.map((x) => x.on.cpu));
      const result: ModeResult = {
        coldRatio: cold[m.key].ratio,
        coldRefreshCpuMs: cold[m.key].refreshCpuMs,
        refreshCpuMs: ((N / onCpu - N / offCpu) / DUE) * 1000,
        offPerCpuSecond: offCpu,
        onPerCpuSecond: onCpu,
        ratio: median(rs.map((x) => x.on.cpu / x.off.cpu)),
        wallRatio: median(rs.map((x) => x.on.wall / x.off.wall)),
        rounds: rs,
      };
      return [m.key, result];
    }),
  ) as Record<Mode, ModeResult>;
  return { idleRatio: median(idle), refreshed, modes };
}

/**
 * Makes `tokens.length` rows due and authorizes each once (CONCURRENCY at a time), so the refresh path
 * has run as often as a production process refreshing for a while; the rows are put back not due.
 * Answers how many were refreshed.
 */
async function warmRefreshPath(
  store: RowInstallationStore,
  on: InstallationAuthority,
  tokens: string[],
): Promise<number> {
  const rows = tokens.map((_, k) => (k * 7) % N);
  await store.saveMany(rows.map((i, k) => installation(i, tokens[k])));
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let k = next++; k < rows.length; k = next++) await on.authorize(query(rows[k] as number));
    }),
  );
  await on.settled();
  let refreshed = 0;
  for (const [k, i] of rows.entries()) {
    const bot = (await store.findBot(query(i)))?.bot;
    if (bot?.refreshToken !== undefined && bot.refreshToken !== tokens[k]) refreshed++;
  }
  await store.saveMany(rows.map((i) => installation(i)));
  return refreshed;
}

/**
 * CPU µs this process spends on one 4 KiB write and fsync in `dir`: the floor of a durable commit (the
 * refresh's write-back must be one: losing it would lose a single-use refresh token).
 */
function fsyncMicros(dir: string): number {
  const fd = openSync(join(dir, 'fsync-probe'), 'w');
  const page = Buffer.alloc(4096, 1);
  const runs: number[] = [];
  try {
    for (let r = 0; r < 5; r++) {
      const c0 = process.cpuUsage();
      for (let i = 0; i < 100; i++) {
        writeSync(fd, page, 0, page.length, (i % 16) * 4096);
        fsyncSync(fd);
      }
      runs.push((cpuSince(c0) * 1e6) / 100);
    }
  } finally {
    closeSync(fd);
  }
  return median(runs);
}

/** CPU µs to open one row's sealed secrets (AES-GCM and the JSON inside), as every uncached lookup does. */
function unsealMicros(): number {
  const codec = new RowCodec(KeyRing.parse(KeyRing.generateSpec('bench')));
  const [row] = codec.encode(installation(1, 'xoxe-1-bench-refresh'));
  if (row === undefined) throw new Error('no row');
  const aad = aadOf(row);
  const runs: number[] = [];
  for (let r = 0; r < 7; r++) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < 20_000; i++) JSON.parse(codec.keys.open(row.secrets, aad));
    runs.push((cpuSince(c0) * 1e6) / 20_000);
  }
  return median(runs.slice(2)); // the first rounds warm up
}

export async function benchRotation(): Promise<void> {
  const url = process.env.SLACKLINE_TEST_POSTGRES_URL;
  const stores = url === undefined ? 1 : 2;
  const emulator = spawnNode(SELF, ['--serve', String(TOKENS * stores)], 1);
  const dir = mkdtempSync(join(tmpdir(), 'slackline-bench-rotation-'));
  const keys = KeyRing.parse(KeyRing.generateSpec('bench'));
  const result: Record<string, unknown> = {
    machine: machine(),
    installs: N,
    due: DUE,
    rounds: ROUNDS,
    concurrency: CONCURRENCY,
  };
  try {
    const served = JSON.parse(await firstLine(emulator)) as Served;
    const sqlite = new SqliteInstallationStore(join(dir, 'bench.db'), { keys });
    result.sqlite = await compare('sqlite', sqlite, served, 0);
    await sqlite.close();
    if (url === undefined) console.log('postgres   skipped: SLACKLINE_TEST_POSTGRES_URL is not set');
    else {
      const schema = `slackline_bench_rot_${randomBytes(3).toString('hex')}`;
      const db = new PostgresDatabase({ connectionString: url, schema });
      try {
        result.postgres = await compare('postgres', new PostgresInstallationStore(db, { keys }), served, TOKENS);
      } finally {
        await db.pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await db.close();
      }
    }
    result.unsealMicros = unsealMicros();
    result.fsyncMicros = fsyncMicros(dir);
    console.log(`fsync      ${(result.fsyncMicros as number).toFixed(0)} µs of CPU per 4 KiB write and fsync`);
    console.log(`unseal     ${(result.unsealMicros as number).toFixed(2)} µs of CPU per row`);
    console.log(`wrote ${writeResult('rotation', result)} and the README's table`);
    updateReadme('rotation', table(result));
  } finally {
    emulator.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

function table(result: Record<string, unknown>): string {
  const out = [
    `\`npm run bench rotation\`: uncached \`authorize()\` over ${N.toLocaleString('en')} installations, ${CONCURRENCY} at a time,`,
    `rotation off vs on with 1% of the tokens due (${DUE} refreshed against the emulator per round, each with 4 minutes left,`,
    `inside the 5-minute margin; median of ${ROUNDS} interleaved rounds), in lookups per second of CPU time of the process (the`,
    'wall-clock ratio also waits for Slack). Two ways to refresh, each against rotation off in the same round: behind the',
    'lookup (the default: the lookup answers the token, which still works, and the refreshes gathered meanwhile run together,',
    'sharing their commits) and with the caller waiting for its refresh. Both paths are measured warm: the lookups after',
    `60,000 warm-up lookups, the refreshes after ${WARM_EACH.toLocaleString('en')} warm-up refreshes in each mode. The "first 1%" columns are the`,
    "process's first round with tokens due, while the refresh code still runs uncompiled (a process that refreshes rarely pays",
    'that; the default mode runs first, and the other then finds the shared refresh code compiled):',
    '',
    '| store | refreshed | rotation off | rotation on (1% due) | on / off | on / off, wall clock | CPU per refresh | on / off, first 1% | CPU per refresh, first 1% |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const idle: string[] = [];
  for (const [label, key] of [
    ['SQLite', 'sqlite'],
    ['PostgreSQL', 'postgres'],
  ] as const) {
    const s = result[key] as StoreResult | undefined;
    if (s === undefined) continue;
    idle.push(`${label} ${(s.idleRatio * 100).toFixed(1)}%`);
    for (const m of MODES) {
      const r = s.modes[m.key];
      out.push(
        `| ${label} | ${m.label} | ${r.offPerCpuSecond.toFixed(0)}/s | ${r.onPerCpuSecond.toFixed(0)}/s | ${(r.ratio * 100).toFixed(1)}% | ${(r.wallRatio * 100).toFixed(1)}% | ${r.refreshCpuMs.toFixed(2)} ms | ${m.key === MODES[0].key ? `${(r.coldRatio * 100).toFixed(1)}% | ${r.coldRefreshCpuMs.toFixed(2)} ms` : '– | –'} |`,
      );
    }
  }
  out.push(
    '',
    `Rotation on with nothing due (the median of 4 pairs of warm-up sweeps: what checking expiry costs a lookup): ${idle.join(', ')} of off.`,
  );
  const sqlite = result.sqlite as StoreResult | undefined;
  if (sqlite !== undefined) {
    const budget = ((0.1 * N) / sqlite.modes.behind.offPerCpuSecond / DUE) * 1e6;
    out.push(
      '',
      `For SQLite to stay within 10%, a refresh may cost ${budget.toFixed(0)} µs of CPU; one 4 KiB write and fsync on this disk costs ${(result.fsyncMicros as number).toFixed(0)} µs (same run), and the write-back of the new tokens must be durable.`,
    );
  }
  out.push(
    '',
    `Unsealing a row's secrets (what each uncached lookup pays): ${(result.unsealMicros as number).toFixed(2)} µs of CPU.`,
    'Targets: rotation on within 10% of rotation off; unsealing under 20 µs a lookup.',
  );
  return out.join('\n');
}

const [mode, arg] = process.argv.slice(2);
if (mode === '--serve') await serve(Number(arg));
