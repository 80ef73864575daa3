// The bench's Slack side of Socket Mode, in its own process: apps.connections.open over HTTP and the
// emulator's Socket Mode server, plus two bench endpoints that drive it and report what it measured.
//   POST /bench/throughput?events=N&inflight=K  -> { events, ms, p50, p99, unacked, cpuMs (this process) }
//   POST /bench/refresh?ms=T                    -> { offlineMs, delivered, unacked }
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as ws from 'ws';
import { SocketModeServer } from '../../src/emulator/socket-mode/server.js';

const APP = 'A0BENCH001';
const server = new SocketModeServer({ ws, now: () => performance.timeOrigin + performance.now(), scale: () => 1 });

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** Events made in this process: each event's number, so that its id is unique (Slack's are). */
let made = 0;
const RUN = Math.random().toString(36).slice(2, 8);
const event = () => {
  const i = made++;
  return {
    type: 'event_callback',
    team_id: 'T0BENCH01',
    api_app_id: APP,
    event_id: `Ev${RUN}${i.toString(36)}`,
    event_time: 1_700_000_000 + i,
    event: { type: 'message', channel: 'C0BENCH01', user: 'U0BENCH01', text: `message ${i}`, ts: `1700000000.${i}` },
  };
};

async function throughput(events: number, inflight: number): Promise<Record<string, number>> {
  const latencies: number[] = [];
  let unacked = 0;
  let next = 0;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const lane = async () => {
    while (next < events) {
      next++;
      const t0 = performance.now();
      const result = await server.deliver(APP, 'events_api', event());
      if (result.acked && result.attempts === 1) latencies.push(performance.now() - t0);
      else unacked++;
    }
  };
  await Promise.all(Array.from({ length: inflight }, lane));
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  latencies.sort((a, b) => a - b);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return { events, ms, p50: percentile(latencies, 50), p99: percentile(latencies, 99), unacked, cpuMs };
}

async function refresh(durationMs: number): Promise<Record<string, number>> {
  const offlineBefore = server.offlineMs(APP);
  let delivered = 0;
  let unacked = 0;
  const started = performance.now();
  let refreshed = false;
  const pending: Promise<void>[] = [];
  while (performance.now() - started < durationMs) {
    if (!refreshed && performance.now() - started > durationMs / 3) {
      server.disconnect(APP, 'refresh_requested');
      refreshed = true;
    }
    pending.push(
      server.deliver(APP, 'events_api', event()).then((r) => {
        if (r.acked && r.attempts === 1) delivered++;
        else unacked++;
      }),
    );
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(pending);
  return { offlineMs: server.offlineMs(APP) - offlineBefore, delivered, unacked };
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

const http = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const url = new URL(req.url ?? '/', 'http://bench/');
    if (url.pathname === '/api/apps.connections.open') {
      const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}/`;
      reply(res, 200, { ok: true, url: server.mint(APP, base) });
    } else if (url.pathname === '/bench/connections') {
      reply(res, 200, { connections: server.connections(APP) });
    } else if (url.pathname === '/bench/throughput') {
      const events = Number(url.searchParams.get('events') ?? 20_000);
      const inflight = Number(url.searchParams.get('inflight') ?? 100);
      throughput(events, inflight).then((r) => reply(res, 200, r));
    } else if (url.pathname === '/bench/refresh') {
      refresh(Number(url.searchParams.get('ms') ?? 3_000)).then((r) => reply(res, 200, r));
    } else {
      reply(res, 404, { ok: false, error: 'not_found' });
    }
  });
});
http.on('upgrade', (req, socket, head) => {
  if (!server.upgrade(req, socket, head)) socket.destroy();
});
http.listen(0, '127.0.0.1', () => console.log((http.address() as AddressInfo).port));
process.on('SIGTERM', () => process.exit(0));
