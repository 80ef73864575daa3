// Two cases against the emulator with Slack's limits enforced.
// Sustained: a minute of Slack time at Slack's limits, a mixed workload (three tiers, three channels
// of chat.postMessage, two teams) on a scaled clock; slackline (limiter on, default retries) vs
// @slack/web-api (default retry config), one after the other. Reports completion time as a ratio to
// the theoretical minimum and the 429s the emulator answered. @slack/web-api cannot run on a scaled
// clock, so each Retry-After it honours costs real seconds (scale x as much Slack time).
// Burst: N calls at once, N inside each tier's minute budget (30 conversations.info, 30 users.info,
// 10 conversations.list), in real time: the limiter on vs off, median of rounds. The limiter must
// cost nothing here (Slack allows the burst) and draw no 429.
import { LogLevel, WebClient as PeerClient } from '@slack/web-api';
import { type Emulator, startEmulator } from '../src/emulator/index.js';
import { scaledClock } from '../src/http/clock.js';
import { budgetOf } from '../src/http/tiers.js';
import { WebClient } from '../src/web/index.js';
import { SPECIAL_LIMITS, TIER_LIMITS } from '../src/web/tiers.js';
import { machine, median, updateReadme, writeResult } from './lib/measure.js';

const WINDOW_MS = 60_000;

interface Call {
  token: string;
  method: string;
  args: Record<string, unknown>;
}

interface Row {
  client: string;
  /** How many times faster than real time the emulator's (and our client's) clock ran. */
  scale: number;
  calls: number;
  ok: number;
  failed: number;
  /** 429s the emulator answered. */
  rateLimited: number;
  slackMs: number;
  realMs: number;
  ratio: number;
  complete: boolean;
}

/** The workload: for each bucket, its burst plus one minute of refill (so the minimum is 60 s). */
async function workload(emu: Emulator): Promise<Call[]> {
  const other = emu.seed({ workspaces: [{ name: 'second' }] }).workspaces[0];
  const teams = [
    { id: emu.workspace.teamId, token: emu.tokens.bot },
    { id: String(other?.id), token: String(other?.bot_token) },
  ];
  const calls: Call[] = [];
  for (const team of teams) {
    const channels = emu.seed({ team: team.id, channels: [{ name: 'ops' }, { name: 'alerts' }, { name: 'sales' }] });
    const first = channels.channels[0]?.id;
    const user = [...emu.state.users.values()].find((u) => u.teamId === team.id)?.id;
    const add = (method: string, args: Record<string, unknown>, limit: { perMinute: number; burst?: number }) => {
      const n = budgetOf(limit).burst + Math.round((limit.perMinute * WINDOW_MS) / 60_000);
      for (let i = 0; i < n; i++) calls.push({ token: team.token, method, args: { ...args } });
    };
    add('conversations.list', {}, TIER_LIMITS.Tier2 ?? { perMinute: 20 });
    add('conversations.info', { channel: first }, TIER_LIMITS.Tier3 ?? { perMinute: 50 });
    add('users.info', { user }, TIER_LIMITS.Tier4 ?? { perMinute: 100 });
    const post = SPECIAL_LIMITS['chat.postMessage'] ?? { perMinute: 60, burst: 3 };
    for (const c of channels.channels) add('chat.postMessage', { channel: c.id, text: 'bench' }, post);
  }
  // Interleaved, as an app's traffic would be.
  return calls.sort((a, b) => hash(a) - hash(b));
}

function hash(call: Call): number {
  let h = 0;
  for (const ch of JSON.stringify(call.args) + call.method + Math.random()) h = (h * 31 + ch.charCodeAt(0)) | 0;
  return h;
}

export async function runOne(name: string, scale: number, timeoutMs: number): Promise<Row> {
  const emu = await startEmulator({ clock: { scale }, rateLimits: true });
  try {
    const calls = await workload(emu);
    const clock = scaledClock(scale, emu.clock.now());
    const send = clientFor(name, emu, clock);
    const t0 = clock.now();
    const real0 = performance.now();
    let ok = 0;
    let failed = 0;
    const all = Promise.all(
      calls.map((c) =>
        send(c).then(
          () => void ok++,
          () => void failed++,
        ),
      ),
    );
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const outcome = await Promise.race([all, timedOut]);
    clearTimeout(timer);
    const slackMs = clock.now() - t0;
    return {
      client: name,
      scale,
      calls: calls.length,
      ok,
      failed,
      rateLimited: emu.rateLimits.limited,
      slackMs: Math.round(slackMs),
      realMs: Math.round(performance.now() - real0),
      ratio: slackMs / WINDOW_MS,
      complete: outcome !== 'timeout',
    };
  } finally {
    await emu.close();
  }
}

function clientFor(name: string, emu: Emulator, clock: ReturnType<typeof scaledClock>): (c: Call) => Promise<unknown> {
  const clients = new Map<string, { apiCall(m: string, a: Record<string, unknown>): Promise<unknown> }>();
  return (c) => {
    let client = clients.get(c.token);
    if (client === undefined) {
      client =
        name === 'slackline'
          ? debugClient(new WebClient(c.token, { slackApiUrl: emu.apiUrl, clock }))
          : new PeerClient(c.token, { slackApiUrl: emu.apiUrl, logLevel: LogLevel.ERROR });
      clients.set(c.token, client);
    }
    return client.apiCall(c.method, c.args);
  };
}

interface BurstRow {
  client: string;
  calls: number;
  rounds: number;
  /** Median real ms for the whole burst. */
  ms: number;
  /** 429s the emulator answered, all rounds together. */
  rateLimited: number;
  failed: number;
}

/** The burst: N calls at once, each bucket's N inside its tier's minute budget. */
const BURST = [
  { method: 'conversations.info', n: 30 },
  { method: 'users.info', n: 30 },
  { method: 'conversations.list', n: 10 },
];

async function burstRound(limiter: boolean): Promise<{ ms: number; rateLimited: number; failed: number }> {
  const emu = await startEmulator({ rateLimits: true });
  const client = new WebClient(emu.tokens.bot, { slackApiUrl: emu.apiUrl, rateLimits: limiter });
  try {
    const channel = [...emu.state.channels.values()].find((c) => c.teamId === emu.workspace.teamId)?.id;
    const user = [...emu.state.users.values()].find((u) => u.teamId === emu.workspace.teamId)?.id;
    const args: Record<string, Record<string, unknown>> = {
      'conversations.info': { channel },
      'users.info': { user },
      'conversations.list': {},
    };
    // Warm the connection pool and the method routes, outside the window measured.
    await client.auth.test();
    let failed = 0;
    const t0 = performance.now();
    await Promise.all(
      BURST.flatMap(({ method, n }) =>
        Array.from({ length: n }, () => client.apiCall(method, args[method]).catch(() => void failed++)),
      ),
    );
    return { ms: performance.now() - t0, rateLimited: emu.rateLimits.limited, failed };
  } finally {
    client.core.close();
    await emu.close();
  }
}

export async function benchBurst(rounds = Number(process.env.BENCH_BURST_ROUNDS ?? 9)): Promise<BurstRow[]> {
  const calls = BURST.reduce((sum, b) => sum + b.n, 0);
  const samples = { on: [] as number[], off: [] as number[] };
  const totals = { on: { rateLimited: 0, failed: 0 }, off: { rateLimited: 0, failed: 0 } };
  // Alternating, so that a busy moment on the machine hits both alike.
  for (let i = 0; i < rounds; i++) {
    for (const mode of ['off', 'on'] as const) {
      const r = await burstRound(mode === 'on');
      samples[mode].push(r.ms);
      totals[mode].rateLimited += r.rateLimited;
      totals[mode].failed += r.failed;
    }
  }
  return (['on', 'off'] as const).map((mode) => ({
    client: mode === 'on' ? 'slackline (limiter on)' : 'slackline (rateLimits: false)',
    calls,
    rounds,
    ms: median(samples[mode]),
    ...totals[mode],
  }));
}

// Ours on the scaled clock the issue asks for, then both clients in real time: @slack/web-api cannot
// run on a scaled clock (it waits each Retry-After in real seconds), so real time is the fair match.
export async function benchRateLimits(): Promise<Row[]> {
  const scale = Number(process.env.BENCH_SCALE ?? 10);
  const peerTimeoutMs = Number(process.env.BENCH_PEER_TIMEOUT_S ?? 240) * 1000;
  const burst = await benchBurst();
  const off = burst.find((r) => r.client.includes('false'))?.ms ?? 0;
  console.log(`\nBurst: ${burst[0]?.calls} calls at once inside each tier's minute budget (real time)`);
  console.log('client                          rounds  median ms  vs limiter off  429s  failed');
  for (const r of burst) {
    console.log(
      [
        r.client.padEnd(30),
        String(r.rounds).padStart(7),
        r.ms.toFixed(1).padStart(10),
        `${(r.ms / off).toFixed(3)}x`.padStart(15),
        String(r.rateLimited).padStart(5),
        String(r.failed).padStart(7),
      ].join(' '),
    );
  }
  if (process.env.BENCH_BURST_ONLY) return [];
  const rows = [
    await runOne('slackline', scale, (WINDOW_MS / scale) * 5 + 30_000),
    await runOne('slackline', 1, WINDOW_MS * 5),
    await runOne('@slack/web-api', 1, peerTimeoutMs),
  ];
  console.log(`\n60 s of Slack time at Slack's limits (minimum: 60.0 s of Slack time)`);
  console.log('client            clock  calls     ok  failed  429s  Slack s  real s  vs minimum');
  for (const r of rows) {
    console.log(
      [
        r.client.padEnd(16),
        `x${r.scale}`.padStart(6),
        String(r.calls).padStart(6),
        String(r.ok).padStart(6),
        String(r.failed).padStart(7),
        String(r.rateLimited).padStart(5),
        (r.slackMs / 1000).toFixed(1).padStart(8),
        (r.realMs / 1000).toFixed(1).padStart(7),
        `${r.ratio.toFixed(3)}x${r.complete ? '' : ' (timed out)'}`.padStart(11),
      ].join(' '),
    );
  }
  const file = writeResult('rate-limits', {
    bench: 'rate-limits',
    windowMs: WINDOW_MS,
    machine: machine(),
    rows,
    burst,
  });
  updateReadme('rate-limits', `${table(rows)}\n\n${burstTable(burst)}`);
  console.log(`wrote ${file} and the README's table`);
  return rows;
}

function table(rows: Row[]): string {
  const out = ['| client | clock | calls | 429s | failed | time vs the minimum |', '|---|---|---:|---:|---:|---:|'];
  for (const r of rows) {
    const clock = r.scale === 1 ? 'x1 (real time)' : `x${r.scale}`;
    const ratio = `${r.ratio.toFixed(3)}x${r.complete ? '' : ' (timed out)'}`;
    out.push(`| ${r.client} | ${clock} | ${r.calls} | ${r.rateLimited} | ${r.failed} | ${ratio} |`);
  }
  return out.join('\n');
}

function burstTable(rows: BurstRow[]): string {
  const off = rows.find((r) => r.client.includes('false'))?.ms ?? 0;
  const calls = rows[0]?.calls ?? 0;
  const out = [
    `Burst: ${calls} calls at once (30 conversations.info, 30 users.info, 10 conversations.list), each inside its tier's minute budget, real time, median of ${rows[0]?.rounds ?? 0} rounds:`,
    '',
    '| client | median ms | vs limiter off | 429s | failed |',
    '|---|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    out.push(`| ${r.client} | ${r.ms.toFixed(1)} | ${(r.ms / off).toFixed(3)}x | ${r.rateLimited} | ${r.failed} |`);
  }
  return out.join('\n');
}

function debugClient(c: WebClient): WebClient {
  if (process.env.BENCH_DEBUG) c.on('rateLimited', (e) => console.log('429', e.method, e.retryAfter, e.bucket));
  return c;
}
