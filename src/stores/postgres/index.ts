// slackline/stores/postgres: installations and OAuth state in PostgreSQL (`pg`, pooled), for many
// `serve` processes behind a load balancer. Tables are created on first use, under an advisory lock
// so that processes starting together do not race; an upsert is one statement, so concurrent
// installs of one team end in one current row.
import type pg from 'pg';
import type { KeyRing } from '../../crypto/index.js';
import type { EventDedupeStore } from '../../events/dedupe.js';
import { type Clock, systemClock, wholeMs } from '../../http/clock.js';
import { InvalidArgumentError } from '../../http/errors.js';
import { RowInstallationStore } from '../../oauth/row-store.js';
import {
  ALL_ROWS,
  ALL_USERS,
  type Claimed,
  keyId,
  type NewRow,
  type Row,
  type RowBackend,
  type RowKey,
  rowFromSql,
  type SqlRow,
} from '../../oauth/rows.js';
import type { StateRecord, StateStore } from '../../oauth/types.js';
import { loadDriver } from '../driver.js';
import { Failed, TurnBatch } from '../turn-batch.js';
import type { PostgresPool } from './pool.js';

export { DriverMissingError, LeaseTimeoutError, StoreErrorCode, StoreUnreachableError } from '../../oauth/errors.js';
export type { PostgresPool, PostgresPoolClient } from './pool.js';

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * A statement of the hot paths (lookups, lease claims, write-backs), run as a named prepared
 * statement: each pooled connection has it parsed and planned once, then sends only its values,
 * where a text query is parsed and planned by the server at every call. Its text never varies.
 */
interface Prepared {
  readonly name: string;
  readonly text: string;
}

const prepared = (name: string, text: string): Prepared => ({ name: `slackline_${name}`, text });

/**
 * The installation columns, listed: a prepared `SELECT *` fails ("cached plan must not change result
 * type") on every connection that prepared it once a migration adds a column.
 */
const COLUMNS = 'enterprise_id, team_id, user_id, app_id, meta, secrets, installed_at, updated_at, version';
const rColumns = COLUMNS.split(', ')
  .map((c) => `r.${c}`)
  .join(', ');

function schemaSql(s: string): string {
  return `
CREATE SCHEMA IF NOT EXISTS ${s};
CREATE TABLE IF NOT EXISTS ${s}.slackline_installations (
  enterprise_id TEXT NOT NULL, team_id TEXT NOT NULL, user_id TEXT NOT NULL,
  app_id TEXT, meta TEXT NOT NULL, secrets TEXT NOT NULL,
  installed_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, version INTEGER NOT NULL,
  PRIMARY KEY (enterprise_id, team_id, user_id)
);
CREATE TABLE IF NOT EXISTS ${s}.slackline_installation_history (
  id BIGSERIAL PRIMARY KEY,
  enterprise_id TEXT NOT NULL, team_id TEXT NOT NULL, user_id TEXT NOT NULL,
  app_id TEXT, meta TEXT NOT NULL, installed_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, version INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS slackline_installation_history_key
  ON ${s}.slackline_installation_history (enterprise_id, team_id, user_id, id);
CREATE TABLE IF NOT EXISTS ${s}.slackline_oauth_states (
  state TEXT PRIMARY KEY, expires_at BIGINT NOT NULL, data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS ${s}.slackline_event_ids (
  event_id TEXT PRIMARY KEY, expires_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS ${s}.slackline_refresh_leases (
  enterprise_id TEXT NOT NULL, team_id TEXT NOT NULL, user_id TEXT NOT NULL, owner TEXT NOT NULL, until BIGINT NOT NULL,
  PRIMARY KEY (enterprise_id, team_id, user_id)
);`;
}

export interface PostgresOptions {
  /** postgres://... */
  connectionString: string;
  /** Schema for the tables (created if missing); default 'public'. */
  schema?: string;
  /** Pool size; default 10. */
  max?: number;
  /** How long a query waits for a pooled connection (or a new one) before failing; default 10,000 ms. */
  connectionTimeoutMs?: number;
  /**
   * Lookups, lease claims and write-backs run as named prepared statements, planned once per
   * connection (default true). Set false behind a pooler in transaction mode that cannot keep them
   * (pgbouncer before 1.21, or without `max_prepared_statements`): each is then sent as text.
   */
  preparedStatements?: boolean;
}

/** One pool and the migrations, shared by the installation and state stores of one process. */
export class PostgresDatabase {
  /** The driver's pool (a pg `Pool`): for your own queries on the same connections. */
  readonly pool: PostgresPool;
  readonly #pool: pg.Pool;
  readonly schema: string;
  #ready: Promise<void> | undefined;
  readonly #texts = new Map<Prepared, string>();
  readonly #named: boolean;

  constructor(options: PostgresOptions) {
    this.schema = options.schema ?? 'public';
    this.#named = options.preparedStatements ?? true;
    if (!IDENT.test(this.schema)) throw new InvalidArgumentError('schema must be a lower-case SQL identifier');
    const timeout = options.connectionTimeoutMs ?? 10_000;
    if (!(timeout > 0)) throw new InvalidArgumentError('connectionTimeoutMs must be a positive number of ms');
    this.#pool = new (loadDriver<typeof pg>('pg', '8.x').Pool)({
      connectionString: options.connectionString,
      max: options.max ?? 10,
      connectionTimeoutMillis: timeout,
    });
    this.#pool.on('error', () => {}); // an idle client lost its connection; the next query reconnects
    this.pool = this.#pool;
  }

  ready(): Promise<void> {
    this.#ready ??= (async () => {
      const client = await this.#pool.connect();
      try {
        await client.query('BEGIN');
        await client.query("SELECT pg_advisory_xact_lock(hashtext('slackline_migrations'))");
        await client.query(schemaSql(this.schema));
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        this.#ready = undefined;
        throw err;
      } finally {
        client.release();
      }
    })();
    return this.#ready;
  }

  async query<T extends object>(text: string, values: unknown[]): Promise<T[]> {
    await this.ready();
    return (await this.#pool.query(this.#inSchema(text), values)).rows as T[];
  }

  /** Runs a prepared statement (see Prepared), with its text for this schema made once. */
  async run<T extends object>(statement: Prepared, values: unknown[]): Promise<T[]> {
    await this.ready();
    let text = this.#texts.get(statement);
    if (text === undefined) {
      text = this.#inSchema(statement.text);
      this.#texts.set(statement, text);
    }
    const query = this.#named ? { name: statement.name, text, values } : { text, values };
    return (await this.#pool.query(query)).rows as T[];
  }

  /** A statement's text with `$schema` spelled as this database's schema. */
  #inSchema(text: string): string {
    return text.replaceAll('$schema', this.schema);
  }

  close(): Promise<void> {
    return this.#pool.end();
  }
}

/** An installation row by its key: every uncached lookup. */
const GET = prepared(
  'get',
  `SELECT ${COLUMNS} FROM $schema.slackline_installations WHERE enterprise_id = $1 AND team_id = $2 AND user_id = $3`,
);

/** See PostgresRowBackend.claimLease. xmax is 0 on a freshly inserted lease, set on a lapsed one taken over. */
const CLAIM_ONE = prepared(
  'claim',
  `WITH claim AS (
     INSERT INTO $schema.slackline_refresh_leases VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (enterprise_id, team_id, user_id) DO UPDATE SET owner = excluded.owner, until = excluded.until
     WHERE slackline_refresh_leases.until <= $6 RETURNING xmax <> 0 AS interrupted)
   SELECT claim.interrupted, r.enterprise_id IS NOT NULL AS found, ${rColumns} FROM claim LEFT JOIN LATERAL (
     SELECT ${COLUMNS} FROM $schema.slackline_installations
     WHERE enterprise_id = $1 AND team_id = $2 AND user_id = $3 FOR SHARE) r ON true`,
);

/** The claims of a batch, as CLAIM_ONE does each (arrays of keys, owners and ends; the earliest now). */
const CLAIM_MANY = prepared(
  'claim_many',
  `WITH claim AS (
     INSERT INTO $schema.slackline_refresh_leases
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[])
     ON CONFLICT (enterprise_id, team_id, user_id) DO UPDATE SET owner = excluded.owner, until = excluded.until
     WHERE slackline_refresh_leases.until <= $6
     RETURNING enterprise_id, team_id, user_id, owner, xmax <> 0 AS interrupted)
   SELECT claim.owner AS lease_owner, claim.interrupted, r.enterprise_id IS NOT NULL AS found, ${rColumns}
   FROM claim LEFT JOIN LATERAL (
     SELECT ${COLUMNS} FROM $schema.slackline_installations i
     WHERE i.enterprise_id = claim.enterprise_id AND i.team_id = claim.team_id AND i.user_id = claim.user_id
     FOR SHARE) r ON true`,
);

/** Lets our lease go, writing nothing. */
const DROP_LEASE = prepared(
  'drop_lease',
  `DELETE FROM $schema.slackline_refresh_leases
   WHERE enterprise_id = $1 AND team_id = $2 AND user_id = $3 AND owner = $4 RETURNING owner`,
);

/** Drops our lease and, only if it was ours and the version did not move, writes the row. */
const FINISH_ONE = prepared(
  'finish',
  `WITH mine AS (${DROP_LEASE.text})
   UPDATE $schema.slackline_installations SET meta = $5, secrets = $6, updated_at = $7, version = version + 1
   WHERE enterprise_id = $1 AND team_id = $2 AND user_id = $3 AND version = $8 AND EXISTS (SELECT 1 FROM mine)
   RETURNING version`,
);

/** The write-backs of a batch, as FINISH_ONE (or DROP_LEASE, with a null meta) does each. */
const FINISH_MANY = prepared(
  'finish_many',
  `WITH input AS (
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::int[])
       AS i(enterprise_id, team_id, user_id, owner, meta, secrets, now, version)),
   mine AS (
     DELETE FROM $schema.slackline_refresh_leases l USING input i
     WHERE l.enterprise_id = i.enterprise_id AND l.team_id = i.team_id AND l.user_id = i.user_id AND l.owner = i.owner
     RETURNING l.owner)
   UPDATE $schema.slackline_installations r
   SET meta = i.meta, secrets = i.secrets, updated_at = i.now, version = r.version + 1
   FROM input i
   WHERE i.meta IS NOT NULL AND r.enterprise_id = i.enterprise_id AND r.team_id = i.team_id
     AND r.user_id = i.user_id AND r.version = i.version AND i.owner IN (SELECT owner FROM mine)
   RETURNING i.owner`,
);

type ClaimOp = { k: RowKey; owner: string; until: number; now: number };
type FinishOp = { k: RowKey; owner: string; write: { row: NewRow; version: number } | undefined; now: number };

/** The PostgreSQL rows under PostgresInstallationStore (exported for composing stores and for tests). */
export class PostgresRowBackend implements RowBackend {
  // Group commit: the claims (and the write-backs) asked for in one turn are one statement, one round
  // trip and one commit; each caller is answered from what that statement returned, once it has.
  readonly #claims = new TurnBatch<ClaimOp, Claimed | undefined>((ops) =>
    this.#batched(
      ops,
      (one) => this.#claimOne(one),
      (many) => this.#claimMany(many),
    ),
  );
  readonly #finishes = new TurnBatch<FinishOp, boolean>((ops) =>
    this.#batched(
      ops,
      (one) => this.#finishOne(one),
      (many) => this.#finishMany(many),
    ),
  );

  constructor(
    private readonly db: PostgresDatabase,
    private readonly owned = false,
  ) {}

  /**
   * One statement for the batch, or the single-row one for a batch of one. Operations on a key already
   * in the statement go in the next one (an upsert may not touch a row twice). When the batched
   * statement fails (it is rolled back whole), each operation is run alone, so one that fails fails
   * by itself.
   */
  async #batched<Op extends { k: RowKey }, R>(
    ops: Op[],
    one: (op: Op) => Promise<R>,
    many: (ops: Op[]) => Promise<R[]>,
  ): Promise<(R | Failed)[]> {
    const alone = (op: Op) => one(op).catch((error: unknown) => new Failed(error));
    if (ops.length === 1) return [await alone(ops[0] as Op)];
    const seen = new Set<string>();
    const now: Op[] = [];
    const later = new Set<number>();
    for (const [i, op] of ops.entries()) {
      const key = keyId(op.k);
      if (seen.has(key)) later.add(i);
      else {
        seen.add(key);
        now.push(op);
      }
    }
    let first: (R | Failed)[];
    try {
      first = await many(now);
    } catch {
      first = await Promise.all(now.map(alone));
    }
    const out: (R | Failed)[] = [];
    let j = 0;
    for (let i = 0; i < ops.length; i++) {
      out.push(later.has(i) ? await alone(ops[i] as Op) : (first[j++] as R | Failed));
    }
    return out;
  }

  async upsert(rows: NewRow[], now: number): Promise<void> {
    if (rows.length === 0) return; // (an empty VALUES list is not SQL)
    // One statement: the upserts and their history rows commit together.
    const values: unknown[] = [];
    const tuples = rows.map((r, i) => {
      values.push(r.enterpriseId, r.teamId, r.userId, r.appId, r.meta, r.secrets, now);
      const b = i * 7;
      return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7}::bigint, $${b + 7}::bigint, 1)`;
    });
    await this.db.query(
      `WITH up AS (
         INSERT INTO $schema.slackline_installations VALUES ${tuples.join(', ')}
         ON CONFLICT (enterprise_id, team_id, user_id) DO UPDATE SET app_id = excluded.app_id, meta = excluded.meta,
           secrets = excluded.secrets, installed_at = excluded.installed_at, updated_at = excluded.updated_at,
           version = slackline_installations.version + 1
         RETURNING enterprise_id, team_id, user_id, app_id, meta, installed_at, updated_at, version)
       INSERT INTO $schema.slackline_installation_history
         (enterprise_id, team_id, user_id, app_id, meta, installed_at, updated_at, version) SELECT * FROM up`,
      values,
    );
  }

  /**
   * The lease is a row in slackline_refresh_leases, taken by one autocommit upsert that only replaces
   * a lapsed lease: no transaction, lock or pooled connection stays open while Slack is called. The
   * same statement reads the row once the lease is taken (one round trip, not two). It must see the
   * row as the previous holder left it, although the statement's snapshot may be older than that
   * holder's write-back (the upsert waits for the write-back's transaction, which deletes its lease):
   * FOR SHARE makes PostgreSQL (READ COMMITTED) return the latest committed version of the row
   * instead of the snapshot's, as a separate SELECT after the claim would.
   */
  claimLease(k: RowKey, owner: string, until: number, now: number): Promise<Claimed | undefined> {
    return this.#claims.add({ k, owner, until, now });
  }

  async #claimOne({ k, owner, until, now }: ClaimOp): Promise<Claimed | undefined> {
    const taken = await this.db.run<SqlRow & { interrupted: boolean; found: boolean }>(CLAIM_ONE, [
      k.enterpriseId,
      k.teamId,
      k.userId,
      owner,
      until,
      now,
    ]);
    const first = taken[0];
    if (first === undefined) return undefined;
    return { row: first.found ? rowFromSql(first) : undefined, interrupted: first.interrupted };
  }

  /**
   * The claims of a batch as one statement, as #claimOne does each. A lapsed lease is taken over only
   * if it lapsed by the earliest `now` of the batch (never earlier than its own caller would).
   */
  async #claimMany(ops: ClaimOp[]): Promise<(Claimed | undefined)[]> {
    const col = <T>(f: (op: ClaimOp) => T) => ops.map(f);
    const taken = await this.db.run<SqlRow & { lease_owner: string; interrupted: boolean; found: boolean }>(
      CLAIM_MANY,
      [
        col((o) => o.k.enterpriseId),
        col((o) => o.k.teamId),
        col((o) => o.k.userId),
        col((o) => o.owner),
        col((o) => o.until),
        Math.min(...col((o) => o.now)),
      ],
    );
    const byOwner = new Map(taken.map((t) => [t.lease_owner, t]));
    return ops.map((o) => {
      const t = byOwner.get(o.owner);
      return t === undefined ? undefined : { row: t.found ? rowFromSql(t) : undefined, interrupted: t.interrupted };
    });
  }

  finishLease(
    k: RowKey,
    owner: string,
    write: { row: NewRow; version: number } | undefined,
    now: number,
  ): Promise<boolean> {
    return this.#finishes.add({ k, owner, write, now });
  }

  /** The write-backs of a batch as one statement, as #finishOne does each. */
  async #finishMany(ops: FinishOp[]): Promise<boolean[]> {
    const col = <T>(f: (op: FinishOp) => T) => ops.map(f);
    const written = await this.db.run<{ owner: string }>(FINISH_MANY, [
      col((o) => o.k.enterpriseId),
      col((o) => o.k.teamId),
      col((o) => o.k.userId),
      col((o) => o.owner),
      col((o) => o.write?.row.meta ?? null),
      col((o) => o.write?.row.secrets ?? null),
      col((o) => o.now),
      col((o) => o.write?.version ?? 0),
    ]);
    const owners = new Set(written.map((w) => w.owner));
    return ops.map((o) => owners.has(o.owner));
  }

  /** One statement: drop our lease and, only if it was ours and the version did not move, write the row. */
  async #finishOne({ k, owner, write, now }: FinishOp): Promise<boolean> {
    const key = [k.enterpriseId, k.teamId, k.userId, owner];
    if (write === undefined) {
      await this.db.run(DROP_LEASE, key);
      return false;
    }
    const written = await this.db.run(FINISH_ONE, [...key, write.row.meta, write.row.secrets, now, write.version]);
    return written.length === 1;
  }

  async get(k: RowKey): Promise<Row | undefined> {
    const rows = await this.db.run<SqlRow>(GET, [k.enterpriseId, k.teamId, k.userId]);
    return rows[0] === undefined ? undefined : rowFromSql(rows[0]);
  }

  /**
   * One statement: the DELETE ... WHERE installed_at <= cut-off, and a count of the addressed rows
   * installed later. A save committing meanwhile is not deleted: PostgreSQL re-checks a row that
   * changed under the DELETE against its new installed_at.
   */
  async delete(k: RowKey, installedUpTo = Infinity): Promise<{ deleted: number; kept: number }> {
    const which = k.userId === ALL_ROWS ? '' : k.userId === ALL_USERS ? " AND user_id <> ''" : ' AND user_id = $3';
    const values: unknown[] =
      k.userId === ALL_ROWS || k.userId === ALL_USERS
        ? [k.enterpriseId, k.teamId]
        : [k.enterpriseId, k.teamId, k.userId];
    const where = `enterprise_id = $1 AND team_id = $2${which}`;
    if (installedUpTo === Infinity) {
      const gone = await this.db.query(
        `DELETE FROM $schema.slackline_installations WHERE ${where} RETURNING 1 AS one`,
        values,
      );
      return { deleted: gone.length, kept: 0 };
    }
    // BIGINT epoch ms: a fractional or out-of-range cut-off is floored and clamped.
    const upTo = Math.min(Math.max(Math.floor(installedUpTo), Number.MIN_SAFE_INTEGER), Number.MAX_SAFE_INTEGER);
    const cut = `$${values.length + 1}::bigint`;
    const rows = await this.db.query<{ deleted: string; kept: string }>(
      `WITH gone AS (DELETE FROM $schema.slackline_installations WHERE ${where} AND installed_at <= ${cut} RETURNING 1)
       SELECT (SELECT count(*) FROM gone) AS deleted,
              (SELECT count(*) FROM $schema.slackline_installations WHERE ${where} AND installed_at > ${cut}) AS kept`,
      [...values, upTo],
    );
    return { deleted: Number(rows[0]?.deleted ?? 0), kept: Number(rows[0]?.kept ?? 0) };
  }

  async listBots(after: RowKey | undefined, limit: number): Promise<Row[]> {
    const rows = await this.db.query<SqlRow>(
      `SELECT * FROM $schema.slackline_installations WHERE user_id = '' AND (enterprise_id COLLATE "C", team_id COLLATE "C") > ($1, $2)
       ORDER BY enterprise_id COLLATE "C", team_id COLLATE "C" LIMIT $3`,
      [after?.enterpriseId ?? '', after?.teamId ?? '', limit],
    );
    return rows.map(rowFromSql);
  }

  async listAll(after: RowKey | undefined, limit: number): Promise<Row[]> {
    const k = after ?? { enterpriseId: '', teamId: '', userId: '' };
    const rows = await this.db.query<SqlRow>(
      `SELECT * FROM $schema.slackline_installations
       WHERE (enterprise_id COLLATE "C", team_id COLLATE "C", user_id COLLATE "C") > ($1, $2, $3)
       ORDER BY enterprise_id COLLATE "C", team_id COLLATE "C", user_id COLLATE "C" LIMIT $4`,
      [k.enterpriseId, k.teamId, k.userId, limit],
    );
    return rows.map(rowFromSql);
  }

  async history(k: RowKey): Promise<Row[]> {
    const rows = await this.db.query<SqlRow>(
      `SELECT *, '' AS secrets FROM $schema.slackline_installation_history
       WHERE enterprise_id = $1 AND team_id = $2 AND user_id = $3 ORDER BY id DESC`,
      [k.enterpriseId, k.teamId, k.userId],
    );
    return rows.map(rowFromSql);
  }

  async close(): Promise<void> {
    await Promise.all([this.#claims.flush(), this.#finishes.flush()]); // nothing asked for is left unanswered
    if (this.owned) await this.db.close();
  }
}

export interface PostgresStoreOptions {
  keys: KeyRing;
  /** The one clock (epoch ms); default the system clock. */
  clock?: Clock;
}

export class PostgresInstallationStore extends RowInstallationStore {
  /** `database`: connection options (the store owns the pool) or a shared PostgresDatabase. */
  constructor(database: PostgresOptions | PostgresDatabase, options: PostgresStoreOptions) {
    const owned = !(database instanceof PostgresDatabase);
    super(new PostgresRowBackend(owned ? new PostgresDatabase(database) : database, owned), options);
  }
}

export class PostgresStateStore implements StateStore {
  readonly #clock: Clock;
  constructor(
    private readonly db: PostgresDatabase,
    options: { clock?: Clock } = {},
  ) {
    this.#clock = wholeMs(options.clock ?? systemClock);
  }

  async put(state: string, record: StateRecord): Promise<void> {
    await this.db.query('INSERT INTO $schema.slackline_oauth_states VALUES ($1, $2, $3)', [
      state,
      record.expiresAt,
      JSON.stringify(record.data),
    ]);
    if (Math.random() < 1 / 256) {
      await this.db.query('DELETE FROM $schema.slackline_oauth_states WHERE expires_at < $1', [this.#clock.now()]);
    }
  }

  async consume(state: string, now: number): Promise<StateRecord | undefined> {
    const rows = await this.db.query<{ expires_at: string; data: string }>(
      'DELETE FROM $schema.slackline_oauth_states WHERE state = $1 RETURNING expires_at, data',
      [state],
    );
    const row = rows[0];
    if (row === undefined || Number(row.expires_at) <= now) return undefined;
    return { expiresAt: Number(row.expires_at), data: JSON.parse(row.data) as Record<string, string> };
  }

  async close(): Promise<void> {}
}

/** Event ids claimed by every process on one database: one upsert that only takes over an expired claim. */
export class PostgresDedupeStore implements EventDedupeStore {
  constructor(private readonly db: PostgresDatabase) {}

  async claim(eventId: string, ttlMs: number, now: number): Promise<boolean> {
    if (Math.random() < 1 / 256) {
      await this.db.query('DELETE FROM $schema.slackline_event_ids WHERE expires_at <= $1', [now]);
    }
    const rows = await this.db.query(
      `INSERT INTO $schema.slackline_event_ids VALUES ($1, $2) ON CONFLICT (event_id) DO UPDATE
       SET expires_at = excluded.expires_at WHERE slackline_event_ids.expires_at <= $3 RETURNING event_id`,
      [eventId, now + ttlMs, now],
    );
    return rows.length === 1;
  }

  async release(eventId: string): Promise<void> {
    await this.db.query('DELETE FROM $schema.slackline_event_ids WHERE event_id = $1', [eventId]);
  }

  async close(): Promise<void> {}
}
