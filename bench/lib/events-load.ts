// The load generator of bench/events.ts, in its own process (never on the server's event loop):
// closed loop, `concurrency` keep-alive connections, each sending its next signed event as soon as
// the previous one is acknowledged. Every request has its own event_id, random like Slack's (so a
// de-dup store writes a row per request, at a random place in its index), signed as Slack signs it.
// Requests are serialized before the clock starts and written to plain sockets, and answers are
// framed by a minimal HTTP/1.1 reader: node:http's client costs about what a server does per request,
// and a load generator slower than the servers would hide the difference between them.
//   node events-load.js <url> <secret> <concurrency> <requests> <warmup>
// Prints one JSON line: requests, wall ms, ack latency p50/p99 (ms), non-200 answers, and the load
// generator's own CPU ms over the measured requests (near `ms`, it is saturated: then it, not the
// server, bounds the figure).
import net from 'node:net';
import { signSlackRequest } from '../../src/events/verify.js';
import { eventId } from './event-id.js';

const [url, secret, concurrencyText, requestsText, warmupText] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const concurrency = Number(concurrencyText);
const requests = Number(requestsText);
const warmup = Number(warmupText);
const target = new URL(url);

function signed(count: number): Buffer[] {
  const ts = Math.floor((performance.timeOrigin + performance.now()) / 1000);
  return Array.from({ length: count }, (_, i) => {
    const body = Buffer.from(
      JSON.stringify({
        token: 'bench-canary',
        team_id: 'T0BENCH01',
        api_app_id: 'A0BENCH001',
        type: 'event_callback',
        event_id: eventId(),
        event_time: ts,
        authorizations: [{ enterprise_id: null, team_id: 'T0BENCH01', user_id: 'U0BENCHBOT', is_bot: true }],
        event: {
          type: 'message',
          channel: 'C0BENCH01',
          user: 'U0BENCHUSR',
          text: `message ${i}`,
          ts: `${ts}.${String(i).padStart(6, '0')}`,
          event_ts: `${ts}.${String(i).padStart(6, '0')}`,
          channel_type: 'channel',
        },
      }),
    );
    const head =
      `POST ${target.pathname} HTTP/1.1\r\nHost: ${target.host}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${body.byteLength}\r\nX-Slack-Request-Timestamp: ${ts}\r\n` +
      `X-Slack-Signature: ${signSlackRequest(secret, ts, body)}\r\n\r\n`;
    return Buffer.concat([Buffer.from(head, 'latin1'), body]);
  });
}

const HEAD_END = Buffer.from('\r\n\r\n');

/**
 * One keep-alive connection, one request at a time: resolves with the status of the answer once its
 * whole body is in (Content-Length or chunked; no trailers).
 */
async function connection(): Promise<(request: Buffer) => Promise<number>> {
  const socket = net.connect(Number(target.port), target.hostname);
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let buffered: Buffer = Buffer.alloc(0);
  let done: ((status: number) => void) | undefined;
  let failed: ((err: Error) => void) | undefined;
  /** The status if `buffered` holds one whole answer (which it then drops), else undefined. */
  const complete = (): number | undefined => {
    const headEnd = buffered.indexOf(HEAD_END);
    if (headEnd < 0) return undefined;
    const head = buffered.subarray(0, headEnd).toString('latin1');
    const status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length: *([0-9]+)/i.exec(head);
    let end: number;
    if (length !== null) {
      end = headEnd + 4 + Number(length[1]);
      if (buffered.byteLength < end) return undefined;
    } else if (/\r\ntransfer-encoding: *chunked/i.test(head)) {
      let at = headEnd + 4;
      for (;;) {
        const line = buffered.indexOf('\r\n', at);
        if (line < 0) return undefined;
        const size = Number.parseInt(buffered.subarray(at, line).toString('latin1'), 16);
        at = line + 2 + size + 2;
        if (buffered.byteLength < at) return undefined;
        if (size === 0) break;
      }
      end = at;
    } else {
      end = headEnd + 4; // no body
    }
    buffered = buffered.subarray(end);
    return status;
  };
  socket.on('data', (chunk: Buffer) => {
    buffered = buffered.byteLength === 0 ? chunk : Buffer.concat([buffered, chunk]);
    const status = complete();
    if (status !== undefined) done?.(status);
  });
  socket.on('error', (err) => failed?.(err));
  socket.on('close', () => failed?.(new Error('the server closed the connection')));
  return (request) =>
    new Promise<number>((resolve, reject) => {
      done = resolve;
      failed = reject;
      socket.write(request);
    });
}

async function drive(batch: Buffer[], latencies: number[] | undefined): Promise<number> {
  let next = 0;
  let failed = 0;
  const lane = async (send: (request: Buffer) => Promise<number>) => {
    while (next < batch.length) {
      const one = batch[next++] as Buffer;
      const t0 = performance.now();
      const status = await send(one);
      latencies?.push(performance.now() - t0);
      if (status !== 200) failed++;
    }
  };
  await Promise.all(lanes.map(lane));
  return failed;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const lanes = await Promise.all(Array.from({ length: concurrency }, connection));
await drive(signed(warmup), undefined);
const batch = signed(requests);
const latencies: number[] = [];
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const failed = await drive(batch, latencies);
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const loadCpuMs = (cpu.user + cpu.system) / 1000;
latencies.sort((a, b) => a - b);
process.stdout.write(
  `${JSON.stringify({ requests, ms, p50: percentile(latencies, 50), p99: percentile(latencies, 99), failed, loadCpuMs })}\n`,
);
process.exit(0);
