// One suite for the event de-duplication stores: one claim wins under concurrency, a released id can
// be claimed again, and a claim lapses after its TTL.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from 'redis';
import { type EventDedupeStore, MemoryDedupeStore, REPLAY_WINDOW_MS } from '../../src/events/dedupe.js';
import { PostgresDatabase, PostgresDedupeStore } from '../../src/stores/postgres/index.js';
import { RedisDedupeStore } from '../../src/stores/redis/index.js';
import { openSqlite, SqliteDedupeStore } from '../../src/stores/sqlite/index.js';
import { needService, serviceUrl } from '../helpers/services.js';

type Opened = { store: EventDedupeStore; done: () => Promise<void> };
const HOUR = 3_600_000;
const eventId = () => `Ev${randomBytes(6).toString('hex').toUpperCase()}`;

function dedupeConformance(name: string, open: () => Promise<Opened>) {
  test(`${name}: 50 concurrent claims of one event id → exactly one wins`, async () => {
    const { store, done } = await open();
    try {
      const id = eventId();
      const now = Date.now();
      const results = await Promise.all(Array.from({ length: 50 }, () => store.claim(id, HOUR, now)));
      assert.equal(results.filter(Boolean).length, 1);
      assert.equal(await store.claim(id, HOUR, now + 60_000), false, 'a retry minutes later is still a duplicate');
      assert.equal(await store.claim(eventId(), HOUR, now), true, 'another id is its own');
    } finally {
      await done();
    }
  });

  test(`${name}: a released id is claimed again; a claim lapses after its TTL`, async () => {
    const { store, done } = await open();
    try {
      const id = eventId();
      const start = Date.now();
      assert.equal(await store.claim(id, HOUR, start), true);
      await store.release(id);
      assert.equal(await store.claim(id, HOUR, start), true, 'released');
      const short = eventId();
      assert.equal(await store.claim(short, 20, start), true);
      // Redis expires by its own clock, the others by the caller's: wait real time and pass it on.
      let again = false;
      for (let i = 0; i < 100 && !again; i++) {
        await sleep(25);
        again = await store.claim(short, 20, Date.now());
      }
      assert.equal(again, true, 'the claim lapsed');
    } finally {
      await done();
    }
  });
}

describe('event de-duplication stores', () => {
  dedupeConformance('memory', async () => ({ store: new MemoryDedupeStore(), done: async () => {} }));
  dedupeConformance('sqlite', async () => {
    const db = openSqlite(':memory:');
    return { store: new SqliteDedupeStore(db), done: async () => void db.close() };
  });
  const redisUrl = serviceUrl('redis');
  if (redisUrl === undefined) {
    test('redis dedupe store', async (t) => void (await needService(t, 'redis')));
  } else {
    dedupeConformance('redis', async () => {
      const client = createClient({ url: redisUrl });
      await client.connect();
      const prefix = `slackline-test:event:${randomBytes(6).toString('hex')}:`;
      return { store: new RedisDedupeStore(client, { prefix }), done: () => client.close() };
    });
  }
  const url = serviceUrl('postgres');
  if (url === undefined) {
    test('postgres dedupe store', async (t) => void (await needService(t, 'postgres')));
    return;
  }
  dedupeConformance('postgres', async () => {
    const schema = `slackline_dedupe_${process.pid}_${randomBytes(3).toString('hex')}`;
    const db = new PostgresDatabase({ connectionString: url, schema });
    return {
      store: new PostgresDedupeStore(db),
      done: async () => {
        await db.query(`DROP SCHEMA ${schema} CASCADE`, []);
        await db.close();
      },
    };
  });
});

test('the memory dedupe store is bounded, but never forgets an id that can still be replayed', async () => {
  const store = new MemoryDedupeStore(10);
  const start = Date.now();
  assert.equal(await store.claim('Ev0', HOUR, start), true);
  for (let i = 1; i <= 10; i++) assert.equal(await store.claim(`Ev${i}`, HOUR, start), true);
  assert.equal(store.size, 11, 'full, but every id is inside the replay window');
  assert.equal(await store.claim('Ev0', HOUR, start + 1_000), false, 'still remembered past the size bound');
  const later = start + REPLAY_WINDOW_MS + 1;
  assert.equal(await store.claim('EvNEW', HOUR, later), true);
  assert.equal(store.size, 10, 'ids older than the replay window make room');
  assert.equal(await store.claim('Ev0', HOUR, later), true, 'the oldest went first, so it is claimable again');
  assert.equal(await store.claim('Ev10', HOUR, later), false);
});
