// Socket Mode: envelopes acked per second, ack latency (Slack's side: send -> ack received), client
// CPU, and the delivery gap during a `refresh_requested`, slackline vs @slack/socket-mode in one run.
// The Slack side (the emulator's Socket Mode server) runs on core 0, the client on core 1; a fresh pair
// of processes per round; medians of the rounds.
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

// `ws`: a bare WebSocket that only parses and acks (no reconnects, no de-dup, no listeners): the
// ceiling the shared server allows any client in this run.
const CLIENTS = ['slackline', '@slack/socket-mode', 'ws'] as const;

interface Round {
  events: number;
  perSec: number;
  p50: number;
  p99: number;
  /** The first measurement, 2,000 envelopes after the client connected (fresh processes). */
  coldPerSec: number;
  coldP99: number;
  unacked: number;
  cpuMsPer1000: number;
  /** The Slack side's CPU (the emulator's Socket Mode server and the load generator) per 1,000. */
  slackCpuMsPer1000: number;
  peakRssMiB: number;
  refreshOfflineMs: number;
  refreshUnacked: number;
}

async function post(base: string, path: string): Promise<Record<string, number>> {
  const res = await fetch(new URL(path, base), { method: 'POST' });
  return (await res.json()) as Record<string, number>;
}

/** Envelopes before the cold measurement (fresh processes: V8 has barely started optimizing). */
const COLD_AFTER = 2_000;
/**
 * Envelopes sent between the cold measurement and the steady one (BENCH_SOCKET_WARMUP; default 140,000).
 * Measured in one pair of processes, 20,000 at a time after 2,000: the peer holds at 78k-93k a second
 * from its second window on (it is bound by its own CPU); slackline and the bare client rise together
 * until about 140,000 envelopes (slackline 90k, 125k, 139k, 120k, 156k, 176k, 166k, then 151k-210k; the
 * bare client 77k, 109k, 91k, 138k, 174k, 160k, 158k, then 155k-208k). Rising together, they show the
 * shared Slack side warming up (V8's tier-ups), not the clients. The steady figure is what a connected app runs at.
 */
const WARMUP = Number(process.env.BENCH_SOCKET_WARMUP ?? 140_000);

async function round(client: string, events: number, inflight: number): Promise<Round> {
  const server = spawnNode(join(DIST_BENCH, 'lib', 'socket-slack.js'), [], 0);
  const base = `http://127.0.0.1:${await firstLine(server)}/`;
  const worker = spawnNode(join(DIST_BENCH, 'lib', 'socket-worker.js'), [client, `${base}api/`], 1);
  const next = lineReader(worker);
  try {
    if ((await next()) !== 'ready') throw new Error(`${client} did not connect`);
    // Every round starts both processes afresh: first the cold window, then the warm-up, then the
    // steady window (see WARMUP).
    await post(base, `bench/throughput?events=${COLD_AFTER}&inflight=${inflight}`);
    const cold = await post(base, `bench/throughput?events=${events}&inflight=${inflight}`);
    await post(base, `bench/throughput?events=${WARMUP}&inflight=${inflight}`);
    worker.kill('SIGUSR2');
    const before = JSON.parse(await next()) as { cpuMs: number };
    const run = await post(base, `bench/throughput?events=${events}&inflight=${inflight}`);
    worker.kill('SIGUSR2');
    const after = JSON.parse(await next()) as { cpuMs: number; peakRssMiB: number };
    // The bare client does not reconnect: no refresh for it.
    const refresh = client === 'ws' ? {} : await post(base, 'bench/refresh?ms=3000');
    return {
      events,
      perSec: (events / (run.ms ?? 1)) * 1000,
      p50: run.p50 ?? Number.NaN,
      p99: run.p99 ?? Number.NaN,
      coldPerSec: (events / (cold.ms ?? 1)) * 1000,
      coldP99: cold.p99 ?? Number.NaN,
      unacked: run.unacked ?? 0,
      cpuMsPer1000: ((after.cpuMs - before.cpuMs) / events) * 1000,
      slackCpuMsPer1000: ((run.cpuMs ?? Number.NaN) / events) * 1000,
      peakRssMiB: after.peakRssMiB,
      refreshOfflineMs: refresh.offlineMs ?? Number.NaN,
      refreshUnacked: refresh.unacked ?? 0,
    };
  } finally {
    // Both gone before the next round starts: a client still exiting took CPU from the next one.
    await Promise.all([stopChild(worker), stopChild(server)]);
  }
}

export async function benchSocketMode(): Promise<void> {
  const events = Number(process.env.BENCH_EVENTS ?? 20_000);
  // Five: a round can fall in a minute when this machine runs everything ~30% slower (the bare server too).
  const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
  const inflight = 100;
  const results = new Map<string, Round[]>(CLIENTS.map((c) => [c, []]));
  for (let r = 0; r < rounds; r++) {
    for (const client of CLIENTS) results.get(client)!.push(await round(client, events, inflight));
  }
  const peerRounds = results.get('@slack/socket-mode')!;
  const rows = CLIENTS.map((client) => {
    const rs = results.get(client)!;
    const m = (f: (x: Round) => number) => median(rs.map(f));
    return {
      client,
      perSec: m((x) => x.perSec),
      // Each round runs the clients back to back under the same load: the median of the per-round
      // ratios is steadier than the ratio of the medians on a shared machine.
      vsPeer: median(rs.map((x, i) => x.perSec / peerRounds[i]!.perSec)),
      p50: m((x) => x.p50),
      p99: m((x) => x.p99),
      coldPerSec: m((x) => x.coldPerSec),
      coldVsPeer: median(rs.map((x, i) => x.coldPerSec / peerRounds[i]!.coldPerSec)),
      coldP99: m((x) => x.coldP99),
      unacked: m((x) => x.unacked),
      cpuMsPer1000: m((x) => x.cpuMsPer1000),
      // Envelopes a second this client could take with a core to itself and a Slack side that keeps up
      // (1,000 / its CPU ms per 1,000): the Slack side here has one core and is the bound for the
      // fastest clients (slackline and the bare client rise and fall together), so this is the ratio
      // that says what the client itself costs.
      capacityVsPeer: median(rs.map((x, i) => peerRounds[i]!.cpuMsPer1000 / x.cpuMsPer1000)),
      slackCpuMsPer1000: m((x) => x.slackCpuMsPer1000),
      peakRssMiB: m((x) => x.peakRssMiB),
      refreshOfflineMs: m((x) => x.refreshOfflineMs),
      refreshUnacked: m((x) => x.refreshUnacked),
      rounds: rs,
    };
  });
  const lines = [
    `${events.toLocaleString('en-US')} events_api envelopes a measurement, at most ${inflight} unacked, median of ${rounds} rounds, each with`,
    `fresh processes (\`npm run bench socket-mode\`; Slack side on one core, client on the other). Steady: measured after`,
    `${(COLD_AFTER + events + WARMUP).toLocaleString('en-US')} envelopes; cold: after ${COLD_AFTER.toLocaleString('en-US')}. Gap: time the app had no open connection while Slack`,
    'sent `refresh_requested` and closed the old socket 1 s later. `ws`: a bare socket that parses and acks,',
    'nothing else: the most the shared Slack side allows any client here. CPU: over the steady measurement.',
    "Capacity vs peer: the peer's client CPU per envelope over this client's, per round (what each client",
    'could take on a core of its own, were the Slack side not the bound).',
    '',
    '| client | envelopes/s | vs peer (per round) | ack p50 | ack p99 | cold: envelopes/s | cold: vs peer | cold: ack p99 | client CPU ms per 1,000 | capacity vs peer | Slack side CPU ms per 1,000 | peak RSS MiB | refresh gap |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.client} | ${Math.round(r.perSec)} | ${r.vsPeer.toFixed(2)}x | ${r.p50.toFixed(2)} ms | ${r.p99.toFixed(2)} ms | ${Math.round(r.coldPerSec)} | ${r.coldVsPeer.toFixed(2)}x | ${r.coldP99.toFixed(2)} ms | ${r.cpuMsPer1000.toFixed(1)} | ${r.capacityVsPeer.toFixed(2)}x | ${r.slackCpuMsPer1000.toFixed(1)} | ${r.peakRssMiB.toFixed(0)} | ${Number.isNaN(r.refreshOfflineMs) ? 'n/a' : `${Math.round(r.refreshOfflineMs)} ms`} |`,
    ),
  ];
  console.log(lines.join('\n'));
  const file = writeResult('socket-mode', {
    bench: 'socket-mode',
    events,
    coldAfter: COLD_AFTER,
    warmup: WARMUP,
    inflight,
    rounds,
    machine: machine(),
    rows,
  });
  updateReadme('socket-mode', lines.join('\n'));
  console.log(`wrote ${file} and the README's table`);
}
