// The proactive limiter against the emulator over real HTTP: the longest-window rule, bucket
// isolation, FIFO order, a bounded queue, and deadline/abort while queued or backing off.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { QueueFullError, RequestError } from '../../src/http/errors.js';
import { retryRateLimited, retryServerErrors } from '../../src/http/retry-handlers.js';
import type { WebClient } from '../../src/web/index.js';
import { control } from '../emulator/helpers.js';
import { p95, type Rig, rig, timed, trackUnhandled } from './rate-helpers.js';

const unhandled = trackUnhandled();
// Cancellation must be prompt: the bound, plus nothing.
const CANCEL_MS = 50;

/** Closes `method`'s bucket with a 429 (Retry-After `seconds`); gives back the call now waiting to retry. */
async function closeBucket(
  r: Rig,
  client: WebClient,
  method: string,
  seconds: number,
  signal: AbortSignal,
): Promise<{ waiting: Promise<unknown> }> {
  await control(r.emu, 'POST', 'faults', { method, kind: 'ratelimit', retryAfter: seconds, times: 1 });
  const waiting = client.apiCall(method, { channel: r.channel('general') }, { signal }).catch((e: unknown) => e);
  while (client.core.events.stats.rateLimited === 0) await new Promise((res) => setTimeout(res, 5));
  return { waiting };
}

describe('budgets against the emulator enforcing Slack’s limits', () => {
  it('calls inside a minute’s budget go at once: 30 + 30 + 10 reads, no wait, no 429', async () => {
    const r = await rig(1, true);
    try {
      // The bug made these take 30 s; the deadline turns a wait that long into a failure.
      const client = r.client({ deadlineMs: 5000 });
      const channel = r.channel('general');
      const user = [...r.emu.state.users.values()].find((u) => u.teamId === r.emu.workspace.teamId)?.id;
      const calls = [
        ...Array.from({ length: 30 }, () => client.conversations.info({ channel })),
        ...Array.from({ length: 30 }, () => client.users.info({ user: String(user) })),
        ...Array.from({ length: 10 }, () => client.conversations.list()),
      ];
      const { ms, error } = await timed(Promise.all(calls));
      assert.equal(error, undefined);
      assert.equal(r.emu.rateLimits.limited, 0, 'the emulator answered 429s');
      assert.equal(client.core.events.stats.rateLimited, 0);
      assert.ok(ms < 3000, `took ${ms.toFixed(0)} ms`);
    } finally {
      await r.close();
    }
  });

  it('only the excess waits, one per refill; posting stays one a second per channel', async () => {
    const r = await rig(5, true);
    try {
      const client = r.client();
      const t0 = r.clock.now();
      const at = (p: Promise<unknown>) => p.then(() => r.clock.now() - t0);
      // Tier 2 is 20 a minute: 20 at once, then one each 3 s.
      const lists = Array.from({ length: 23 }, () => at(client.conversations.list()));
      // Posting: 3 at once, then one a second.
      const general = r.channel('general');
      const posts = Array.from({ length: 6 }, (_, i) =>
        at(client.chat.postMessage({ channel: general, text: `${i}` })),
      );
      const listTimes = await Promise.all(lists);
      const postTimes = await Promise.all(posts);
      assert.equal(r.emu.rateLimits.limited, 0, 'the emulator answered 429s');
      const check = (times: number[], burst: number, everyMs: number, what: string) => {
        for (const [i, t] of times.entries()) {
          const due = Math.max(0, i - burst + 1) * everyMs;
          assert.ok(
            t >= due - 100 && t < due + Math.max(5000, everyMs / 2),
            `${what} ${i} at ${t} Slack-ms, due ${due}`,
          );
        }
      };
      check(listTimes, 20, 3000, 'list');
      check(postTimes, 3, 1000, 'post');
    } finally {
      await r.close();
    }
  });
  it('a call counts from its grant until its answer: a burst Slack counts late draws no 429', async () => {
    // Slack counts a call when it reads it, some time between our grant and its answer. Here the
    // first three posts (the burst) are read 5 Slack-s late and the next ones less late each, as
    // when calls queue behind a busy server or connection pool: granted a second apart, they would
    // all be read at once, past the bucket's burst. Holding the refill while the burst is
    // unanswered spaces them out as Slack reads them.
    const r = await rig(10, true);
    try {
      const delays = [
        { ms: 500, times: 3 },
        { ms: 400, times: 1 },
        { ms: 300, times: 1 },
        { ms: 200, times: 1 },
        { ms: 100, times: 1 },
      ];
      for (const { ms, times } of delays) {
        await control(r.emu, 'POST', 'faults', { method: 'chat.postMessage', kind: 'delay', ms, times });
      }
      const client = r.client();
      const channel = r.channel('general');
      const posts = Array.from({ length: 7 }, (_, i) => client.chat.postMessage({ channel, text: `${i}` }));
      const { error } = await timed(Promise.all(posts));
      assert.equal(error, undefined);
      assert.equal(r.emu.rateLimits.limited, 0, 'the emulator answered 429s');
      assert.equal(client.core.events.stats.rateLimited, 0);
    } finally {
      await r.close();
    }
  });
});

describe('rate limiter against the emulator', () => {
  let r: Rig;
  before(async () => {
    r = await rig(1);
  });
  beforeEach(async () => {
    await control(r.emu, 'POST', 'reset');
  });
  after(async () => {
    await r.close();
    assert.equal(unhandled.count, 0, 'unhandled rejections');
  });

  it('a 429 closes its bucket for the LONGEST active Retry-After', async () => {
    const fast = await rig(20);
    try {
      await control(fast.emu, 'POST', 'faults', { method: 'auth.test', kind: 'ratelimit', retryAfter: 4, times: 1 });
      await control(fast.emu, 'POST', 'faults', { method: 'auth.test', kind: 'ratelimit', retryAfter: 1, times: 1 });
      const client = fast.client();
      const t0 = fast.clock.now();
      const done: number[] = [];
      await Promise.all([1, 2].map(() => client.auth.test().then(() => done.push(fast.clock.now() - t0))));
      assert.equal(client.core.events.stats.rateLimited, 2);
      // Both wait out the 4 s window, though the second 429 asked for 1 s only.
      for (const ms of done) assert.ok(ms >= 4000, `finished ${ms} ms after start`);
    } finally {
      await fast.close();
    }
  });

  it('isolation: a 429 on one method, team or channel leaves the others’ p95 latency unchanged', async (t) => {
    const otherToken = String(r.emu.seed({ workspaces: [{ name: 'other' }] }).workspaces[0]?.bot_token);
    // The probes' own budgets are widened, so that only another bucket's closure could slow them.
    const wide = { perMinute: 600_000, burst: 10_000 };
    const limits = { 'chat.postMessage': wide, 'conversations.info': wide, 'auth.test': wide };
    const client = r.client({ rateLimits: { limits } });
    const otherTeam = r.client({ rateLimits: { limits } }, otherToken);
    const general = r.channel('general');
    const random = r.channel('random');
    const probes: Record<string, () => Promise<unknown>> = {
      method: () => client.conversations.info({ channel: general }),
      team: () => otherTeam.auth.test(),
      channel: () => client.chat.postMessage({ channel: random, text: 'b' }),
    };
    const measure = async (probe: () => Promise<unknown>) => {
      const samples: number[] = [];
      for (let i = 0; i < 110; i++) samples.push((await timed(probe())).ms);
      return p95(samples.slice(10));
    };
    const baseline: Record<string, number> = {};
    for (const [name, probe] of Object.entries(probes)) baseline[name] = await measure(probe);

    const stop = new AbortController();
    // Close three buckets: a method (conversations.list), this team's auth.test, a channel (#general).
    await control(r.emu, 'POST', 'faults', {
      method: 'conversations.list',
      kind: 'ratelimit',
      retryAfter: 60,
      times: 1,
    });
    await control(r.emu, 'POST', 'faults', { method: 'auth.test', kind: 'ratelimit', retryAfter: 60, times: 1 });
    await control(r.emu, 'POST', 'faults', { method: 'chat.postMessage', kind: 'ratelimit', retryAfter: 60, times: 1 });
    const held = [
      client.apiCall('conversations.list', {}, { signal: stop.signal }),
      client.apiCall('auth.test', {}, { signal: stop.signal }),
      client.apiCall('chat.postMessage', { channel: general, text: 'a' }, { signal: stop.signal }),
    ].map((p) => p.catch((e: unknown) => e));
    while (client.core.events.stats.rateLimited < 3) await new Promise((res) => setTimeout(res, 5));
    // More calls queue behind each closed bucket.
    for (let i = 0; i < 5; i++) {
      held.push(client.apiCall('conversations.list', {}, { signal: stop.signal }).catch((e: unknown) => e));
      const post = client.apiCall('chat.postMessage', { channel: general, text: 'a' }, { signal: stop.signal });
      held.push(post.catch((e: unknown) => e));
    }
    try {
      for (const [name, probe] of Object.entries(probes)) {
        const during = await measure(probe);
        const before = baseline[name] ?? 0;
        const line = `${name}: p95 ${during.toFixed(2)} ms while closed vs ${before.toFixed(2)} ms before`;
        t.diagnostic(line);
        // Within 20%, plus 10 ms for scheduler noise on a shared 2-core machine (sub-ms loopback
        // latencies jitter by more than 20%); a leak between buckets would cost the 60 s window.
        assert.ok(during <= before * 1.2 + 10, line);
      }
    } finally {
      stop.abort();
    }
    for (const outcome of await Promise.all(held)) assert.ok(outcome instanceof RequestError);
  });

  it('serves a bucket first come, first served', async () => {
    const client = r.client({ rateLimits: { limits: { 'auth.test': { perMinute: 1200, burst: 1 } } } });
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3, 4].map((i) => client.auth.test().then(() => order.push(i))));
    assert.deepEqual(order, [0, 1, 2, 3, 4]);
  });

  it('a full queue refuses the next call with QueueFullError, sending nothing', async () => {
    const client = r.client({ rateLimits: { maxQueue: 2 } });
    const stop = new AbortController();
    const { waiting: first } = await closeBucket(r, client, 'conversations.list', 60, stop.signal);
    const second = client.apiCall('conversations.list', {}, { signal: stop.signal }).catch((e: unknown) => e);
    await assert.rejects(client.conversations.list(), QueueFullError);
    stop.abort();
    assert.ok((await first) instanceof RequestError);
    assert.ok((await second) instanceof RequestError);
  });

  it('deadline and abort while queued: the call leaves the queue within 50 ms', async () => {
    const client = r.client();
    const stop = new AbortController();
    const { waiting: first } = await closeBucket(r, client, 'conversations.list', 60, stop.signal);

    const byDeadline = await timed(client.apiCall('conversations.list', {}, { deadlineMs: 200 }));
    assert.ok(byDeadline.error instanceof RequestError && byDeadline.error.reason === 'deadline');
    assert.ok(byDeadline.ms < 200 + CANCEL_MS, `deadline: ${byDeadline.ms} ms`);

    const abort = new AbortController();
    const pending = timed(client.apiCall('conversations.list', {}, { signal: abort.signal }));
    setTimeout(() => abort.abort(), 100);
    const byAbort = await pending;
    assert.ok(byAbort.error instanceof RequestError && byAbort.error.reason === 'aborted');
    assert.ok(byAbort.ms < 100 + CANCEL_MS, `abort: ${byAbort.ms} ms`);

    // The call that drew the 429 is itself queued for its retry: it leaves on abort too.
    const t0 = performance.now();
    stop.abort();
    assert.ok((await first) instanceof RequestError);
    assert.ok(performance.now() - t0 < CANCEL_MS);
  });

  it('deadline and abort while backing off: cancelled within 50 ms', async () => {
    const slowBackoff = [retryRateLimited(), retryServerErrors({ baseMs: 20_000 })];
    const client = r.client({ rateLimits: false, retryHandlers: slowBackoff });
    await control(r.emu, 'POST', 'faults', { method: 'conversations.list', kind: 'status', status: 503 });
    const abort = new AbortController();
    const pending = timed(client.apiCall('conversations.list', {}, { signal: abort.signal }));
    setTimeout(() => abort.abort(), 150);
    const byAbort = await pending;
    assert.ok(byAbort.error instanceof RequestError && byAbort.error.reason === 'aborted');
    assert.ok(byAbort.ms < 150 + CANCEL_MS, `abort: ${byAbort.ms} ms`);

    // A backoff that would pass the deadline is not started: the failure comes back at once.
    const byDeadline = await timed(client.apiCall('conversations.list', {}, { deadlineMs: 300 }));
    assert.equal((byDeadline.error as { status?: number }).status, 503);
    assert.ok(byDeadline.ms < 300 + CANCEL_MS, `deadline: ${byDeadline.ms} ms`);
  });
});
