// Which bucket a call draws from, and that no bucket key, event or log carries a token.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { inspect } from 'node:util';
import { PlatformError } from '../../src/http/errors.js';
import { budgetOf } from '../../src/http/tiers.js';
import { WebClient } from '../../src/web/client.js';
import { bucketFor, budgetResolver, type LimitOverrides, SPECIAL_LIMITS, TIER_LIMITS } from '../../src/web/tiers.js';
import { control } from '../emulator/helpers.js';
import { type Rig, rig } from './rate-helpers.js';

describe('buckets', () => {
  it('tier budgets per identity and method; chat.postMessage per channel too', () => {
    const q = { identity: 'T1', channel: undefined };
    assert.deepEqual(bucketFor({ ...q, method: 'conversations.list', tier: 'Tier2' }), {
      key: 'T1:conversations.list',
      limit: TIER_LIMITS.Tier2,
    });
    const post = bucketFor({ identity: 'T1', method: 'chat.postMessage', tier: 'Special', channel: 'C1' });
    assert.equal(post?.key, 'T1:chat.postMessage:C1');
    assert.ok(post);
    // One a second per channel, three at once.
    assert.deepEqual(budgetOf(post.limit), { perMinute: 60, burst: 3 });
    assert.equal(bucketFor({ ...q, method: 'auth.test', tier: 'Special' })?.limit.perMinute, 600);
    // No published limit: not throttled (Slack's 429s still are handled).
    assert.equal(bucketFor({ ...q, method: 'oauth.v2.access', tier: 'Special' }), undefined);
    assert.equal(bucketFor({ ...q, method: 'x.y', tier: undefined }), undefined);
    assert.ok(SPECIAL_LIMITS['chat.postMessage']?.perChannel);
  });

  it("a tier's whole minute may go at once: its burst is its per-minute count", () => {
    const expected = { Tier1: 1, Tier2: 20, Tier3: 50, Tier4: 100 };
    for (const [tier, count] of Object.entries(expected)) {
      const limit = TIER_LIMITS[tier];
      assert.ok(limit, tier);
      assert.deepEqual(budgetOf(limit), { perMinute: count, burst: count }, tier);
    }
  });

  it('overrides by method win over overrides by tier; null turns the limit off', () => {
    const overrides = {
      Tier3: { perMinute: 500, burst: 50 },
      'users.list': null,
      'chat.postMessage': { perMinute: 1, burst: 1 },
    };
    const q = { identity: 'T1', channel: 'C1' };
    assert.equal(bucketFor({ ...q, method: 'conversations.info', tier: 'Tier3' }, overrides)?.limit.perMinute, 500);
    assert.equal(bucketFor({ ...q, method: 'users.list', tier: 'Tier2' }, overrides), undefined);
    const post = bucketFor({ ...q, method: 'chat.postMessage', tier: 'Special' }, overrides);
    assert.deepEqual(post, { key: 'T1:chat.postMessage:C1', limit: { perMinute: 1, burst: 1 } });
  });

  it('names that are Object.prototype members find no budget and no override', () => {
    const q = { identity: 'T1', channel: undefined };
    const resolve = budgetResolver({ 'auth.test': null });
    for (const method of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
      assert.equal(resolve({ ...q, method, tier: undefined }), undefined, method);
      assert.equal(resolve({ ...q, method: 'x.y', tier: method }), undefined, `tier ${method}`);
    }
  });

  it('an override that is not a budget is refused when the client is made', () => {
    for (const bad of [{ perMinute: 0 }, { perMinute: Number.NaN }, { perMinute: 10, burst: 0 }, 5]) {
      const limits = { 'auth.test': bad } as unknown as LimitOverrides;
      assert.throws(() => new WebClient('x', { rateLimits: { limits } }), TypeError, JSON.stringify(bad));
    }
  });

  it('http/ knows budgets, not Slack methods: it imports nothing of web/', () => {
    const dir = join(import.meta.dirname, '..', '..', '..', 'src', 'http');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const text = readFileSync(join(dir, file), 'utf8');
      assert.doesNotMatch(text, /from '\.\.\/web\//, file);
      assert.doesNotMatch(text, /'Tier[1-4]'|chat\.postMessage'/, file);
    }
  });
});

describe('Object.prototype names against the emulator', () => {
  let r: Rig;
  before(async () => {
    r = await rig(1);
  });
  after(() => r.close());

  it('`constructor`, `toString`... answer unknown_method at once instead of hanging', async () => {
    const client = r.client({ deadlineMs: 3000 });
    for (const method of ['constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      const error = await client.apiCall(method).catch((e: unknown) => e);
      assert.ok(error instanceof PlatformError, `${method}: ${String(error)}`);
      assert.equal(error.error, 'unknown_method', method);
    }
  });
});

describe('buckets never carry the token', () => {
  let r: Rig;
  before(async () => {
    r = await rig(20);
  });
  after(() => r.close());

  it('the rateLimited event names a fingerprint, stable across clients of one token', async () => {
    const seen: string[] = [];
    for (const client of [r.client(), r.client()]) {
      await control(r.emu, 'POST', 'faults', { method: 'auth.test', kind: 'ratelimit', retryAfter: 1, times: 1 });
      client.on('rateLimited', (e) => seen.push(String(e.bucket)));
      await client.auth.test();
    }
    assert.equal(seen.length, 2);
    assert.equal(seen[0], seen[1], 'one budget per token, in every client and process');
    assert.match(seen[0] ?? '', /^t_[A-Za-z0-9_-]{16}:auth\.test$/);
    assert.ok(!inspect(seen).includes(r.emu.tokens.bot));
  });

  it('a team id names the budget instead, for the client’s own token only', async () => {
    const seen: string[] = [];
    const client = r.client({ team: r.emu.workspace.teamId });
    client.on('rateLimited', (e) => seen.push(String(e.bucket)));
    const fault = { method: 'auth.test', kind: 'ratelimit', retryAfter: 1, times: 1 };
    await control(r.emu, 'POST', 'faults', fault);
    await client.auth.test();
    await control(r.emu, 'POST', 'faults', fault);
    await client.auth.test({ token: r.emu.tokens.user });
    assert.equal(seen[0], `${r.emu.workspace.teamId}:auth.test`);
    assert.match(seen[1] ?? '', /^t_/);
  });
});
