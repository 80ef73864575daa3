// slackline/stores/sqlite: installations and OAuth state in one SQLite file (better-sqlite3 12.x).
// WAL so readers never wait for the writer, synchronous=FULL so a completed install survives power
// loss (a refresh lease's claim alone commits at NORMAL: see lease.ts), and BEGIN IMMEDIATE for every
// read-then-write so two processes cannot interleave one.
import type Database from 'better-sqlite3';
import type { KeyRing } from '../../crypto/index.js';
import type { EventDedupeStore } from '../../events/dedupe.js';
import { type Clock, systemClock } from '../../http/clock.js';
import { RowInstallationStore } from '../../oauth/row-store.js';
import {
  ALL_ROWS,
  ALL_USERS,
  type Claimed,
  type NewRow,
  type Row,
  type RowBackend,
  type RowKey,
  rowFromSql,
  type SqlRow,
} from '../../oauth/rows.js';
import type { StateRecord, StateStore } from '../../oauth/types.js';
import { loadDriver } from '../driver.js';
import { driverHandle } from './driver-handle.js';
import type { SqliteHandle } from './handle.js';
import { SqliteLeases } from './lease.js';

export { DriverMissingError, LeaseTimeoutError, StoreErrorCode, StoreUnreachableError } from '../../oauth/errors.js';
export type { SqliteHandle, SqliteStatement } from './handle.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS slackline_installations (
  enterprise_id TEXT NOT NULL, team_id TEXT NOT NULL, user_id TEXT NOT NULL,
  app_id TEXT, meta TEXT NOT NULL, secrets TEXT NOT NULL,
  installed_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, version INTEGER NOT NULL,
  PRIMARY KEY (enterprise_id, team_id, user_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS slackline_installation_history (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  enterprise_id TEXT NOT NULL, team_id TEXT NOT NULL, user_id TEXT NOT NULL,
  app_id TEXT, meta TEXT NOT NULL, installed_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, version INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS slackline_installation_history_key
  ON slackline_installation_history (enterprise_id, team_id, user_id, id);
CREATE TABLE IF NOT EXISTS slackline_oauth_states (
  state TEXT PRIMARY KEY, expires_at INTEGER NOT NULL, data TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS slackline_event_ids (
  event_id TEXT PRIMARY KEY, expires_at INTEGER NOT NULL
) WITHOUT ROWID;
`;

/** Opens (and creates) the database; `path` may be ':memory:'. */
export function openSqlite(path: string): SqliteHandle {
  return open(path, 'FULL');
}

function open(path: string, synchronous: 'FULL' | 'NORMAL'): Database.Database {
  const Driver = loadDriver<typeof Database>('better-sqlite3', '12.x');
  const db = new Driver(path);
  db.pragma('busy_timeout = 5000');
  // Switching a fresh file to WAL and creating the tables take locks that SQLite may refuse at once
  // (SQLITE_BUSY without waiting) when another process opens the same new database at that moment.
  untilNotBusy(() => db.pragma('journal_mode = WAL'));
  db.pragma(`synchronous = ${synchronous}`);
  untilNotBusy(() => db.exec(SCHEMA));
  return db;
}

/** Runs `fn` again while SQLite answers SQLITE_BUSY, for up to 5 s (opening only; not a query path). */
function untilNotBusy(fn: () => unknown): void {
  const started = performance.now();
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      fn();
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_BUSY' || performance.now() - started > 5_000) throw err;
      Atomics.wait(pause, 0, 0, 10 + Math.random() * 20);
    }
  }
}

/** The SQLite rows under SqliteInstallationStore (exported for composing stores and for tests). */
export class SqliteRowBackend implements RowBackend {
  readonly #upsert: (rows: NewRow[], now: number) => void;
  readonly #get: Database.Statement<[string, string, string], SqlRow>;
  readonly #list: Database.Statement<[string, string, string, number], SqlRow>;
  readonly #listAll: Database.Statement<[string, string, string, number], SqlRow>;
  readonly #history: Database.Statement<[string, string, string], SqlRow>;
  /** Deletes the addressed rows installed at or before a time, and counts those kept, in one transaction. */
  readonly #delete: (k: RowKey, installedUpTo: number) => { deleted: number; kept: number };
  readonly #leases: SqliteLeases;
  private readonly db: Database.Database;

  constructor(
    handle: SqliteHandle,
    private readonly owned = false,
  ) {
    const db = driverHandle(handle);
    this.db = db;
    const upsert = db.prepare<
      [string, string, string, string | null, string, string, number, number],
      { installed_at: number; version: number }
    >(
      `INSERT INTO slackline_installations VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)
       ON CONFLICT (enterprise_id, team_id, user_id) DO UPDATE SET app_id = excluded.app_id, meta = excluded.meta,
         secrets = excluded.secrets, installed_at = excluded.installed_at, updated_at = excluded.updated_at,
         version = slackline_installations.version + 1
       RETURNING installed_at, version`,
    );
    const history = db.prepare(
      `INSERT INTO slackline_installation_history (enterprise_id, team_id, user_id, app_id, meta, installed_at, updated_at, version)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const tx = db.transaction((rows: NewRow[], now: number) => {
      for (const r of rows) {
        const done = upsert.get(r.enterpriseId, r.teamId, r.userId, r.appId, r.meta, r.secrets, now, now) as {
          installed_at: number;
          version: number;
        };
        history.run(r.enterpriseId, r.teamId, r.userId, r.appId, r.meta, done.installed_at, now, done.version);
      }
    });
    this.#upsert = (rows, now) => tx.immediate(rows, now);
    this.#get = db.prepare(
      'SELECT * FROM slackline_installations WHERE enterprise_id = ? AND team_id = ? AND user_id = ?',
    );
    this.#list = db.prepare(
      `SELECT * FROM slackline_installations WHERE user_id = '' AND (enterprise_id > ? OR (enterprise_id = ? AND team_id > ?))
       ORDER BY enterprise_id, team_id LIMIT ?`,
    );
    this.#listAll = db.prepare(
      `SELECT * FROM slackline_installations WHERE (enterprise_id, team_id, user_id) > (?, ?, ?)
       ORDER BY enterprise_id, team_id, user_id LIMIT ?`,
    );
    this.#history = db.prepare(
      `SELECT *, '' AS secrets FROM slackline_installation_history WHERE enterprise_id = ? AND team_id = ? AND user_id = ? ORDER BY id DESC`,
    );
    // One pair of statements per kind of key: the rows of one user, every user row, every row.
    const where = {
      one: 'enterprise_id = ? AND team_id = ? AND user_id = ?',
      users: "enterprise_id = ? AND team_id = ? AND user_id <> ''",
      all: 'enterprise_id = ? AND team_id = ?',
    };
    const statements = (w: string) => ({
      drop: db.prepare<unknown[]>(`DELETE FROM slackline_installations WHERE ${w} AND installed_at <= ?`),
      kept: db.prepare<unknown[], { n: number }>(
        `SELECT count(*) AS n FROM slackline_installations WHERE ${w} AND installed_at > ?`,
      ),
    });
    const byKind = { one: statements(where.one), users: statements(where.users), all: statements(where.all) };
    const remove = db.transaction((k: RowKey, upTo: number) => {
      const kind = k.userId === ALL_ROWS ? 'all' : k.userId === ALL_USERS ? 'users' : 'one';
      const args = kind === 'one' ? [k.enterpriseId, k.teamId, k.userId] : [k.enterpriseId, k.teamId];
      const { drop, kept } = byKind[kind];
      const deleted = drop.run(...args, upTo).changes;
      return { deleted, kept: (kept.get(...args, upTo) as { n: number }).n };
    });
    this.#delete = (k, upTo) => remove.immediate(k, upTo);
    this.#leases = new SqliteLeases(db, (k) => this.#getSync(k));
  }

  #getSync(k: RowKey): Row | undefined {
    const r = this.#get.get(k.enterpriseId, k.teamId, k.userId);
    return r === undefined ? undefined : rowFromSql(r);
  }

  async claimLease(k: RowKey, owner: string, until: number, now: number): Promise<Claimed | undefined> {
    return this.#leases.claim(k, owner, until, now);
  }

  async finishLease(
    k: RowKey,
    owner: string,
    write: { row: NewRow; version: number } | undefined,
    now: number,
  ): Promise<boolean> {
    return this.#leases.finish(k, owner, write, now);
  }

  async upsert(rows: NewRow[], now: number): Promise<void> {
    this.#upsert(rows, now);
  }

  async get(k: RowKey): Promise<Row | undefined> {
    return this.#getSync(k);
  }

  async delete(k: RowKey, installedUpTo = Infinity): Promise<{ deleted: number; kept: number }> {
    // SQLite compares an INTEGER column with a REAL Infinity as smaller than it: every row qualifies.
    return this.#delete(k, installedUpTo);
  }

  async listBots(after: RowKey | undefined, limit: number): Promise<Row[]> {
    // ('', '') is never a key, so "after nothing" is after ('', '').
    const e = after?.enterpriseId ?? '';
    const t = after?.teamId ?? '';
    return this.#list.all(e, e, t, limit).map(rowFromSql);
  }

  async listAll(after: RowKey | undefined, limit: number): Promise<Row[]> {
    const k = after ?? { enterpriseId: '', teamId: '', userId: '' };
    return this.#listAll.all(k.enterpriseId, k.teamId, k.userId, limit).map(rowFromSql);
  }

  async history(k: RowKey): Promise<Row[]> {
    return this.#history.all(k.enterpriseId, k.teamId, k.userId).map(rowFromSql);
  }

  async close(): Promise<void> {
    if (this.owned && this.db.open) this.db.close();
  }
}

export interface SqliteStoreOptions {
  /** Required: tokens are sealed at rest. */
  keys: KeyRing;
  /** The one clock (epoch ms); default the system clock. */
  clock?: Clock;
}

export class SqliteInstallationStore extends RowInstallationStore {
  /** `database`: a path (opened and closed by the store) or an open better-sqlite3 handle (shared). */
  constructor(database: string | SqliteHandle, options: SqliteStoreOptions) {
    const owned = typeof database === 'string';
    super(new SqliteRowBackend(owned ? openSqlite(database) : database, owned), options);
  }
}

export class SqliteStateStore implements StateStore {
  readonly #db: Database.Database;
  readonly #owned: boolean;
  readonly #put: Database.Statement<[string, number, string]>;
  readonly #consume: Database.Statement<[string], { expires_at: number; data: string }>;
  readonly #purge: Database.Statement<[number]>;
  readonly #clock: Clock;
  #puts = 0;

  constructor(database: string | SqliteHandle, options: { clock?: Clock } = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#owned = typeof database === 'string';
    this.#db = driverHandle(typeof database === 'string' ? openSqlite(database) : database);
    this.#put = this.#db.prepare('INSERT INTO slackline_oauth_states VALUES (?, ?, ?)');
    this.#consume = this.#db.prepare('DELETE FROM slackline_oauth_states WHERE state = ? RETURNING expires_at, data');
    this.#purge = this.#db.prepare('DELETE FROM slackline_oauth_states WHERE expires_at < ?');
  }

  async put(state: string, record: StateRecord): Promise<void> {
    if (++this.#puts % 256 === 0) this.#purge.run(this.#clock.now());
    this.#put.run(state, record.expiresAt, JSON.stringify(record.data));
  }

  async consume(state: string, now: number): Promise<StateRecord | undefined> {
    const row = this.#consume.get(state);
    if (row === undefined || row.expires_at <= now) return undefined;
    return { expiresAt: row.expires_at, data: JSON.parse(row.data) as Record<string, string> };
  }

  async close(): Promise<void> {
    if (this.#owned && this.#db.open) this.#db.close();
  }
}

/**
 * Event ids claimed by every process on one SQLite file: an upsert that only takes over an expired
 * claim, so the first process to commit an id wins and every later claim (here or in another process)
 * sees it. Claims made in one turn of the event loop are committed together, in one `BEGIN IMMEDIATE`
 * transaction, each still decided by its own upsert in order: a duplicate inside one batch loses to
 * the claim before it exactly as it would across two transactions.
 *
 * Durability: given a path, the store opens its own connection with `synchronous=NORMAL` (WAL): a
 * commit is written to the WAL but not fsynced (the WAL is fsynced at each checkpoint). Other
 * processes see the claim as soon as it commits, so de-duplication across processes is unchanged; what
 * a power loss (not a crash of the process) can undo is the last claims before it. The cost of losing
 * one is at most one extra run of that event's handler if Slack retries it, which a TTL store already
 * allows when an id outlives its TTL, against an fsync per event that capped `serve` at a few thousand
 * events a second. Installations and OAuth states stay on `openSqlite`'s `synchronous=FULL` connection:
 * the setting is per connection, and a FULL commit fsyncs the WAL with every frame before it. Given an
 * open handle, the store uses it as it is (its durability is the handle's).
 */
export class SqliteDedupeStore implements EventDedupeStore {
  readonly #db: Database.Database;
  readonly #owned: boolean;
  readonly #claimAll: (batch: readonly PendingClaim[]) => boolean[];
  readonly #release: Database.Statement<[string]>;
  #pending: PendingClaim[] = [];
  #claims = 0;
  /** Where the next sweep of expired ids starts (ids sort after ''). */
  #cursor = '';

  constructor(database: string | SqliteHandle) {
    this.#owned = typeof database === 'string';
    this.#db = typeof database === 'string' ? open(database, 'NORMAL') : driverHandle(database);
    const claim = this.#db.prepare<[string, number, number], { event_id: string }>(
      `INSERT INTO slackline_event_ids VALUES (?, ?) ON CONFLICT (event_id) DO UPDATE SET expires_at = excluded.expires_at
       WHERE slackline_event_ids.expires_at <= ? RETURNING event_id`,
    );
    // Expired ids are swept a slice of the key range at a time, SWEEP ids after a cursor, once every
    // SWEEP / 2 claims: the sweep goes round the table twice as fast as it grows, so it never holds
    // much more than a TTL's worth of ids, and no claim pays for a scan of the whole table (nor
    // every claim for a second index to find expired rows by).
    const sweepEnd = this.#db.prepare<[string], { event_id: string }>(
      `SELECT event_id FROM slackline_event_ids WHERE event_id > ? ORDER BY event_id LIMIT 1 OFFSET ${SWEEP - 1}`,
    );
    const sweepSlice = this.#db.prepare<[string, string, number]>(
      'DELETE FROM slackline_event_ids WHERE event_id > ? AND event_id <= ? AND expires_at <= ?',
    );
    const sweepRest = this.#db.prepare<[string, number]>(
      'DELETE FROM slackline_event_ids WHERE event_id > ? AND expires_at <= ?',
    );
    const sweep = (now: number) => {
      const end = sweepEnd.get(this.#cursor)?.event_id;
      if (end === undefined) {
        sweepRest.run(this.#cursor, now);
        this.#cursor = ''; // round again from the smallest id
      } else {
        sweepSlice.run(this.#cursor, end, now);
        this.#cursor = end;
      }
    };
    const tx = this.#db.transaction((batch: readonly PendingClaim[]) => {
      const before = this.#claims;
      this.#claims += batch.length;
      if (Math.floor(before / (SWEEP / 2)) !== Math.floor(this.#claims / (SWEEP / 2)))
        sweep((batch[0] as PendingClaim).now);
      return batch.map((c) => claim.get(c.eventId, c.now + c.ttlMs, c.now) !== undefined);
    });
    this.#claimAll = (batch) => tx.immediate(batch);
    this.#release = this.#db.prepare('DELETE FROM slackline_event_ids WHERE event_id = ?');
  }

  claim(eventId: string, ttlMs: number, now: number): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      if (this.#pending.push({ eventId, ttlMs, now, resolve, reject }) === 1) setImmediate(this.#flush);
    });
  }

  /** Commits every claim queued in this turn of the event loop, in one transaction. */
  readonly #flush = (): void => {
    const batch = this.#pending;
    if (batch.length === 0) return;
    this.#pending = [];
    let won: boolean[];
    try {
      won = this.#claimAll(batch);
    } catch (err) {
      for (const c of batch) c.reject(err);
      return;
    }
    for (let i = 0; i < batch.length; i++) (batch[i] as PendingClaim).resolve(won[i] === true);
  };

  async release(eventId: string): Promise<void> {
    this.#release.run(eventId);
  }

  async close(): Promise<void> {
    this.#flush(); // claims already made are answered, not left hanging
    if (this.#owned && this.#db.open) this.#db.close();
  }
}

/** Ids looked at by one sweep of expired claims. */
const SWEEP = 512;

interface PendingClaim {
  eventId: string;
  ttlMs: number;
  now: number;
  resolve(won: boolean): void;
  reject(err: unknown): void;
}
