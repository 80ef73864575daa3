// A refresh on PostgreSQL holds no pooled connection while Slack answers: the lease is a row claimed
// by an autocommit statement. With every refresh held at Slack for seconds and more refreshes than
// the pool has connections, an unrelated lookup still answers at once.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { KeyRing } from '../../src/crypto/index.js';
import { InstallationAuthority } from '../../src/oauth/authorize.js';
import { PostgresDatabase, PostgresInstallationStore, PostgresRowBackend } from '../../src/stores/postgres/index.js';
import { WebClient } from '../../src/web/client.js';
import { startServer } from '../helpers/server.js';
import { needService } from '../helpers/services.js';
import { install } from './conformance.js';

const HOLD_MS = 4_000;
const POOL = 4;
const q = (teamId: string) => ({ enterpriseId: null, teamId, isEnterpriseInstall: false });

test('postgres: 6 refreshes held 4 s at Slack on a pool of 4 → an unrelated findBot answers in well under the hold', {
  timeout: 60_000,
}, async (t) => {
  const url = await needService(t, 'postgres');
  if (url === undefined) return;
  let issued = 0;
  const slack = await startServer((_req, res) => {
    const n = issued++;
    setTimeout(() => {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          ok: true,
          token_type: 'bot',
          access_token: `xoxb-canary-fresh-${n}`,
          refresh_token: `xoxe-canary-fresh-${n}`,
          expires_in: 43_200,
        }),
      );
    }, HOLD_MS);
  });
  const schema = `slackline_pglease_${process.pid}_${randomBytes(3).toString('hex')}`;
  const db = new PostgresDatabase({ connectionString: url, schema, max: POOL });
  const store = new PostgresInstallationStore(db, { keys: new KeyRing([{ id: 'k', key: randomBytes(32) }]) });
  let settled: Promise<unknown> = Promise.resolve();
  try {
    const teams = Array.from({ length: POOL + 2 }, (_, i) => `T0PL${i}`);
    for (const [i, team] of teams.entries()) {
      const bot = { ...install().bot!, refreshToken: `xoxe-canary-old-${i}`, expiresAt: Date.now() + 60_000 };
      await store.save(
        install({ team, token: `xoxb-canary-old-${i}`, bot: { ...bot, token: `xoxb-canary-old-${i}` } }),
      );
    }
    await store.save(install({ team: 'T0UNRELATED' }));
    const authority = new InstallationAuthority(store, {
      scopes: [],
      client: new WebClient(undefined, { slackApiUrl: `${slack.url}api/`, retryHandlers: [] }),
      rotation: { clientId: 'C', clientSecret: 'S' },
    });
    const refreshing = Promise.all(teams.map((team) => authority.authorize(q(team))));
    settled = refreshing.catch((err: unknown) => err);
    // Wait until at least a pool's worth of refreshes is out at Slack (the old row lock let no more out).
    const deadline = Date.now() + 10_000;
    while (slack.requests.length < POOL && Date.now() < deadline) await sleep(20);
    assert.ok(slack.requests.length >= POOL, `${slack.requests.length} refreshes reached Slack`);

    const started = Date.now();
    const unrelated = await store.findBot(q('T0UNRELATED'));
    const took = Date.now() - started;
    assert.equal(unrelated?.bot?.token, 'xoxb-canary-bot');
    assert.ok(took < HOLD_MS / 2, `findBot took ${took} ms while refreshes were held ${HOLD_MS} ms at Slack`);

    const answers = await refreshing;
    for (const [i, team] of teams.entries()) {
      assert.match(answers[i]?.botToken ?? '', /^xoxb-canary-fresh-\d+$/, team);
      assert.equal((await store.findBot(q(team)))?.bot?.token, answers[i]?.botToken, `${team} saved`);
    }
    assert.equal(slack.requests.length, teams.length); // one refresh each
    const leases = await db.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${schema}.slackline_refresh_leases`, []);
    assert.equal(Number(leases[0]?.n), 0, 'every lease was let go');
  } finally {
    await settled;
    await db.query(`DROP SCHEMA ${schema} CASCADE`, []);
    await db.close();
    await slack.close();
  }
});

test('postgres: a query waits at most connectionTimeoutMs for a pooled connection', { timeout: 30_000 }, async (t) => {
  const url = await needService(t, 'postgres');
  if (url === undefined) return;
  const db = new PostgresDatabase({ connectionString: url, max: 1, connectionTimeoutMs: 300 });
  try {
    await db.ready();
    const held = await db.pool.connect(); // someone holds the only connection
    const started = Date.now();
    await assert.rejects(db.query('SELECT 1', []), /timeout/i);
    assert.ok(Date.now() - started < 5_000);
    held.release();
    assert.deepEqual(await db.query('SELECT 1 AS one', []), [{ one: 1 }]);
  } finally {
    await db.close();
  }
});

test('postgres: a claim that waited for the previous holder reads the row as that holder left it', {
  timeout: 30_000,
}, async (t) => {
  const url = await needService(t, 'postgres');
  if (url === undefined) return;
  const schema = `slackline_pgclaim_${process.pid}_${randomBytes(3).toString('hex')}`;
  const db = new PostgresDatabase({ connectionString: url, schema, max: 4 });
  const backend = new PostgresRowBackend(db);
  const store = new PostgresInstallationStore(db, { keys: new KeyRing([{ id: 'k', key: randomBytes(32) }]) });
  const key = { enterpriseId: '', teamId: 'T0CONF1', userId: '' };
  const holder = await db.pool.connect();
  try {
    await store.save(install());
    const now = Date.now();
    assert.notEqual(await backend.claimLease(key, 'holder', now + 60_000, now), undefined);
    // The holder's write-back, open: its lease deleted and the row moved on, not committed yet.
    await holder.query('BEGIN');
    await holder.query(`DELETE FROM ${schema}.slackline_refresh_leases WHERE owner = 'holder'`);
    await holder.query(`UPDATE ${schema}.slackline_installations SET version = version + 1, updated_at = 7`);
    // The next claim starts now (its snapshot predates the commit) and waits on the holder's lease;
    // with a claim of another key in the same turn, so both go in one statement.
    const next = backend.claimLease(key, 'next', now + 60_000, now);
    const beside = backend.claimLease({ ...key, teamId: 'T0OTHER' }, 'beside', now + 60_000, now);
    const deadline = Date.now() + 10_000;
    for (;;) {
      const waiting = await db.query<{ n: string }>(
        "SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%slackline_refresh_leases%'",
        [],
      );
      if (Number(waiting[0]?.n) > 0 || Date.now() > deadline) break;
      await sleep(10);
    }
    await holder.query('COMMIT');
    const claimed = await next;
    assert.equal(claimed?.interrupted, false);
    assert.deepEqual([claimed?.row?.version, claimed?.row?.updatedAt], [2, 7], 'the row after the write-back');
    assert.deepEqual(await beside, { row: undefined, interrupted: false });
  } finally {
    holder.release();
    await db.query(`DROP SCHEMA ${schema} CASCADE`, []);
    await db.close();
  }
});

/** A store on a fresh schema with `teams` saved, each with a due rotating token. */
async function rotating(url: string, teams: string[]) {
  const schema = `slackline_pggroup_${process.pid}_${randomBytes(3).toString('hex')}`;
  const db = new PostgresDatabase({ connectionString: url, schema, max: 4 });
  const store = new PostgresInstallationStore(db, { keys: new KeyRing([{ id: 'k', key: randomBytes(32) }]) });
  for (const team of teams) {
    await store.save(install({ team, bot: { ...install().bot!, refreshToken: 'xoxe-canary-r1', expiresAt: 1000 } }));
  }
  return { schema, db, store };
}

/**
 * Rotates every team at once, their refreshes answered by Slack in one turn: `claimed` runs once every
 * lease is taken, `answered` right after Slack's answers; `onAnswered` as each caller is answered.
 */
async function rotateTogether(
  store: PostgresInstallationStore,
  teams: string[],
  hooks: {
    claimed?: () => Promise<void>;
    answered?: () => Promise<void>;
    onAnswered?: (team: string) => Promise<void>;
  } = {},
): Promise<boolean[]> {
  let answer!: () => void;
  const slack = new Promise<void>((resolve) => {
    answer = resolve;
  });
  const rotations = teams.map(async (team) => {
    const done = await store.rotate(
      q(team),
      undefined,
      () => true,
      async () => {
        await slack;
        return { token: `xoxb-canary-${team}`, refreshToken: `xoxe-canary-${team}`, expiresAt: 5_000 };
      },
    );
    await hooks.onAnswered?.(team);
    return done;
  });
  await sleep(200); // every lease claimed
  await hooks.claimed?.();
  answer();
  await hooks.answered?.();
  return Promise.all(rotations);
}

test('postgres: claims and write-backs of one turn go in one statement, each caller answered once its row is committed', {
  timeout: 30_000,
}, async (t) => {
  const url = await needService(t, 'postgres');
  if (url === undefined) return;
  const teams = ['T0CONF1', 'T0CONF2', 'T0CONF3', 'T0CONF4'];
  const { schema, db, store } = await rotating(url, teams);
  const other = new PostgresDatabase({ connectionString: url, schema, max: 1 });
  try {
    // The statements sent: one for the four claims, one for the four write-backs.
    const sent: string[] = [];
    type Query = string | { text: string };
    const pool = db.pool as { query: (query: Query, values?: unknown[]) => Promise<{ rows: unknown[] }> };
    const query = pool.query.bind(pool);
    pool.query = (sql, values) => {
      const text = typeof sql === 'string' ? sql : sql.text; // the lease statements are prepared ones
      sent.push(text.includes('slackline_refresh_leases') ? (text.includes('unnest') ? 'batch' : 'one') : 'other');
      return query(sql, values);
    };
    // The write-back's statement is held on a row lock until the check below: no caller may be
    // answered meanwhile.
    const holder = await other.pool.connect();
    const seen: Record<string, number> = {};
    let answeredWhileHeld = -1;
    const done = await rotateTogether(store, teams, {
      claimed: async () => {
        await holder.query('BEGIN');
        await holder.query(`SELECT 1 FROM ${schema}.slackline_installations FOR UPDATE`);
      },
      answered: async () => {
        await sleep(300);
        answeredWhileHeld = Object.keys(seen).length;
        await holder.query('COMMIT');
        holder.release();
      },
      onAnswered: async (team) => {
        const rows = await db.query<{ version: number }>(
          "SELECT version FROM $schema.slackline_installations WHERE team_id = $1 AND user_id = ''",
          [team],
        );
        seen[team] = rows[0]?.version ?? 0;
      },
    });
    assert.equal(answeredWhileHeld, 0, 'no caller answered before its write-back committed');
    assert.deepEqual(done, [true, true, true, true]);
    assert.deepEqual(seen, Object.fromEntries(teams.map((team) => [team, 2])), 'committed before answered');
    assert.deepEqual(
      sent.filter((s) => s !== 'other'),
      ['batch', 'batch'],
    );
    for (const team of teams) assert.equal((await store.findBot(q(team)))?.bot?.refreshToken, `xoxe-canary-${team}`);
    const leases = await db.query<{ n: string }>('SELECT count(*) AS n FROM $schema.slackline_refresh_leases', []);
    assert.equal(Number(leases[0]?.n), 0);
    // Two claims of one key in one turn: one statement may not upsert a row twice; one of them wins.
    const backend = new PostgresRowBackend(db);
    const key = { enterpriseId: '', teamId: 'T0CONF1', userId: '' };
    const now = Date.now();
    const both = await Promise.all([
      backend.claimLease(key, 'a', now + 60_000, now),
      backend.claimLease(key, 'b', now + 60_000, now),
      backend.claimLease({ ...key, teamId: 'T0CONF2' }, 'c', now + 60_000, now),
    ]);
    assert.deepEqual(
      both.map((c) => c !== undefined),
      [true, false, true],
    );
  } finally {
    await other.close();
    await db.query(`DROP SCHEMA ${schema} CASCADE`, []);
    await db.close();
  }
});

test('postgres: a claim that fails in a shared statement fails alone; the others are claimed and refreshed', {
  timeout: 30_000,
}, async (t) => {
  const url = await needService(t, 'postgres');
  if (url === undefined) return;
  const teams = ['T0CONF1', 'T0CONF2', 'T0CONF3'];
  const { schema, db, store } = await rotating(url, teams);
  try {
    // T0CONF2's lease cannot be taken (its claim fails every time).
    await db.pool.query(
      `CREATE FUNCTION ${schema}.test_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
         IF NEW.team_id = 'T0CONF2' THEN RAISE 'test: claim failed'; END IF;
         RETURN NEW; END $$;
       CREATE TRIGGER test_fail BEFORE INSERT ON ${schema}.slackline_refresh_leases
         FOR EACH ROW EXECUTE FUNCTION ${schema}.test_fail()`,
    );
    const outcomes = await Promise.allSettled(
      teams.map((team) =>
        store.rotate(
          q(team),
          undefined,
          () => true,
          async () => ({
            token: `xoxb-canary-${team}`,
            refreshToken: `xoxe-canary-${team}`,
            expiresAt: 5_000,
          }),
        ),
      ),
    );
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['fulfilled', 'rejected', 'fulfilled'],
      'only the failed claim fails',
    );
    assert.equal((await store.findBot(q('T0CONF1')))?.bot?.refreshToken, 'xoxe-canary-T0CONF1');
    assert.equal((await store.findBot(q('T0CONF3')))?.bot?.refreshToken, 'xoxe-canary-T0CONF3');
  } finally {
    await db.query(`DROP SCHEMA ${schema} CASCADE`, []);
    await db.close();
  }
});
