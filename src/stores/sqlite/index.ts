// slackline/stores/sqlite: installations and OAuth state in one SQLite file (better-sqlite3 12.x).
// WAL so readers never wait for the writer, synchronous=FULL so a completed install survives power
// loss (a refresh lease's claim alone commits at NORMAL: see lease.ts), and BEGIN IMMEDIATE for every
// read-then-write so two processes cannot interleave one.
import type Database from 'better-sqlite3';
import type { KeyRing } from '../../crypto/index.js';
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
import { driverHandle } from './driver-handle.js';
import type { SqliteHandle } from './handle.js';
import { SqliteLeases } from './lease.js';
import { openDatabase } from './open.js';

export { DriverMissingError, LeaseTimeoutError, StoreErrorCode, StoreUnreachableError } from '../../oauth/errors.js';
export { SqliteDedupeStore } from './dedupe.js';
export type { SqliteHandle, SqliteStatement } from './handle.js';

/** Opens (and creates) the database; `path` may be ':memory:'. */
export function openSqlite(path: string): SqliteHandle {
  return openDatabase(path, 'FULL');
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
    await this.#leases.flush(); // claims and write-backs already asked for are committed, not dropped
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
