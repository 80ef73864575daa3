// authorize() on a cold cache: concurrent callers of one key share one store read.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { KeyRing } from '../../src/crypto/index.js';
import { RequestError } from '../../src/http/errors.js';
import { InstallationAuthority } from '../../src/oauth/authorize.js';
import { AuthorizationError, LeaseTimeoutError, OAuthErrorCode } from '../../src/oauth/errors.js';
import { TokenRefreshError } from '../../src/oauth/rotation.js';
import type { InstallationQuery, InstallationStore } from '../../src/oauth/types.js';
import { openSqlite, SqliteInstallationStore, SqliteRowBackend } from '../../src/stores/sqlite/index.js';
import { WebClient } from '../../src/web/client.js';
import { install } from '../stores/conformance.js';

/** A real SQLite store whose reads are counted per team; `hold` keeps the next read's answer back. */
function counted(store: SqliteInstallationStore) {
  const reads = new Map<string, number>();
  let gate: Promise<void> | undefined;
  const wrapped = Object.create(store) as InstallationStore;
  wrapped.findInstallation = async (query: InstallationQuery) => {
    reads.set(String(query.teamId), (reads.get(String(query.teamId)) ?? 0) + 1);
    const answer = store.findInstallation(query); // reads the row now
    const held = gate;
    gate = undefined;
    await held;
    return answer;
  };
  const hold = () => {
    let release = () => {};
    gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    return release;
  };
  return { store: wrapped, reads, hold };
}

const q = (teamId: string, userId?: string) => ({ enterpriseId: null, teamId, isEnterpriseInstall: false, userId });

test('200 concurrent authorize() calls per key on a cold cache → one store read per key', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'slackline-flight-')), 'flight.db');
  const sqlite = new SqliteInstallationStore(path, { keys: new KeyRing([{ id: 'k', key: randomBytes(32) }]) });
  try {
    await sqlite.save(install({ team: 'T0F1', token: 'xoxb-canary-f1' }));
    await sqlite.save(install({ team: 'T0F2', token: 'xoxb-canary-f2' }));
    const { store, reads } = counted(sqlite);
    const authority = new InstallationAuthority(store, { scopes: [], client: new WebClient() });
    const calls = ['T0F1', 'T0F2', 'T0NONE'].flatMap((team) =>
      Array.from({ length: 200 }, () => authority.authorize(q(team)).catch((err: unknown) => err)),
    );
    const answers = await Promise.all(calls);
    assert.deepEqual(Object.fromEntries(reads), { T0F1: 1, T0F2: 1, T0NONE: 1 });
    assert.ok(answers.slice(0, 200).every((a) => (a as { botToken?: string }).botToken === 'xoxb-canary-f1'));
    assert.ok(answers.slice(200, 400).every((a) => (a as { botToken?: string }).botToken === 'xoxb-canary-f2'));
    assert.ok(answers.slice(400).every((a) => a instanceof AuthorizationError)); // a shared miss fails each caller
    // A miss that failed is not kept: the next call reads again (the team may have installed since).
    await sqlite.save(install({ team: 'T0NONE', token: 'xoxb-canary-late' }));
    assert.equal((await authority.authorize(q('T0NONE'))).botToken, 'xoxb-canary-late');
    assert.equal(reads.get('T0NONE'), 2);
  } finally {
    await sqlite.close();
  }
});

test('a write during a read in flight: callers after invalidate() read again, and the stale answer is not cached', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'slackline-flight-')), 'flight.db');
  const sqlite = new SqliteInstallationStore(path, { keys: new KeyRing([{ id: 'k', key: randomBytes(32) }]) });
  try {
    await sqlite.save(install({ team: 'T0W', token: 'xoxb-canary-before' }));
    const { store, reads, hold } = counted(sqlite);
    const authority = new InstallationAuthority(store, { scopes: [], client: new WebClient() });
    const release = hold();
    const first = authority.authorize(q('T0W')); // reads the row as it is now, answers late
    await sqlite.save(install({ team: 'T0W', token: 'xoxb-canary-after' }));
    authority.invalidate(q('T0W')); // what the Installer does after a save
    const second = authority.authorize(q('T0W'));
    assert.equal((await second).botToken, 'xoxb-canary-after');
    release();
    assert.equal((await first).botToken, 'xoxb-canary-before'); // asked before the write
    assert.equal((await authority.authorize(q('T0W'))).botToken, 'xoxb-canary-after');
    assert.equal(reads.get('T0W'), 2);
  } finally {
    await sqlite.close();
  }
});

test('authorize() with a signal: the caller stops waiting on abort while another process holds the refresh lease', {
  timeout: 30_000,
}, async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'slackline-flight-')), 'flight.db');
  const db = openSqlite(path);
  const sqlite = new SqliteInstallationStore(db, { keys: new KeyRing([{ id: 'k', key: randomBytes(32) }]) });
  try {
    const bot = { ...install().bot!, refreshToken: 'xoxe-canary-r1', expiresAt: Date.now() + 60_000 };
    await sqlite.save(install({ team: 'T0AB', token: 'xoxb-canary-ab', bot: { ...bot, token: 'xoxb-canary-ab' } }));
    const backend = new SqliteRowBackend(db);
    const key = { enterpriseId: '', teamId: 'T0AB', userId: '' };
    assert.notEqual(await backend.claimLease(key, 'other-process', Date.now() + 60_000, Date.now()), undefined);
    const authority = new InstallationAuthority(sqlite, {
      scopes: [],
      client: new WebClient(undefined, { slackApiUrl: 'http://127.0.0.1:9/api/', retryHandlers: [] }),
      rotation: { clientId: 'C', clientSecret: 'S' },
    });
    const started = Date.now();
    const err = await authority.authorize(q('T0AB'), { signal: AbortSignal.timeout(300) }).catch((e: unknown) => e);
    assert.ok(err instanceof RequestError && err.reason === 'aborted', String(err));
    assert.ok(Date.now() - started < 5_000, 'the caller stopped at its abort, not at the lease expiry');
    // The other process lets go: the shared read goes on (its refresh fails to connect, and the
    // current token still works, so it is answered).
    const waiting = authority.authorize(q('T0AB'));
    await backend.finishLease(key, 'other-process', undefined, Date.now());
    assert.equal((await waiting).botToken, 'xoxb-canary-ab');
  } finally {
    db.close();
  }
});

test('a lease held elsewhere past leaseWaitMs: the working token is answered; an expired one fails typed, nothing sent', {
  timeout: 30_000,
}, async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'slackline-flight-')), 'flight.db');
  const db = openSqlite(path);
  const sqlite = new SqliteInstallationStore(db, { keys: new KeyRing([{ id: 'k', key: randomBytes(32) }]) });
  try {
    const backend = new SqliteRowBackend(db);
    for (const [team, expiresAt] of [
      ['T0LIVE', Date.now() + 60_000],
      ['T0DEAD', Date.now() - 1_000],
    ] as const) {
      const bot = { ...install().bot!, token: `xoxb-canary-${team}`, refreshToken: 'xoxe-canary-r', expiresAt };
      await sqlite.save(install({ team, bot }));
      const key = { enterpriseId: '', teamId: team, userId: '' };
      assert.notEqual(await backend.claimLease(key, 'other-process', Date.now() + 60_000, Date.now()), undefined);
    }
    const authority = new InstallationAuthority(sqlite, {
      scopes: [],
      client: new WebClient(undefined, { slackApiUrl: 'http://127.0.0.1:9/api/', retryHandlers: [] }),
      rotation: { clientId: 'C', clientSecret: 'S', leaseWaitMs: 300 },
    });
    const started = Date.now();
    assert.equal((await authority.authorize(q('T0LIVE'))).botToken, 'xoxb-canary-T0LIVE');
    const err = await authority.authorize(q('T0DEAD')).catch((e: unknown) => e);
    assert.ok(Date.now() - started < 10_000, 'both gave up near leaseWaitMs');
    assert.ok(err instanceof TokenRefreshError, String(err));
    assert.equal(err.code, OAuthErrorCode.RefreshFailed);
    assert.ok(err.cause instanceof LeaseTimeoutError, String(err.cause)); // waited, never called Slack
    assert.equal(err.mayHaveBeenReceived, false);
  } finally {
    db.close();
  }
});

test('cache keys stay distinct for ids that need escaping', async () => {
  // The cache key is JSON built by hand for plain ids: ids with quotes must not run together.
  const path = join(mkdtempSync(join(tmpdir(), 'slackline-keys-')), 'keys.db');
  const sqlite = new SqliteInstallationStore(path, { keys: new KeyRing([{ id: 'k', key: randomBytes(32) }]) });
  try {
    await sqlite.save(install({ team: 'T0K1', token: 'xoxb-canary-k1' }));
    await sqlite.save(install({ team: 'T0K1","x', token: 'xoxb-canary-quoted' }));
    const authority = new InstallationAuthority(sqlite, { scopes: [], client: new WebClient() });
    assert.equal((await authority.authorize(q('T0K1","x'))).botToken, 'xoxb-canary-quoted');
    assert.equal((await authority.authorize(q('T0K1', 'x","'))).botToken, 'xoxb-canary-k1');
    assert.equal((await authority.authorize(q('T0K1'))).botToken, 'xoxb-canary-k1');
  } finally {
    await sqlite.close();
  }
});

test("dropping a team's cache entries (a save, a refresh) drops its bot and user entries only, and refills cache again", async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'slackline-drop-')), 'drop.db');
  const sqlite = new SqliteInstallationStore(path, { keys: new KeyRing([{ id: 'k', key: randomBytes(32) }]) });
  try {
    for (const team of ['T0D1', 'T0D2']) await sqlite.save(install({ team, token: `xoxb-canary-${team}-old` }));
    const { store, reads } = counted(sqlite);
    // Room for 4 entries: the evictions below must not leave a dropped team's entries answerable.
    const authority = new InstallationAuthority(store, { scopes: [], client: new WebClient(), cacheSize: 4 });
    const lookups = [q('T0D1'), q('T0D1', 'U0A'), q('T0D1', '*users'), q('T0D2')];
    const tokens = async () => Promise.all(lookups.map(async (l) => (await authority.authorize(l)).botToken));
    // What the four lookups answer (T0D1's three entries, then T0D2's), and each team's store reads so far.
    const answers = async (d1: string, d2: string, readsSoFar: Record<string, number>) => {
      assert.deepEqual(await tokens(), [d1, d1, d1, d2]);
      assert.deepEqual(Object.fromEntries(reads), readsSoFar);
    };
    assert.deepEqual(await tokens(), [
      'xoxb-canary-T0D1-old',
      'xoxb-canary-T0D1-old',
      'xoxb-canary-T0D1-old',
      'xoxb-canary-T0D2-old',
    ]);
    await answers('xoxb-canary-T0D1-old', 'xoxb-canary-T0D2-old', { T0D1: 3, T0D2: 1 }); // the second round came from the cache
    for (const team of ['T0D1', 'T0D2']) await sqlite.save(install({ team, token: `xoxb-canary-${team}-new` }));
    authority.invalidate(q('T0D1'));
    // Every entry of T0D1 is read again; T0D2's (not invalidated) is still answered from the cache.
    await answers('xoxb-canary-T0D1-new', 'xoxb-canary-T0D2-old', { T0D1: 6, T0D2: 1 });
    // The entries read after the drop are cached again, and dropped again by the next invalidate().
    await answers('xoxb-canary-T0D1-new', 'xoxb-canary-T0D2-old', { T0D1: 6, T0D2: 1 });
    await sqlite.save(install({ team: 'T0D1', token: 'xoxb-canary-T0D1-newer' }));
    authority.invalidate(q('T0D1'));
    // A fifth key evicts an entry of the dropped team (T0D1's bot entry), not T0D2's answered one.
    await sqlite.save(install({ team: 'T0D3', token: 'xoxb-canary-T0D3' }));
    assert.equal((await authority.authorize(q('T0D3'))).botToken, 'xoxb-canary-T0D3');
    assert.deepEqual(await tokens(), [
      'xoxb-canary-T0D1-newer',
      'xoxb-canary-T0D1-newer',
      'xoxb-canary-T0D1-newer',
      'xoxb-canary-T0D2-old',
    ]);
    authority.invalidate(q('T0D2'));
    assert.equal((await authority.authorize(q('T0D2'))).botToken, 'xoxb-canary-T0D2-new');
  } finally {
    await sqlite.close();
  }
});

test('a full cache evicts the entry not answered since it was filled, not the one answered since', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'slackline-evict-')), 'evict.db');
  const sqlite = new SqliteInstallationStore(path, { keys: new KeyRing([{ id: 'k', key: randomBytes(32) }]) });
  try {
    for (const team of ['T0E1', 'T0E2', 'T0E3']) await sqlite.save(install({ team, token: `xoxb-canary-${team}` }));
    const { store, reads } = counted(sqlite);
    const authority = new InstallationAuthority(store, { scopes: [], client: new WebClient(), cacheSize: 2 });
    for (const team of ['T0E1', 'T0E2']) await authority.authorize(q(team));
    await authority.authorize(q('T0E1')); // answered from the cache: T0E2 is now the least recently used
    await authority.authorize(q('T0E3')); // the cache is full: one entry goes
    assert.deepEqual(Object.fromEntries(reads), { T0E1: 1, T0E2: 1, T0E3: 1 });
    await authority.authorize(q('T0E1'));
    assert.equal(reads.get('T0E1'), 1, 'T0E1, answered since it was filled, was kept');
    await authority.authorize(q('T0E2'));
    assert.equal(reads.get('T0E2'), 2, 'T0E2 was evicted and read again');
  } finally {
    await sqlite.close();
  }
});
