// One benchmark run in its own process: `node post-worker.js <client> <url> <concurrency> <calls>`.
// Prints one JSON line: calls, wall ms, CPU ms and peak RSS of this process.
import http from 'node:http';
import { Agent, request } from 'undici';

type Post = () => Promise<unknown>;
const [kind, url, concurrencyText, callsText] = process.argv.slice(2) as [string, string, string, string];
const concurrency = Number(concurrencyText);
const calls = Number(callsText);
// An obvious canary; the fake server never checks it.
const token = 'xoxb-bench-canary';
const args = { channel: 'C0123456789', text: 'hello from the benchmark' };

function bareLoop(): Post {
  // The practical limit: node:http with a keep-alive agent, JSON in, JSON.parse out, nothing else.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const target = new URL('chat.postMessage', url);
  const body = JSON.stringify(args);
  return () =>
    new Promise((resolve, reject) => {
      const req = http.request(
        target,
        {
          method: 'POST',
          agent,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json; charset=utf-8' },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
}

function bareUndici(): Post {
  // The same loop on undici's request(): its own keep-alive pool, no fetch layer.
  const dispatcher = new Agent({ connections: 64 });
  const target = new URL('chat.postMessage', url);
  const body = JSON.stringify(args);
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json; charset=utf-8' };
  return async () => {
    const res = await request(target, { method: 'POST', headers, body, dispatcher });
    return JSON.parse(await res.body.text());
  };
}

// Each client loads only its own code: the other's modules in this heap would be traced by every
// full collection, and change when V8 runs them (seen in bench/lib/events-server.ts).
async function makePost(): Promise<Post> {
  if (kind === 'bare node:http') return bareLoop();
  if (kind === 'bare undici') return bareUndici();
  if (kind === '@slack/web-api') {
    const { WebClient: PeerClient } = await import('@slack/web-api');
    const client = new PeerClient(token, { slackApiUrl: url });
    return () => client.chat.postMessage(args);
  }
  const { WebClient } = await import('../../src/web/client.js');
  if (kind === 'slackline') {
    // The default configuration: the limiter on, with a budget too large to ever hold a call back
    // (Slack would hold one channel to a post a second; the fake server has no limit).
    const limits = { 'chat.postMessage': { perMinute: 1e12, burst: 1e12 } };
    const client = new WebClient(token, { slackApiUrl: url, rateLimits: { limits } });
    return () => client.chat.postMessage(args);
  }
  if (kind === 'slackline (node:http transport)') {
    // The default configuration on node:http, the default where undici cannot be loaded.
    const limits = { 'chat.postMessage': { perMinute: 1e12, burst: 1e12 } };
    const { nodeTransport } = await import('../../src/http/transport.js');
    const transport = nodeTransport();
    const client = new WebClient(token, { slackApiUrl: url, rateLimits: { limits }, transport });
    return () => client.chat.postMessage(args);
  }
  if (kind === 'slackline (no limiter)') {
    const client = new WebClient(token, { slackApiUrl: url, rateLimits: false });
    return () => client.chat.postMessage(args);
  }
  throw new Error(`unknown client ${kind}`);
}

const post = await makePost();
// Warm up connections and JIT before measuring.
for (let i = 0; i < 200; i++) await post();
let peakRss = process.memoryUsage.rss();
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
}, 50);
const cpu0 = process.cpuUsage();
const t0 = performance.now();
let next = 0;
async function lane(): Promise<void> {
  while (next < calls) {
    next++;
    await post();
  }
}
await Promise.all(Array.from({ length: concurrency }, lane));
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage.rss());
process.stdout.write(
  `${JSON.stringify({ calls, ms, cpuMs: (cpu.user + cpu.system) / 1000, rssMiB: peakRss / 2 ** 20 })}\n`,
);
process.exit(0);
