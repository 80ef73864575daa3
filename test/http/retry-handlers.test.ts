// Each default retry handler against the emulator over real HTTP.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { RetryEvent } from '../../src/http/core.js';
import { HTTPError, PlatformError, RateLimitedError, RequestError } from '../../src/http/errors.js';
import { control } from '../emulator/helpers.js';
import { type Rig, rig, trackUnhandled } from './rate-helpers.js';

const unhandled = trackUnhandled();

describe('retry handlers against the emulator', () => {
  let r: Rig;
  before(async () => {
    // Slack time runs 20x faster: a Retry-After of 2 s costs 100 ms of the test's time.
    r = await rig(20);
  });
  beforeEach(async () => {
    await control(r.emu, 'POST', 'reset');
  });
  after(async () => {
    await r.close();
    assert.equal(unhandled.count, 0, 'unhandled rejections');
  });

  it('429: waits Retry-After (delta-seconds) and retries; counts and reports it', async () => {
    await control(r.emu, 'POST', 'faults', { method: 'auth.test', kind: 'ratelimit', retryAfter: 2, times: 1 });
    const client = r.client({ rateLimits: false });
    const events: string[] = [];
    client.on('rateLimited', (e) => events.push(`rateLimited ${e.method} ${e.retryAfter}`));
    client.on('retry', (e) => events.push(`retry ${e.attempt} ${e.code}`));
    const t0 = r.clock.now();
    const res = await client.auth.test();
    assert.equal(res.ok, true);
    assert.ok(r.clock.now() - t0 >= 2000, 'waited the Retry-After');
    assert.deepEqual(events, ['rateLimited auth.test 2', 'retry 1 slack_rate_limited']);
    assert.deepEqual(client.core.events.stats, { retries: 1, rateLimited: 1 });
  });

  it('429: reads Retry-After as an HTTP-date too', async () => {
    // Enforced limits answering in HTTP-date form; one call a minute, burst 1.
    await control(r.emu, 'POST', 'rate-limits', {
      enabled: true,
      format: 'date',
      limits: { 'auth.test': { perMinute: 30, burst: 1 } },
    });
    try {
      const client = r.client({ rateLimits: false });
      const seen: number[] = [];
      client.on('rateLimited', (e) => seen.push(e.retryAfter));
      const t0 = r.clock.now();
      await client.auth.test();
      const res = await client.auth.test();
      assert.equal(res.ok, true);
      assert.equal(seen.length, 1);
      // 2 s until the next call is allowed; the date is rounded to whole seconds.
      assert.ok((seen[0] ?? 0) >= 1 && (seen[0] ?? 0) <= 3, `retryAfter ${seen[0]}`);
      assert.ok(r.clock.now() - t0 >= 1000);
    } finally {
      await control(r.emu, 'POST', 'rate-limits', { enabled: false });
    }
  });

  it('429: gives up with RateLimitedError when the wait would pass the deadline', async () => {
    await control(r.emu, 'POST', 'faults', { method: 'auth.test', kind: 'ratelimit', retryAfter: 30, times: 1 });
    const client = r.client({ rateLimits: false });
    await assert.rejects(client.apiCall('auth.test', {}, { deadlineMs: 5000 }), RateLimitedError);
  });

  it('ok:false "ratelimited" in a 200 body is retried', async () => {
    const body = JSON.stringify({ ok: false, error: 'ratelimited' });
    await control(r.emu, 'POST', 'faults', {
      method: 'auth.test',
      kind: 'status',
      status: 200,
      body,
      contentType: 'application/json',
      times: 1,
    });
    const client = r.client({ rateLimits: false });
    assert.equal((await client.auth.test()).ok, true);
    assert.equal(client.core.events.stats.retries, 1);
  });

  it('other ok:false errors are never retried', async () => {
    const client = r.client({ rateLimits: false });
    await assert.rejects(client.chat.postMessage({ channel: 'C0NOPE', text: 'x' }), PlatformError);
    await assert.rejects(client.conversations.info({ channel: 'C0NOPE' }), PlatformError);
    assert.equal(client.core.events.stats.retries, 0);
  });

  it('5xx on a read: backs off and retries', async () => {
    await control(r.emu, 'POST', 'faults', { method: 'conversations.list', kind: 'status', status: 503, times: 2 });
    const client = r.client({ rateLimits: false });
    const retries: RetryEvent[] = [];
    client.on('retry', (e) => retries.push(e));
    assert.equal((await client.conversations.list()).ok, true);
    assert.deepEqual(
      retries.map((e) => [e.attempt, e.code]),
      [
        [1, 'slack_http_error'],
        [2, 'slack_http_error'],
      ],
    );
    // Exponential with equal jitter: the second wait is at least the first's floor doubled.
    assert.ok((retries[1]?.delayMs ?? 0) >= 250);
  });

  it('5xx on a write: not retried unless the caller opts in (per call or per client)', async () => {
    const general = r.channel('general');
    await control(r.emu, 'POST', 'faults', { method: 'chat.postMessage', kind: 'status', status: 500, times: 1 });
    const client = r.client({ rateLimits: false });
    await assert.rejects(client.chat.postMessage({ channel: general, text: 'once' }), HTTPError);
    assert.equal(client.core.events.stats.retries, 0);

    await control(r.emu, 'POST', 'faults', { method: 'chat.postMessage', kind: 'status', status: 500, times: 1 });
    const res = await client.apiCall('chat.postMessage', { channel: general, text: 'per call' }, { retryWrites: true });
    assert.equal(res.ok, true);

    await control(r.emu, 'POST', 'faults', { method: 'chat.postMessage', kind: 'status', status: 502, times: 1 });
    const optedIn = r.client({ rateLimits: false, retryWrites: true });
    assert.equal((await optedIn.chat.postMessage({ channel: general, text: 'per client' })).ok, true);
    assert.equal(optedIn.core.events.stats.retries, 1);
  });

  it('a write reset after Slack applied it is not retried (it may have been received)', async () => {
    const general = r.channel('general');
    await control(r.emu, 'POST', 'faults', { method: 'chat.postMessage', kind: 'reset_after_apply', times: 1 });
    const client = r.client({ rateLimits: false });
    const error = await client.chat.postMessage({ channel: general, text: 'applied' }).catch((e: unknown) => e);
    assert.ok(error instanceof RequestError);
    assert.equal(error.mayHaveBeenReceived, true);
    assert.equal(r.emu.messages(general).filter((m) => m.text === 'applied').length, 1);
    assert.equal(client.core.events.stats.retries, 0);
  });

  it('a write that never left (connection refused) is retried, and logged redacted', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const lines: string[] = [];
    const logger = {
      debug() {},
      info() {},
      warn: (fields: Record<string, unknown>, msg?: string) => lines.push(JSON.stringify({ ...fields, msg })),
      error() {},
    };
    const client = r.client({ rateLimits: false, slackApiUrl: `http://127.0.0.1:${port}/api/`, logger });
    const error = await client.chat.postMessage({ channel: 'C1', text: 'x' }).catch((e: unknown) => e);
    assert.ok(error instanceof RequestError);
    assert.equal(error.mayHaveBeenReceived, false);
    assert.equal(client.core.events.stats.retries, 9, 'retried up to the attempt limit');
    assert.equal(lines.length, 9);
    assert.match(lines[0] ?? '', /never sent/);
    assert.ok(!lines.join('\n').includes(r.emu.tokens.bot));
  });
});
