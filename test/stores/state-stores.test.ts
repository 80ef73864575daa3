// One suite for the OAuth state stores: single use under concurrency, expiry, unknown states.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { createClient } from 'redis';
import { SlacklineError } from '../../src/http/errors.js';
import { OAuthErrorCode, StateStoreFullError } from '../../src/oauth/errors.js';
import { generateState, MemoryStateStore } from '../../src/oauth/state.js';
import type { StateStore } from '../../src/oauth/types.js';
import { PostgresDatabase, PostgresStateStore } from '../../src/stores/postgres/index.js';
import { RedisStateStore } from '../../src/stores/redis/index.js';
import { openSqlite, SqliteStateStore } from '../../src/stores/sqlite/index.js';
import { needService, serviceUrl } from '../helpers/services.js';

const NOW = 1_800_000_000_000;

function stateConformance(name: string, open: () => Promise<{ store: StateStore; done: () => Promise<void> }>) {
  test(`${name}: a state is consumed once, even by 50 concurrent callers`, async () => {
    const { store, done } = await open();
    try {
      const state = generateState();
      await store.put(state, { expiresAt: NOW + 600_000, data: { v: 'verifier' } });
      const results = await Promise.all(Array.from({ length: 50 }, () => store.consume(state, NOW)));
      const winners = results.filter((r) => r !== undefined);
      assert.equal(winners.length, 1);
      assert.deepEqual(winners[0]?.data, { v: 'verifier' });
      assert.equal(await store.consume(state, NOW), undefined);
    } finally {
      await done();
    }
  });

  test(`${name}: expired and unknown states are refused, and an expired one is gone`, async () => {
    const { store, done } = await open();
    try {
      const state = generateState();
      await store.put(state, { expiresAt: NOW, data: {} });
      assert.equal(await store.consume(state, NOW), undefined);
      assert.equal(await store.consume(state, NOW - 1000), undefined);
      assert.equal(await store.consume(generateState(), NOW), undefined);
    } finally {
      await done();
    }
  });
}

describe('state stores', () => {
  stateConformance('memory', async () => ({ store: new MemoryStateStore(), done: async () => {} }));
  stateConformance('sqlite', async () => {
    const db = openSqlite(':memory:');
    return { store: new SqliteStateStore(db), done: async () => void db.close() };
  });
  const redisUrl = serviceUrl('redis');
  if (redisUrl === undefined) {
    test('redis state store', async (t) => void (await needService(t, 'redis')));
  } else {
    stateConformance('redis', async () => {
      const client = createClient({ url: redisUrl });
      await client.connect();
      const prefix = `slackline-test:state:${randomBytes(6).toString('hex')}:`;
      return { store: new RedisStateStore(client, { prefix }), done: () => client.close() };
    });
    test('redis: a state key holding something else is refused like an unknown state, and removed', async () => {
      const client = createClient({ url: redisUrl });
      await client.connect();
      try {
        const prefix = `slackline-test:state:${randomBytes(6).toString('hex')}:`;
        const state = generateState();
        await client.set(prefix + state, 'not json', { PX: 60_000 });
        assert.equal(await new RedisStateStore(client, { prefix }).consume(state, NOW), undefined);
        assert.equal(await client.exists(prefix + state), 0);
      } finally {
        await client.close();
      }
    });
  }
  const url = serviceUrl('postgres');
  if (url === undefined) {
    test('postgres state store', async (t) => void (await needService(t, 'postgres')));
    return;
  }
  stateConformance('postgres', async () => {
    const schema = `slackline_state_${process.pid}_${randomBytes(3).toString('hex')}`;
    const db = new PostgresDatabase({ connectionString: url, schema });
    return {
      store: new PostgresStateStore(db),
      done: async () => {
        await db.query(`DROP SCHEMA ${schema} CASCADE`, []);
        await db.close();
      },
    };
  });
});

test('the memory state store is bounded without evicting live states: a flood is refused, a pending user still installs', async () => {
  let now = NOW;
  const store = new MemoryStateStore({ maxEntries: 100, clock: { now: () => now, scale: 1 } });
  const user = generateState();
  await store.put(user, { expiresAt: now + 600_000, data: {} });
  let refused = 0;
  for (let i = 0; i < 1000; i++) {
    try {
      await store.put(generateState(), { expiresAt: now + 600_000, data: {} });
    } catch (err) {
      assert.ok(err instanceof StateStoreFullError, String(err));
      assert.ok(err instanceof SlacklineError);
      assert.equal(err.code, OAuthErrorCode.StateStoreFull);
      refused++;
    }
  }
  assert.equal(refused, 901); // 99 more fitted beside the user's, every later one was refused
  assert.deepEqual(await store.consume(user, now), { expiresAt: NOW + 600_000, data: {} });
  // Once the flood's states expire they make room again: new installs are taken.
  now += 600_001;
  const later = generateState();
  await store.put(later, { expiresAt: now + 600_000, data: {} });
  assert.ok((await store.consume(later, now)) !== undefined);
});

test("the issue's flood at the default bound: 100,000 more install-page hits leave a pending user's state alone", async () => {
  const store = new MemoryStateStore({ clock: { now: () => NOW, scale: 1 } });
  const user = generateState();
  await store.put(user, { expiresAt: NOW + 600_000, data: { v: 'user' } });
  let refused = 0;
  for (let i = 0; i < 100_000; i++) {
    await store.put(generateState(), { expiresAt: NOW + 600_000, data: {} }).catch(() => refused++);
  }
  assert.equal(refused, 1); // the store holds 100,000: the user's and 99,999 of the flood
  assert.deepEqual((await store.consume(user, NOW))?.data, { v: 'user' });
});
