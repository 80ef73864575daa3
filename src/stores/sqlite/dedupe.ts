// Event de-duplication on a SQLite file, shared by every process that opens it.
//
// Layout: one row per claim, keyed (at_us, event_id), where at_us is the event's own time in
// microseconds (eventTimeOf: its `event_ts`, else its whole-second `event_time`). Slack's retries and
// replays carry the same signed body, hence the same time and id, so a retry finds its row by that
// key. And events arrive in about their `event_ts` order, so new rows land together at the right-hand
// end of the B-tree: a batch of claims dirties a page or two, where a key of whole seconds put
// thousands of claims a second at random places among that second's rows, one WAL frame (4 KiB and
// two writes) per claim; and expiry deletes a prefix. Claims without an event time (a caller that has
// none, such as Socket Mode's interaction envelopes) are filed under 0.
//
// Migration: a database from before has `slackline_event_claims (event_time, event_id, expires_at)`,
// keyed in whole seconds, or the layout before it, `slackline_event_ids (event_id, expires_at)`.
// Opening the store moves their rows under 0 and drops them, in one transaction; while rows under 0
// may be live, a claim that wins its own key also looks for the same id under 0, so an event claimed
// before the upgrade is still a duplicate after it. (A process still running the old code on the same
// file then fails its claims, "no such table", and answers 500: Slack retries, and the upgraded
// process takes the event.)

import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import type { EventDedupeStore } from '../../events/dedupe.js';
import { TurnBatch } from '../turn-batch.js';
import { driverHandle } from './driver-handle.js';
import type { SqliteHandle } from './handle.js';
import { openDatabase, untilNotBusy } from './open.js';

const TABLE = `CREATE TABLE IF NOT EXISTS slackline_event_claims_us (
  at_us INTEGER NOT NULL, event_id TEXT NOT NULL, expires_at INTEGER NOT NULL,
  PRIMARY KEY (at_us, event_id)
) WITHOUT ROWID`;
/** The layouts before, newest first (keyed by whole seconds; by id alone), migrated on open. */
const LEGACY = ['slackline_event_claims', 'slackline_event_ids'] as const;
/** Where claims without an event time, and the migrated ones, are filed. */
const UNTIMED = 0;

/** Ids deleted at most by one sweep of expired claims; a sweep runs every SWEEP / 2 claims. */
const SWEEP = 512;
/**
 * Claims (each writes at most one WAL frame; a batch in event_ts order shares one or two) between
 * two checkpoints run off the event loop. A checkpoint copies each page once however many frames it
 * has, so rarer ones copy less: when claims landed on a few hundred pages (keyed by whole seconds),
 * 4,000 cost ~10 µs of CPU a claim against ~12 for 1,000 (8,000: no better), measured with 22,000
 * random ids a second in batches of 10.
 */
const CHECKPOINT_CLAIMS = 4_000;

/**
 * Event ids claimed by every process on one SQLite file: an upsert that only takes over an expired
 * claim, so the first process to commit an id wins and every later claim (here or in another process)
 * sees it. Claims made in one turn of the event loop are committed together, in one `BEGIN IMMEDIATE`
 * transaction, each still decided by its own upsert in order: a duplicate inside one batch loses to
 * the claim before it exactly as it would across two transactions.
 *
 * Durability: given a path, the store opens its own connection with `synchronous=NORMAL` (WAL): a
 * commit is written to the WAL but not fsynced. Other processes see the claim as soon as it commits,
 * so de-duplication across processes is unchanged; what a power loss (not a crash of the process) can
 * undo is the last claims before it. The cost of losing one is at most one extra run of that event's
 * handler if Slack retries it, which a TTL store already allows when an id outlives its TTL, against
 * an fsync per event that capped `serve` at a few thousand events a second. Installations and OAuth
 * states stay on `openSqlite`'s `synchronous=FULL` connection: the setting is per connection.
 *
 * Checkpoints: given a path, a worker thread with a connection of its own runs a PASSIVE checkpoint
 * after every ~4,000 claims, while claims go on: a checkpoint copies the WAL into the database and
 * fsyncs both, milliseconds that SQLite's automatic checkpoint spends with the event loop stopped.
 * This connection's automatic checkpoint only picks up what the worker could not (see Checkpointer).
 * If the worker fails, the connection goes back to SQLite's default automatic checkpoints. Given an open
 * handle, the store uses it as it is (its durability and checkpoints are the handle's).
 */
export class SqliteDedupeStore implements EventDedupeStore {
  readonly #db: Database.Database;
  readonly #owned: boolean;
  /** Claims made in one turn of the event loop: one transaction. */
  readonly #batch: TurnBatch<Claim, boolean>;
  readonly #release: Database.Statement<[number, string]>;
  readonly #releaseAny: Database.Statement<[string]>;
  #claims = 0;
  /** Whether rows under UNTIMED may be live: then a timed claim also looks there. */
  #untimed: boolean;
  #checkpoints: Checkpointer | undefined;

  constructor(database: string | SqliteHandle) {
    this.#owned = typeof database === 'string';
    const db = typeof database === 'string' ? openDatabase(database, 'NORMAL') : driverHandle(database);
    this.#db = db;
    untilNotBusy(() => migrate(db));
    // One row changed: inserted, or an expired claim taken over. (Counting changes costs less than
    // RETURNING a row, about 1 µs a claim.)
    const claim = db.prepare<[number, string, number, number]>(
      `INSERT INTO slackline_event_claims_us VALUES (?, ?, ?) ON CONFLICT (at_us, event_id)
       DO UPDATE SET expires_at = excluded.expires_at WHERE slackline_event_claims_us.expires_at <= ?`,
    );
    const untimedLive = db.prepare<[string, number], { live: number }>(
      `SELECT 1 AS live FROM slackline_event_claims_us WHERE at_us = ${UNTIMED} AND event_id = ? AND expires_at > ?`,
    );
    const anyUntimed = db.prepare<[], { n: number }>(
      `SELECT count(*) AS n FROM (SELECT 1 FROM slackline_event_claims_us WHERE at_us = ${UNTIMED} LIMIT 1)`,
    );
    this.#untimed = (anyUntimed.get() as { n: number }).n > 0;
    // Expired claims sit at the left-hand end (at_us up to now - TTL): a sweep deletes up to
    // SWEEP of them, every SWEEP / 2 claims, so it goes twice as fast as the table grows and no claim
    // pays for more. A claim of an old event made late (a replay) expires after its neighbours and is
    // looked at again by each sweep until it lapses: few, and bounded by the TTL.
    const sweep = db.prepare<[number, number]>(
      `DELETE FROM slackline_event_claims_us WHERE (at_us, event_id) IN (
         SELECT at_us, event_id FROM slackline_event_claims_us WHERE at_us <= ? AND expires_at <= ? LIMIT ${SWEEP})`,
    );
    const tx = db.transaction((batch: readonly Claim[]) => {
      const before = this.#claims;
      this.#claims += batch.length;
      if (Math.floor(before / (SWEEP / 2)) !== Math.floor(this.#claims / (SWEEP / 2))) {
        const { now, ttlMs } = batch[0] as Claim;
        sweep.run((now - ttlMs) * 1000, now);
        if (this.#untimed) this.#untimed = (anyUntimed.get() as { n: number }).n > 0;
      }
      return batch.map((c) => {
        const time = c.eventTime ?? UNTIMED;
        if (claim.run(time, c.eventId, c.now + c.ttlMs, c.now).changes !== 1) return false;
        if (time === UNTIMED) this.#untimed = true;
        // Claimed before the upgrade, or by a caller that did not know the time: still taken.
        else if (this.#untimed && untimedLive.get(c.eventId, c.now) !== undefined) return false;
        return true;
      });
    });
    this.#batch = new TurnBatch((batch) => {
      const won = tx.immediate(batch);
      this.#checkpoints?.committed(batch.length);
      return won;
    });
    this.#release = db.prepare('DELETE FROM slackline_event_claims_us WHERE at_us = ? AND event_id = ?');
    this.#releaseAny = db.prepare('DELETE FROM slackline_event_claims_us WHERE event_id = ?');
    if (typeof database === 'string' && database !== ':memory:') this.#checkpoints = new Checkpointer(db, database);
  }

  claim(eventId: string, ttlMs: number, now: number, eventTime?: number): Promise<boolean> {
    return this.#batch.add({ eventId, ttlMs, now, eventTime: timeKey(eventTime) });
  }

  async release(eventId: string, eventTime?: number): Promise<void> {
    const time = timeKey(eventTime);
    // Without the time the row could be under any: a scan, but releases follow failures only.
    if (time === undefined) this.#releaseAny.run(eventId);
    else {
      this.#release.run(time, eventId);
      if (this.#untimed) this.#release.run(UNTIMED, eventId);
    }
  }

  async close(): Promise<void> {
    await this.#batch.flush(); // claims already made are answered, not left hanging
    await this.#checkpoints?.close();
    if (this.#owned && this.#db.open) this.#db.close();
  }
}

/** The key of an event time (epoch seconds, to the microsecond): whole microseconds after UNTIMED, or undefined. */
function timeKey(eventTime: number | undefined): number | undefined {
  if (eventTime === undefined || !(eventTime > 0)) return undefined;
  const us = Math.round(eventTime * 1e6);
  return Number.isSafeInteger(us) && us > UNTIMED ? us : undefined;
}

/**
 * Creates the table; moves the rows of the layouts before it under UNTIMED (an id claimed under
 * several times keeps its latest expiry) and drops the old tables.
 */
function migrate(db: Database.Database): void {
  db.transaction(() => {
    db.exec(TABLE);
    const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
    for (const legacy of LEGACY) {
      if (exists.get(legacy) === undefined) continue;
      db.exec(
        `INSERT INTO slackline_event_claims_us SELECT ${UNTIMED}, event_id, max(expires_at) FROM ${legacy} WHERE true
           GROUP BY event_id ON CONFLICT (at_us, event_id) DO UPDATE SET expires_at = max(expires_at, excluded.expires_at);
         DROP TABLE ${legacy};`,
      );
    }
  }).immediate();
}

/**
 * Runs `PRAGMA wal_checkpoint(PASSIVE)` on a worker thread's own connection, one at a time, after
 * every CHECKPOINT_CLAIMS claims committed here; this connection's own automatic checkpoint only
 * finishes what the worker left. A PASSIVE checkpoint takes no lock that a writer waits for.
 */
class Checkpointer {
  #worker: Worker | undefined;
  #claims = 0;
  #running = false;

  constructor(
    private readonly db: Database.Database,
    path: string,
  ) {
    const worker = new Worker(new URL('./checkpoint-worker.js', import.meta.url), { workerData: { path } });
    worker.unref();
    worker.on('message', () => {
      this.#running = false;
    });
    worker.on('error', () => this.#fallBack());
    worker.on('exit', () => this.#fallBack());
    this.#worker = worker;
    // Not 0: under a steady stream of claims the worker's checkpoint never covers the frames written
    // while it ran, and SQLite rewinds the WAL only after one that covered all of them. This one, on
    // the claims' connection, copies just that remainder (the worker has done the rest) and lets the
    // WAL start over, once it holds as many frames as four of the worker's intervals could write (a
    // claim writes at most one): the WAL file stays under 16,000 frames, however few a claim writes.
    db.pragma(`wal_autocheckpoint = ${CHECKPOINT_CLAIMS * 4}`);
  }

  committed(claims: number): void {
    this.#claims += claims;
    if (this.#claims < CHECKPOINT_CLAIMS || this.#running || this.#worker === undefined) return;
    this.#claims = 0;
    this.#running = true;
    this.#worker.postMessage('checkpoint');
  }

  /** The worker is gone: SQLite's own checkpoints on this connection again. */
  #fallBack(): void {
    if (this.#worker === undefined) return;
    this.#worker = undefined;
    if (this.db.open) this.db.pragma('wal_autocheckpoint = 1000');
  }

  async close(): Promise<void> {
    const worker = this.#worker;
    if (worker === undefined) return;
    this.#worker = undefined; // closing, not failing: nothing to fall back to
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.ref(); // an unref'd worker would let the process end before the close is awaited
    worker.postMessage('close');
    await exited;
  }
}

interface Claim {
  eventId: string;
  ttlMs: number;
  now: number;
  eventTime: number | undefined;
}
