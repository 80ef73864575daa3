// Two processes share one Redis limiter budget against the emulator (limits enforced, clock 20x):
// together they get no 429 while using at least 90% of the budget.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import { createClient } from 'redis';
import { startEmulator } from '../../src/emulator/index.js';
import { type LimiterStore, memoryLimiterStore } from '../../src/http/limiter-store.js';
import { type BucketLimit, budgetOf } from '../../src/http/tiers.js';
import { redisLimiterStore } from '../../src/stores/redis/index.js';
import { WebClient } from '../../src/web/index.js';
import { SPECIAL_LIMITS, TIER_LIMITS } from '../../src/web/tiers.js';
import { needService } from '../helpers/services.js';
import type { WorkerInput } from './redis-limiter-worker.js';

// Slack time runs 2x; the workload is each bucket's burst and half a minute's refill (15 s real).
// Faster clocks magnify a busy machine's scheduling stalls into seconds of Slack time, beyond what
// the emulator forgives: the burst opening the run is a whole minute's budget of every bucket.
const SCALE = 2;
const WINDOW_MS = 30_000;

function runWorker(input: WorkerInput): Promise<{
  ok: number;
  limited: number;
  limitedBuckets: string[];
  failures: string[];
  started: number;
  ended: number;
}> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [
      join(import.meta.dirname, 'redis-limiter-worker.js'),
      JSON.stringify(input),
    ]);
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve(JSON.parse(out));
      else reject(new Error(`worker exited ${code}: ${err}`));
    });
  });
}

test('redis limiter store: take and close are atomic budgets shared by key', async (t) => {
  const REDIS_URL = await needService(t, 'redis');
  if (REDIS_URL === undefined) return;
  const redis = createClient({ url: REDIS_URL });
  await redis.connect();
  try {
    const store = redisLimiterStore(redis, { prefix: `slackline-test:${randomBytes(6).toString('hex')}:` });
    const limit = { perMinute: 60, burst: 2 };
    const now = Date.now();
    assert.equal(await store.take('a', limit, now), 0);
    assert.equal(await store.take('a', limit, now), 0);
    assert.equal(await store.take('a', limit, now), 1000, 'empty: the next token in 1 s');
    assert.equal(await store.take('b', limit, now), 0, 'another key has its own budget');
    await store.close('b', limit, now + 5000, now);
    await store.close('b', limit, now + 2000, now);
    assert.equal(await store.take('b', limit, now + 1000), 4000, 'the longer closure holds');
    assert.equal(await store.take('b', limit, now + 5000), 0);
    // Without a burst, a minute's budget goes at once: 50 in one instant, then one each 1.2 s.
    const tier = { perMinute: 50 };
    for (let i = 0; i < 50; i++) assert.equal(await store.take('t', tier, now), 0, `call ${i}`);
    assert.equal(await store.take('t', tier, now + 200), 1000);
    await inFlightHoldsTheRefill(store, now);
    await redis.scriptFlush();
    assert.equal(await store.take('c', limit, now), 0, 'reloads its script after SCRIPT FLUSH');
  } finally {
    await redis.quit();
  }
});

/**
 * While granted calls are unanswered, the bucket refills only to its burst less those calls (Slack
 * may count them later); their answers let it refill from then on. Shared with the memory store.
 */
async function inFlightHoldsTheRefill(store: LimiterStore, now: number): Promise<void> {
  const post = { perMinute: 60, burst: 3 };
  for (let i = 0; i < 3; i++) assert.equal(await store.take('p', post, now, i), 0);
  // 5 s later, all three still in flight: nothing refilled, the next token is a second away.
  assert.equal(await store.take('p', post, now + 5000, 3), 1000, 'refilled while the burst was in flight');
  // Their answers come at +5 s: the refill counts from then.
  for (let inFlight = 3; inFlight >= 1; inFlight--) await store.settle?.('p', post, now + 5000, inFlight);
  assert.equal(await store.take('p', post, now + 5500, 0), 500);
  assert.equal(await store.take('p', post, now + 6000, 0), 0);
  // Without calls in flight the bucket refills to its burst as before.
  assert.equal(await store.take('p', post, now + 60_000, 0), 0);
  assert.equal(await store.take('p', post, now + 60_000, 1), 0);
  assert.equal(await store.take('p', post, now + 60_000, 2), 0);
  assert.equal(await store.take('p', post, now + 60_000, 3), 1000);
}

test('memory limiter store: calls in flight hold the refill back', async () => {
  await inFlightHoldsTheRefill(memoryLimiterStore(), 1_700_000_000_000);
});

test('redis limiter store: when Redis is gone, calls go through instead of hanging', async (t) => {
  const REDIS_URL = await needService(t, 'redis');
  if (REDIS_URL === undefined) return;
  const emu = await startEmulator();
  const redis = createClient({ url: REDIS_URL });
  await redis.connect();
  const client = new WebClient(emu.tokens.bot, {
    slackApiUrl: emu.apiUrl,
    rateLimits: { store: redisLimiterStore(redis, { prefix: `slackline-test:${randomBytes(6).toString('hex')}:` }) },
  });
  try {
    assert.equal((await client.auth.test()).ok, true);
    redis.destroy();
    assert.equal((await client.auth.test()).ok, true);
  } finally {
    client.core.close();
    await emu.close();
  }
});

test('two processes sharing the Redis limiter: 0 429s and >= 90% of the budget', async (t) => {
  const REDIS_URL = await needService(t, 'redis');
  if (REDIS_URL === undefined) return;
  const emu = await startEmulator({ clock: { scale: SCALE }, rateLimits: true });
  // Two processes, each starting with a burst of ~100 calls on a shared 2-core machine, answer with
  // event-loop delays of a few hundred ms: the emulator forgives that much jitter (real ms).
  emu.rateLimits.graceMs = 500;
  try {
    const channels = [...emu.state.channels.values()].filter((c) => c.teamId === emu.workspace.teamId);
    const [a, b] = channels;
    assert.ok(a && b);
    // Each bucket's burst and WINDOW_MS of refill (the minimum is then WINDOW_MS).
    const buckets = [
      { method: 'conversations.list', args: {}, limit: TIER_LIMITS.Tier2 },
      { method: 'conversations.info', args: { channel: a.id }, limit: TIER_LIMITS.Tier3 },
      { method: 'chat.postMessage', args: { channel: a.id, text: 'a' }, limit: SPECIAL_LIMITS['chat.postMessage'] },
      { method: 'chat.postMessage', args: { channel: b.id, text: 'b' }, limit: SPECIAL_LIMITS['chat.postMessage'] },
    ];
    const calls: WorkerInput['calls'][] = [[], []];
    let total = 0;
    for (const { method, args, limit } of buckets) {
      const n = budgetOf(limit as BucketLimit).burst + ((limit?.perMinute ?? 0) * WINDOW_MS) / 60_000;
      for (let i = 0; i < n; i++) calls[i % 2]?.push({ method, args });
      total += n;
    }
    const base = {
      apiUrl: emu.apiUrl,
      token: emu.tokens.bot,
      redisUrl: REDIS_URL,
      prefix: `slackline-test:${randomBytes(6).toString('hex')}:`,
      scale: SCALE,
    };
    const stamp = () => ({ emuNow: emu.clock.now(), realAt: Date.now() });
    const results = await Promise.all(calls.map((c) => runWorker({ ...base, ...stamp(), calls: c })));
    // From the first worker's first call (process start-up is not the limiter's time) to the last answer.
    const elapsed = Math.max(...results.map((r) => r.ended)) - Math.min(...results.map((r) => r.started));
    const budget = buckets.reduce((sum, { limit }) => {
      const { burst, perMinute } = budgetOf(limit as BucketLimit);
      return sum + burst + (perMinute * elapsed) / 60_000;
    }, 0);
    t.diagnostic(
      `calls ${total}, elapsed ${(elapsed / 1000).toFixed(1)} Slack-s, budget used ${((100 * total) / budget).toFixed(1)}%`,
    );
    assert.deepEqual(
      results.map((r) => r.failures),
      [[], []],
    );
    assert.equal(
      results.reduce((s, r) => s + r.ok, 0),
      total,
    );
    assert.deepEqual(
      results.flatMap((r) => r.limitedBuckets),
      [],
      'client saw 429s',
    );
    assert.equal(emu.rateLimits.limited, 0, 'emulator answered 429s');
    assert.ok(total / budget >= 0.9, `used ${total} of a budget of ${budget.toFixed(0)}`);
  } finally {
    await emu.close();
  }
});
