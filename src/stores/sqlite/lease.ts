// Refresh leases in SQLite, kept as data: a lease row (owner, expiry) claimed by one BEGIN IMMEDIATE
// read-check-write, so exactly one caller in any process refreshes a token; the holder writes the new
// tokens as lease owner (only if the row's version did not move) and deletes the lease in one more
// transaction. Nothing is held between the two: the waiting and the time bounds live in
// RowInstallationStore, the same for every store. A holder that died leaves a lease that lapses.
//
// Durability: the claim commits at synchronous=NORMAL (the connection's level is lowered for that one
// transaction and put back), the write-back at the connection's own level (FULL from openSqlite). In
// WAL mode a NORMAL commit is written to the WAL before COMMIT returns, only not fsynced: it survives
// the death of any process, which is what the lease guards against (the crash-points test kills
// holders at every step). Only an OS crash or power loss can roll it back, and that also kills every
// process that could hold or wait for the lease, since WAL needs shared memory and so every process
// on one database runs on one machine: no one is left refreshing under a lease that was lost. What
// such a loss can take away is the report that a refresh in flight at that moment was interrupted;
// the stored refresh token is then tried once exactly as after an interrupted one, and a refusal
// marks the row for a reinstall. The write-back, which carries tokens Slack issued for a refresh
// token it has spent, is fsynced with its commit (and with it every earlier frame of the WAL, the
// claim's included). This saves one fsync per refresh, most of its cost.
//
// Group commit: the claims and write-backs asked for in one turn of the event loop are committed in
// one transaction, so refreshes that end together share its one fsync (claims that come with a
// write-back are fsynced with it; claims alone commit at NORMAL as above). Each caller is answered
// only after the commit that holds its operation returns, so what an answer promises is as durable
// as with one commit each. Each operation runs in a savepoint of its own: one that fails is rolled
// back and fails alone.
import type Database from 'better-sqlite3';
import type { Claimed, NewRow, Row, RowKey } from '../../oauth/rows.js';
import { Failed, TurnBatch } from '../turn-batch.js';

const LEASES = `CREATE TABLE IF NOT EXISTS slackline_refresh_leases (
  enterprise_id TEXT NOT NULL, team_id TEXT NOT NULL, user_id TEXT NOT NULL, owner TEXT NOT NULL, until INTEGER NOT NULL,
  PRIMARY KEY (enterprise_id, team_id, user_id)
) WITHOUT ROWID`;

type Claim = Claimed | undefined;
type Write = { row: NewRow; version: number } | undefined;
/** A claim or a write-back asked for in this turn, waiting for the turn's commit. */
type Op =
  | { kind: 'claim'; k: RowKey; owner: string; until: number; now: number }
  | { kind: 'finish'; k: RowKey; owner: string; write: Write; now: number };
/** PRAGMA synchronous levels: OFF 0, NORMAL 1, FULL 2, EXTRA 3. */
const NORMAL = 1;

export class SqliteLeases {
  /** Takes the lease for `owner` (answered once committed), or answers undefined while another holds it. */
  readonly claim: (k: RowKey, owner: string, until: number, now: number) => Promise<Claim>;
  /** Lets the lease go (writing `write` as its owner), answered once that is committed. */
  readonly finish: (k: RowKey, owner: string, write: Write, now: number) => Promise<boolean>;
  /** Commits the claims and write-backs asked for so far (the store's close() calls it). */
  readonly flush: () => Promise<void>;

  constructor(db: Database.Database, get: (k: RowKey) => Row | undefined) {
    db.exec(LEASES);
    const held = db.prepare<[string, string, string], { owner: string; until: number }>(
      'SELECT owner, until FROM slackline_refresh_leases WHERE enterprise_id = ? AND team_id = ? AND user_id = ?',
    );
    const take = db.prepare<[string, string, string, string, number]>(
      'INSERT OR REPLACE INTO slackline_refresh_leases VALUES (?, ?, ?, ?, ?)',
    );
    const drop = db.prepare<[string, string, string, string]>(
      'DELETE FROM slackline_refresh_leases WHERE enterprise_id = ? AND team_id = ? AND user_id = ? AND owner = ?',
    );
    const claim = db.transaction((k: RowKey, owner: string, until: number, now: number): Claim => {
      const lease = held.get(k.enterpriseId, k.teamId, k.userId);
      if (lease !== undefined && lease.until > now) return undefined;
      take.run(k.enterpriseId, k.teamId, k.userId, owner, until);
      return { row: get(k), interrupted: lease !== undefined };
    });
    const update = db.prepare<[string, string, number, string, string, string, number]>(
      `UPDATE slackline_installations SET meta = ?, secrets = ?, updated_at = ?, version = version + 1
       WHERE enterprise_id = ? AND team_id = ? AND user_id = ? AND version = ?`,
    );
    const finish = db.transaction((k: RowKey, owner: string, write: Write, now: number): boolean => {
      if (drop.run(k.enterpriseId, k.teamId, k.userId, owner).changes === 0 || write === undefined) return false;
      const r = write.row;
      return update.run(r.meta, r.secrets, now, r.enterpriseId, r.teamId, r.userId, write.version).changes === 1;
    });
    // Alone, an operation is its own BEGIN IMMEDIATE transaction; in a batch, a savepoint of the batch's.
    const apply = (op: Op, alone: boolean): Claim | boolean => {
      if (op.kind === 'claim') {
        return alone ? claim.immediate(op.k, op.owner, op.until, op.now) : claim(op.k, op.owner, op.until, op.now);
      }
      return alone ? finish.immediate(op.k, op.owner, op.write, op.now) : finish(op.k, op.owner, op.write, op.now);
    };
    const applyAll = db.transaction((batch: Op[]) =>
      batch.map((op) => {
        try {
          return apply(op, false);
        } catch (error) {
          // Some errors (I/O, a full disk) roll the whole transaction back: then the batch fails.
          if (!db.inTransaction) throw error;
          return new Failed(error);
        }
      }),
    );
    // Compiled at each use, never prepared once: SQLite applies `PRAGMA synchronous = n` (and reads
    // the level for `PRAGMA synchronous`) while compiling the statement, so a prepared one re-run
    // later may set nothing or answer a stale level. Prepared once, the connection was left at
    // NORMAL from the second claim on, and every write-back after it committed without an fsync.
    const setLevel = (level: number) => db.exec(`PRAGMA synchronous = ${level}`);
    /** Lowers the level to NORMAL for a commit of claims alone; answers the level to put back. */
    const lowerForClaims = (): number | undefined => {
      // Only in WAL mode (NORMAL in a rollback journal may corrupt on power loss), and never inside
      // a caller's transaction, whose commit is the caller's.
      if (db.inTransaction) return undefined;
      const level = db.pragma('synchronous', { simple: true }) as number;
      if (level <= NORMAL || db.pragma('journal_mode', { simple: true }) !== 'wal') return undefined;
      setLevel(NORMAL);
      return level;
    };
    const batch = new TurnBatch<Op, Claim | boolean>((ops) => {
      const restore = ops.every((op) => op.kind === 'claim') ? lowerForClaims() : undefined;
      try {
        return ops.length === 1 ? [apply(ops[0] as Op, true)] : applyAll.immediate(ops);
      } finally {
        if (restore !== undefined) setLevel(restore);
      }
    });
    this.flush = batch.flush;
    this.claim = (k, owner, until, now) => batch.add({ kind: 'claim', k, owner, until, now }) as Promise<Claim>;
    this.finish = (k, owner, write, now) => batch.add({ kind: 'finish', k, owner, write, now }) as Promise<boolean>;
  }
}
