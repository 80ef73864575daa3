import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startEmulator } from '../../src/emulator/index.js';
import { memoryLimiterStore } from '../../src/http/limiter-store.js';
import { SCIM_ENDPOINT_LIMITS, SCIM_SET_LIMITS, SCIMClient, scimBuckets } from '../../src/scim/index.js';
import { startServer, type TestServer } from '../helpers/server.js';

describe("Slack's SCIM rate limits", () => {
  it('each call draws from its set and, where Slack lists one, its endpoint', () => {
    assert.deepEqual(SCIM_SET_LIMITS.writes, { perMinute: 600, burst: 180 });
    assert.deepEqual(SCIM_SET_LIMITS.reads, { perMinute: 1000, burst: 1000 });
    const cases: [Parameters<typeof scimBuckets>, string, string | undefined][] = [
      [['id', 'GET', 'Users', false], 'reads', undefined],
      [['id', 'GET', 'Users', true], 'reads', 'GET Users/<id>'],
      [['id', 'POST', 'Users', false], 'writes', 'POST Users'],
      [['id', 'PUT', 'Users', true], 'writes', 'UPDATE Users/<id>'],
      [['id', 'PATCH', 'Users', true], 'writes', 'UPDATE Users/<id>'],
      [['id', 'DELETE', 'Users', true], 'writes', 'DELETE Users/<id>'],
      [['id', 'GET', 'Groups', false], 'reads', undefined],
      [['id', 'GET', 'Groups', true], 'reads', 'GET Groups/<id>'],
      [['id', 'POST', 'Groups', false], 'writes', 'POST Groups'],
      [['id', 'PATCH', 'Groups', true], 'writes', 'UPDATE Groups/<id>'],
      [['id', 'DELETE', 'Groups', true], 'writes', 'DELETE Groups/<id>'],
    ];
    for (const [args, set, endpoint] of cases) {
      const buckets = scimBuckets(...args);
      assert.equal(buckets.set.key, `id:scim:${set}`);
      assert.equal(buckets.endpoint?.key, endpoint === undefined ? undefined : `id:scim:${endpoint}`);
      if (endpoint !== undefined) assert.deepEqual(buckets.endpoint?.limit, SCIM_ENDPOINT_LIMITS[endpoint]);
    }
    assert.deepEqual(SCIM_ENDPOINT_LIMITS['UPDATE Groups/<id>'], { perMinute: 180, burst: 80 });
    assert.deepEqual(SCIM_ENDPOINT_LIMITS['POST Users'], { perMinute: 180, burst: 20 });
  });

  describe('in the client', () => {
    let server: TestServer;
    before(async () => {
      server = await startServer((_req, res) => {
        res.writeHead(201, { 'content-type': 'application/json' }).end('{"id":"U1","userName":"x","emails":[]}');
      });
    });
    after(() => server.close());

    it('sends 20 user creations at once and holds the 21st for the 180-a-minute pace', async () => {
      const scim = new SCIMClient('canary-token', { baseUrl: server.url });
      const input = { userName: 'x', emails: [{ value: 'x@example.com' }] };
      const calls = Array.from({ length: 21 }, () => scim.users.create(input));
      await Promise.all(calls.slice(0, 20));
      await new Promise((resolve) => setTimeout(resolve, 100));
      // 60 s / 180 = 333 ms until the next grant: the 21st is still waiting.
      assert.equal(server.requests.length, 20);
      await calls[20];
      assert.equal(server.requests.length, 21);
      assert.ok(!server.requests.some((r) => r.url.includes('canary')));
      scim.close();
    });

    it('clients of one org share its budget when they name it, whatever their tokens', async () => {
      server.requests.length = 0;
      const store = memoryLimiterStore();
      const a = new SCIMClient('canary-token-a', { baseUrl: server.url, org: 'E0ORG', rateLimits: { store } });
      const b = new SCIMClient('canary-token-b', { baseUrl: server.url, org: 'E0ORG', rateLimits: { store } });
      const input = { userName: 'x', emails: [{ value: 'x@example.com' }] };
      const calls = Array.from({ length: 21 }, (_, i) => (i % 2 === 0 ? a : b).users.create(input));
      await Promise.all(calls.slice(0, 20));
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(server.requests.length, 20);
      await calls[20];
      a.close();
      b.close();
      assert.throws(() => new SCIMClient('t', { org: 'E0 ORG' }), { code: 'slack_invalid_argument' });
    });

    it('rateLimits: false sends all at once', async () => {
      server.requests.length = 0;
      const scim = new SCIMClient('canary-token', { baseUrl: server.url, rateLimits: false });
      const input = { userName: 'x', emails: [{ value: 'x@example.com' }] };
      const calls = Array.from({ length: 21 }, () => scim.users.create(input));
      await Promise.all(calls);
      assert.equal(server.requests.length, 21);
      scim.close();
    });
  });
});

describe('SCIMClient against the emulator with limits on', () => {
  it('keeps to the budgets: 25 user creations, no 429', async () => {
    const emu = await startEmulator({ rateLimits: true });
    const scim = new SCIMClient(emu.tokens.admin, { baseUrl: emu.scimUrl });
    try {
      const made = await Promise.all(
        Array.from({ length: 25 }, (_, i) =>
          scim.users.create({ userName: `paced${i}`, emails: [{ value: `paced${i}@example.com` }] }),
        ),
      );
      assert.equal(new Set(made.map((u) => u.id)).size, 25);
      assert.equal(emu.rateLimits.limited, 0);
    } finally {
      scim.close();
      await emu.close();
    }
  });
});
