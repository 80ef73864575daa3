// One suite for the event de-duplication stores: one claim wins under concurrency, a released id can
// be claimed again, and a claim lapses after its TTL.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from 'redis';
import { type EventDedupeStore, eventTimeOf, REPLAY_WINDOW_MS } from '../../src/events/dedupe.js';
import { MemoryDedupeStore } from '../../src/events/memory-dedupe.js';
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

test('the memory dedupe store drops lapsed claims as it goes, also when the oldest was released', async () => {
  const store = new MemoryDedupeStore(10);
  const start = Date.now();
  assert.equal(store.claimNow('EvA', 100, start), true);
  assert.equal(store.claimNow('EvB', 100, start), true);
  assert.equal(store.claimNow('EvC', HOUR, start + 200), true);
  assert.equal(store.size, 1, 'the two lapsed claims are gone');
  // The oldest claim released: a younger one with a shorter TTL is still swept when it lapses.
  assert.equal(store.claimNow('EvD', 10, start + 200), true);
  await store.release('EvC');
  assert.equal(store.claimNow('EvE', HOUR, start + 300), true);
  assert.equal(store.size, 1, 'EvD lapsed and went');
  assert.equal(store.claimNow('EvE', HOUR, start + 400), false, 'a live claim is still a duplicate');
  assert.equal(await store.claim('EvD', HOUR, start + 400), true, 'the lapsed one can be claimed again');
});

test('eventTimeOf: event_ts to the microsecond, else the whole-second event_time, else none', () => {
  const time = 1_700_000_000;
  assert.equal(eventTimeOf({ event_time: time, event: { event_ts: '1700000000.000100' } }), time + 0.0001);
  assert.equal(eventTimeOf({ event_time: time, event: { event_ts: '1700000001' } }), time, "no fraction: not Slack's");
  assert.equal(eventTimeOf({ event_time: time, event: { event_ts: '1700000000.1234567' } }), time, 'seven digits');
  assert.equal(eventTimeOf({ event_time: time, event: { event_ts: 1_700_000_000.5 } }), time, 'a number, not a string');
  assert.equal(eventTimeOf({ event_time: time, event: null }), time);
  assert.equal(eventTimeOf({ event: { type: 'x' } }), undefined);
  assert.equal(eventTimeOf({ event_time: '1700000000' }), undefined);
});

/** After opening a database of an earlier layout: only the current table is left (the rows were moved). */
function assertMigrated(db: ReturnType<typeof openSqlite>): void {
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'slackline_event%'")
    .all()
    .map((r) => (r as { name: string }).name);
  assert.deepEqual(tables, ['slackline_event_claims_us'], 'the old table is gone, its rows moved');
}

describe('sqlite dedupe store on a file (its own connection, claims batched per turn)', () => {
  const withFile = async (run: (path: string) => Promise<void>) => {
    const dir = mkdtempSync(join(tmpdir(), 'slackline-dedupe-file-'));
    try {
      await run(join(dir, 'app.db'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  test('claims made in one turn: each is decided in order, a duplicate inside the batch is refused', async () => {
    await withFile(async (path) => {
      const store = new SqliteDedupeStore(path);
      try {
        const [a, b, c] = [eventId(), eventId(), eventId()];
        const now = Date.now();
        const won = await Promise.all([a, b, a, c, b, a].map((id) => store.claim(id, HOUR, now)));
        assert.equal(won[0], true, 'a, first');
        assert.equal(won[1], true, 'b, first');
        assert.equal(won[2], false, 'a again, in the same batch');
        assert.equal(won[3], true, 'c, first');
        assert.equal(won[4], false, 'b again, in the same batch');
        assert.equal(won[5], false, 'a a third time');
        assert.equal(await store.claim(a, HOUR, now + 1_000), false, 'a, in a later batch');
      } finally {
        await store.close();
      }
    });
  });

  test('claims of one turn with different clocks: each is judged against its own now (a lapsed claim is taken over once)', async () => {
    await withFile(async (path) => {
      const store = new SqliteDedupeStore(path);
      try {
        const [a, b] = [eventId(), eventId()];
        const t = Date.now();
        assert.equal(await store.claim(a, 1_000, t), true, 'a, held until t + 1 s');
        // One turn, one transaction, claims asked at different times (their `now` as given).
        const won = await Promise.all([
          store.claim(a, 1_000, t + 500), // still held
          store.claim(b, 1_000, t + 500),
          store.claim(a, 1_000, t + 1_500), // lapsed: taken over, now held until t + 2.5 s
          store.claim(a, 1_000, t + 1_600), // held by the claim just before
          store.claim(b, 1_000, t + 1_600), // b's claim of this turn is held until t + 1.5 s: lapsed
        ]);
        assert.deepEqual(won, [false, true, true, false, true]);
      } finally {
        await store.close();
      }
    });
  });

  test('the claims are in the file at once: a second store on it refuses them, and so does one opened after a restart', async () => {
    await withFile(async (path) => {
      const first = new SqliteDedupeStore(path);
      const second = new SqliteDedupeStore(path);
      const now = Date.now();
      const time = Math.floor(now / 1000) - 2; // event_time: seconds, before the delivery
      const ids = Array.from({ length: 20 }, eventId);
      try {
        const won = await Promise.all(ids.map((id, i) => first.claim(id, HOUR, now, time + (i % 3))));
        assert.deepEqual(
          won,
          ids.map(() => true),
        );
        const again = await Promise.all(ids.map((id, i) => second.claim(id, HOUR, now + 60_000, time + (i % 3))));
        assert.deepEqual(
          again,
          ids.map(() => false),
          'a retry on the other connection',
        );
        assert.equal(await second.claim(eventId(), HOUR, now, time), true, 'another id in the same second is its own');
      } finally {
        await first.close();
        await second.close();
      }
      const restarted = new SqliteDedupeStore(path);
      try {
        const replay = await Promise.all(ids.map((id, i) => restarted.claim(id, HOUR, now + 300_000, time + (i % 3))));
        assert.deepEqual(
          replay,
          ids.map(() => false),
          'a replay after a restart',
        );
        await restarted.release(ids[0] as string, time);
        assert.equal(await restarted.claim(ids[0] as string, HOUR, now, time), true, 'released by (time, id)');
      } finally {
        await restarted.close();
      }
    });
  });

  for (const timed of [false, true]) {
    test(`two processes claiming the same 300 ids at once on one file, ${timed ? 'timed by event_ts' : 'without a time'}: each id is won exactly once`, {
      timeout: 60_000,
    }, async () => {
      await withFile(async (path) => {
        new SqliteDedupeStore(path).close(); // creates the schema
        const ids = Array.from({ length: 300 }, eventId);
        // Both pass an id's own time, as a retry of one signed body does: microseconds apart, in order.
        const second = Math.floor(Date.now() / 1000);
        const times = timed ? Object.fromEntries(ids.map((id, k) => [id, second + k / 1e6])) : {};
        // One goes forwards, the other backwards: they race over the same ids where they meet.
        const start = Date.now() + 1_500;
        const [a, b] = await Promise.all([
          claimInChild(path, ids, start, times),
          claimInChild(path, [...ids].reverse(), start, times),
        ]);
        for (const id of ids) assert.equal(Number(a.includes(id)) + Number(b.includes(id)), 1, `${id} won once`);
      });
    });
  }

  test('expired claims are swept from the oldest event time on; live ones stay', async () => {
    await withFile(async (path) => {
      const store = new SqliteDedupeStore(path);
      const db = openSqlite(path);
      try {
        const start = 1_700_000_000_000;
        const at = (ms: number) => Math.floor(ms / 1000);
        const old = Array.from({ length: 600 }, eventId);
        for (const [i, id] of old.entries()) await store.claim(id, HOUR, start, at(start) - (i % 5));
        const untimed = eventId(); // no event time: filed under 0, swept all the same
        await store.claim(untimed, HOUR, start);
        // A late claim of an old event (a replay long after it happened) lives its full TTL.
        const late = eventId();
        await store.claim(late, HOUR, start + HOUR + 60_000, at(start) - 60);
        const later = start + 2 * HOUR;
        const fresh = Array.from({ length: 2_048 }, eventId);
        for (const id of fresh) await store.claim(id, HOUR, later, at(later));
        const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
        assert.equal(count(`SELECT count(*) AS n FROM slackline_event_claims_us WHERE expires_at <= ${later}`), 0);
        assert.equal(count('SELECT count(*) AS n FROM slackline_event_claims_us'), 2_048 + 1);
        assert.equal(await store.claim(late, HOUR, later, at(start) - 60), false, 'the late claim is still live');
        assert.equal(await store.claim(fresh[0] as string, HOUR, later, at(later)), false, 'a live id is still held');
        assert.equal(await store.claim(old[0] as string, HOUR, later, at(start)), true, 'an expired one is free');
      } finally {
        db.close();
        await store.close();
      }
    });
  });

  test('a database from before (event_ids keyed by id alone): live claims still refuse their event after the upgrade', async () => {
    await withFile(async (path) => {
      const now = Date.now();
      const [live, lapsed, other] = [eventId(), eventId(), eventId()];
      const db = openSqlite(path);
      db.exec(
        'CREATE TABLE slackline_event_ids (event_id TEXT PRIMARY KEY, expires_at INTEGER NOT NULL) WITHOUT ROWID',
      );
      db.prepare('INSERT INTO slackline_event_ids VALUES (?, ?), (?, ?)').run(live, now + HOUR, lapsed, now - 1);
      const store = new SqliteDedupeStore(path);
      const second = new SqliteDedupeStore(path); // another process opening the migrated file
      try {
        assertMigrated(db);
        const time = Math.floor(now / 1000) - 30;
        assert.equal(await store.claim(live, HOUR, now, time), false, 'claimed before the upgrade: a duplicate');
        assert.equal(await second.claim(live, HOUR, now, time), false, 'also on another connection');
        assert.equal(await store.claim(live, HOUR, now), false, 'and without an event time');
        assert.equal(await store.claim(lapsed, HOUR, now, time), true, 'a lapsed claim is free');
        assert.equal(await second.claim(lapsed, HOUR, now, time), false, 'and then taken');
        assert.equal(await store.claim(other, HOUR, now, time), true);
        await store.release(live, time);
        assert.equal(await second.claim(live, HOUR, now, time), true, 'a release frees the moved claim too');
      } finally {
        await store.close();
        await second.close();
        db.close();
      }
    });
  });

  test('a database keyed by whole seconds (the layout before): its live claims still refuse their event, timed to the microsecond', async () => {
    await withFile(async (path) => {
      const now = Date.now();
      const second = Math.floor(now / 1000) - 30;
      const [live, lapsed, twice] = [eventId(), eventId(), eventId()];
      const db = openSqlite(path);
      db.exec(`CREATE TABLE slackline_event_claims (
        event_time INTEGER NOT NULL, event_id TEXT NOT NULL, expires_at INTEGER NOT NULL,
        PRIMARY KEY (event_time, event_id)) WITHOUT ROWID`);
      const put = db.prepare('INSERT INTO slackline_event_claims VALUES (?, ?, ?)');
      put.run(second, live, now + HOUR);
      put.run(second, lapsed, now - 1);
      put.run(second - 5, twice, now - 1); // one id under two times: the live one counts
      put.run(second, twice, now + HOUR);
      const store = new SqliteDedupeStore(path);
      try {
        assertMigrated(db);
        // The retry now comes with its event_ts: a time the old key never had.
        const precise = second + 0.000_314;
        assert.equal(await store.claim(live, HOUR, now, precise), false, 'claimed before the upgrade: a duplicate');
        assert.equal(await store.claim(twice, HOUR, now, precise), false, 'the live one of its two rows');
        assert.equal(await store.claim(lapsed, HOUR, now, precise), true, 'a lapsed claim is free');
        assert.equal(await store.claim(lapsed, HOUR, now, precise), false, 'and then taken, under its new key');
        await store.release(live, precise);
        assert.equal(await store.claim(live, HOUR, now, precise), true, 'a release frees the moved claim too');
      } finally {
        await store.close();
        db.close();
      }
    });
  });

  test('claims arriving in event_ts order land together: a batch of 200 writes a few WAL frames, not one each', async () => {
    await withFile(async (path) => {
      const db = openSqlite(path); // a handle: no checkpoint worker, the WAL is the test's to read
      const store = new SqliteDedupeStore(db);
      const FRAME = 24 + 4096; // after a truncating checkpoint: a 32-byte header, then the frames
      const frames = () => Math.floor(statSync(`${path}-wal`).size / FRAME);
      try {
        const now = Date.now();
        const second = Math.floor(now / 1000);
        const batch = (time: (i: number) => number | undefined) =>
          Promise.all(Array.from({ length: 500 }, (_, i) => store.claim(eventId(), HOUR, now, time(i))));
        // 20,000 earlier claims of this second, in event_ts order (20 ms of them, a microsecond apart):
        // hundreds of pages of rows within one whole second.
        for (let k = 0; k < 20_000; k += 500) await batch((i) => second + (k + i) / 1e6);
        // And 20,000 of one whole second, earlier (what a key of whole seconds makes of every second).
        for (let k = 0; k < 20_000; k += 500) await batch(() => second - 10);
        // The next 200 as the handler files them: event_ts, to the microsecond.
        const ts = (i: number) => `${second}.${String(20_000 + i).padStart(6, '0')}`;
        const times = Array.from({ length: 200 }, (_, i) =>
          eventTimeOf({ event_time: second, event: { event_ts: ts(i) } }),
        );
        assert.equal(times[7], second + 0.020_007, 'event_ts, not event_time');
        const written = async (claim: (i: number) => Promise<boolean>) => {
          db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
          const won = await Promise.all(Array.from({ length: 200 }, (_, i) => claim(i)));
          assert.ok(won.every(Boolean));
          return frames();
        };
        // Measured: 7 frames in order, 141 within one whole second.
        const ordered = await written((i) => store.claim(eventId(), HOUR, now, times[i]));
        assert.ok(ordered <= 15, `200 claims in event_ts order wrote ${ordered} frames`);
        // The same batch within one whole second lands all over it: the cost the key avoids.
        const scattered = await written(() => store.claim(eventId(), HOUR, now, second - 10));
        assert.ok(scattered >= 100, `200 claims in one second wrote ${scattered} frames`);
      } finally {
        await store.close();
        db.close();
      }
    });
  });

  test('checkpoints run on the worker: the database file takes the claims before the WAL reaches the inline threshold', async () => {
    await withFile(async (path) => {
      const store = new SqliteDedupeStore(path);
      try {
        const size = () => statSync(path).size;
        const before = size();
        const now = Date.now();
        // One claim per transaction: at least a frame each, past the worker's 4,000 and short of the
        // 16,000 at which the claims' own connection checkpoints. Only a checkpoint writes the file.
        for (let i = 0; i < 5_000; i++) await store.claim(eventId(), HOUR, now, Math.floor(now / 1000));
        for (let i = 0; i < 200 && size() === before; i++) await sleep(25);
        assert.ok(size() > before, `the database file grew (${before} -> ${size()} bytes)`);
      } finally {
        await store.close();
      }
    });
  });
});

// Claims in batches of 10 (one transaction each), each with its id's time if it has one, from a given
// wall time so the two overlap.
const CHILD = `
const { SqliteDedupeStore } = await import(process.env.STORE);
const ids = JSON.parse(process.env.IDS);
const times = JSON.parse(process.env.TIMES);
const store = new SqliteDedupeStore(process.env.DB);
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(process.env.START) - Date.now())));
const won = [];
for (let i = 0; i < ids.length; i += 10) {
  const batch = ids.slice(i, i + 10);
  const results = await Promise.all(batch.map((id) => store.claim(id, 3600000, Date.now(), times[id])));
  won.push(...batch.filter((_, j) => results[j]));
}
await store.close();
process.stdout.write(JSON.stringify(won));
`;

function claimInChild(path: string, ids: string[], start: number, times: Record<string, number>): Promise<string[]> {
  const store = join(import.meta.dirname, '..', '..', 'src', 'stores', 'sqlite', 'index.js');
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', CHILD],
      {
        env: {
          ...process.env,
          STORE: store,
          DB: path,
          IDS: JSON.stringify(ids),
          TIMES: JSON.stringify(times),
          START: String(start),
        },
      },
      (err, out, stderr) => (err === null ? resolve(JSON.parse(out) as string[]) : reject(new Error(stderr))),
    );
  });
}
