// SQLite refresh leases left behind by a process that died: a lapsed lease is taken over at once, a
// live one is waited out, and only then does the refresh run.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type Database from 'better-sqlite3';
import { KeyRing } from '../../src/crypto/index.js';
import { openSqlite, SqliteInstallationStore } from '../../src/stores/sqlite/index.js';
import { install } from './conformance.js';

test('sqlite: a dead holder lease is waited out until it lapses, then one refresh runs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'slackline-lease-'));
  const db = openSqlite(join(dir, 'lease.sqlite'));
  const store = new SqliteInstallationStore(db, { keys: new KeyRing([{ id: 't', key: randomBytes(32) }]) });
  try {
    await store.save(install({ bot: { ...install().bot!, refreshToken: 'xoxe-canary-r1', expiresAt: 1000 } }));
    const q = { enterpriseId: null, teamId: 'T0CONF1', isEnterpriseInstall: false };
    const lease = db.prepare("INSERT OR REPLACE INTO slackline_refresh_leases VALUES ('', 'T0CONF1', '', 'dead', ?)");
    const refresh = async () => ({ token: 'xoxb-canary-2', refreshToken: 'xoxe-canary-r2', expiresAt: 5_000 });

    lease.run(Date.now() - 1); // lapsed
    assert.equal(await store.rotate(q, undefined, (c) => (c.expiresAt ?? 0) < 2000, refresh), true);

    const until = Date.now() + 400; // alive for a moment more
    lease.run(until);
    let ranAt = 0;
    const done = await store.rotate(
      q,
      undefined,
      () => true,
      async () => {
        ranAt = Date.now();
        return { token: 'xoxb-canary-3', refreshToken: 'xoxe-canary-r3', expiresAt: 9_000 };
      },
    );
    assert.equal(done, true);
    assert.ok(ranAt >= until, 'the refresh ran only after the dead lease lapsed');
    assert.equal((await store.findBot(q))?.bot?.refreshToken, 'xoxe-canary-r3');
    const left = db.prepare('SELECT COUNT(*) AS n FROM slackline_refresh_leases').get() as { n: number };
    assert.equal(left.n, 0);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sqlite: the lease claim commits at synchronous=NORMAL, every write-back at the connection level (FULL, EXTRA), never lowered outside WAL', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'slackline-lease-'));
  const keys = new KeyRing([{ id: 't', key: randomBytes(32) }]);
  try {
    for (const [journal, level, claimAt] of [
      ['wal', 2, 1],
      ['wal', 3, 1],
      ['wal', 0, 0],
      ['delete', 2, 2],
    ] as const) {
      const db = openSqlite(join(dir, `sync-${journal}-${level}.sqlite`)) as unknown as Database.Database;
      try {
        new SqliteInstallationStore(db, { keys }); // creates the lease table the triggers below watch
        db.pragma(`journal_mode = ${journal}`);
        db.pragma(`synchronous = ${level}`);
        // The level each commit runs at, read inside the claim's and the write-back's statements.
        const seen: Record<string, number[]> = { claim: [], write: [] };
        db.function('slackline_test_level', (what: string, n: number) => void seen[what]?.push(n));
        db.exec(`CREATE TEMP TRIGGER test_claim AFTER INSERT ON main.slackline_refresh_leases
          BEGIN SELECT slackline_test_level('claim', (SELECT synchronous FROM pragma_synchronous)); END;
          CREATE TEMP TRIGGER test_write AFTER UPDATE ON main.slackline_installations
          BEGIN SELECT slackline_test_level('write', (SELECT synchronous FROM pragma_synchronous)); END`);
        // A store made after the last schema change, as in an app: its statements are never
        // recompiled for one, so a PRAGMA prepared once and run again would set nothing.
        const store = new SqliteInstallationStore(db, { keys });
        const teams = ['T0CONF1', 'T0CONF2', 'T0CONF3'];
        for (const team of teams) {
          await store.save(
            install({ team, bot: { ...install().bot!, refreshToken: 'xoxe-canary-r1', expiresAt: 1000 } }),
          );
        }
        const refresh = async () => ({ token: 'xoxb-canary-2', refreshToken: 'xoxe-canary-r2', expiresAt: 5_000 });
        for (const teamId of teams) {
          const q = { enterpriseId: null, teamId, isEnterpriseInstall: false };
          assert.equal(await store.rotate(q, undefined, () => true, refresh), true);
        }
        const label = `${journal} at ${level}`;
        assert.deepEqual(seen, { claim: teams.map(() => claimAt), write: teams.map(() => level) }, label);
        assert.equal(db.pragma('synchronous', { simple: true }), level, `${label}: the level is put back`);
      } finally {
        db.close();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A store on a fresh file with `teams` saved, each with a due rotating token; and a second connection. */
async function rotatingStore(dir: string, teams: string[]) {
  const path = join(dir, `group-${randomBytes(4).toString('hex')}.sqlite`);
  const db = openSqlite(path) as unknown as Database.Database;
  const other = openSqlite(path) as unknown as Database.Database;
  const store = new SqliteInstallationStore(db, { keys: new KeyRing([{ id: 't', key: randomBytes(32) }]) });
  for (const team of teams) {
    await store.save(install({ team, bot: { ...install().bot!, refreshToken: 'xoxe-canary-r1', expiresAt: 1000 } }));
  }
  const query = (teamId: string) => ({ enterpriseId: null, teamId, isEnterpriseInstall: false });
  let answer!: () => void;
  const slack = new Promise<void>((resolve) => {
    answer = resolve;
  });
  /** Rotates `team`'s token; Slack answers every such refresh at once, in one turn, on `answer()`. */
  const rotateHeld = (team: string) =>
    store.rotate(
      query(team),
      undefined,
      () => true,
      async () => {
        await slack;
        return { token: `xoxb-canary-${team}`, refreshToken: `xoxe-canary-${team}`, expiresAt: 5_000 };
      },
    );
  /** Every team's row holds the refresh token its rotation was given. */
  const assertRotated = async () => {
    for (const team of teams) {
      assert.equal((await store.findBot(query(team)))?.bot?.refreshToken, `xoxe-canary-${team}`);
    }
  };
  const close = () => {
    db.close();
    other.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { db, other, rotateHeld, answer: () => answer(), assertRotated, close };
}

test('sqlite: write-backs that end in one turn are committed together, each caller answered only once its row is committed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'slackline-lease-'));
  const teams = ['T0CONF1', 'T0CONF2', 'T0CONF3', 'T0CONF4'];
  const { db, other, rotateHeld, answer, assertRotated, close } = await rotatingStore(dir, teams);
  try {
    const version = other.prepare("SELECT version FROM slackline_installations WHERE team_id = ? AND user_id = ''");
    // What another process reads at the moment each caller is answered.
    const seenByOthers: Record<string, unknown> = {};
    const rotations = teams.map(async (team) => {
      const done = await rotateHeld(team);
      seenByOthers[team] = (version.get(team) as { version: number }).version;
      return done;
    });
    await new Promise((resolve) => setTimeout(resolve, 20)); // every lease claimed
    answer();
    assert.deepEqual(await Promise.all(rotations), [true, true, true, true]);
    assert.deepEqual(seenByOthers, Object.fromEntries(teams.map((t) => [t, 2])), 'committed before answered');
    const leases = db.prepare('SELECT COUNT(*) AS n FROM slackline_refresh_leases').get() as { n: number };
    assert.equal(leases.n, 0);
    await assertRotated();
  } finally {
    close();
  }
});

test('sqlite: a write-back that fails in a shared commit fails alone; the others are committed once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'slackline-lease-'));
  const teams = ['T0CONF1', 'T0CONF2', 'T0CONF3'];
  const { db, rotateHeld, answer, assertRotated, close } = await rotatingStore(dir, teams);
  try {
    // Every write-back attempt per team, rolled back or not; T0CONF2's first one fails (a busy disk, say).
    const attempts: Record<string, number> = {};
    db.function('slackline_test_attempt', (team: string) => {
      attempts[team] = (attempts[team] ?? 0) + 1;
      return team === 'T0CONF2' && attempts[team] === 1 ? 1 : 0;
    });
    db.exec(`CREATE TEMP TRIGGER test_fail AFTER UPDATE ON main.slackline_installations
      WHEN slackline_test_attempt(NEW.team_id) BEGIN SELECT RAISE(ABORT, 'test: write failed'); END`);
    const rotations = teams.map(rotateHeld);
    await new Promise((resolve) => setTimeout(resolve, 20));
    answer();
    // The failed one is tried again (the lease is still its own) and then stored.
    assert.deepEqual(await Promise.all(rotations), [true, true, true]);
    assert.deepEqual(attempts, { T0CONF1: 1, T0CONF2: 2, T0CONF3: 1 }, 'the others were not rolled back with it');
    await assertRotated();
  } finally {
    close();
  }
});
