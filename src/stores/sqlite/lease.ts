// Refresh leases in SQLite: a lease row claimed by a BEGIN IMMEDIATE read-check-write, so exactly one
// process (and one caller in it) refreshes a token; the new tokens are written and the lease deleted
// in one more transaction. A waiter polls until the lease is gone, then reads the row the holder left.
// A holder that died leaves a lease that lapses after LEASE_MS.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type Database from 'better-sqlite3';
import type { NewRow, Row, RowKey } from '../../oauth/rows.js';

/** Longer than any refresh call may take (its deadline is 30 s). */
export const LEASE_MS = 60_000;
const POLL_MS = 20;

const LEASES = `CREATE TABLE IF NOT EXISTS slackline_refresh_leases (
  enterprise_id TEXT NOT NULL, team_id TEXT NOT NULL, user_id TEXT NOT NULL, owner TEXT NOT NULL, until INTEGER NOT NULL,
  PRIMARY KEY (enterprise_id, team_id, user_id)
) WITHOUT ROWID`;

type Claim = { row: Row | undefined } | undefined;

export class SqliteLeases {
  readonly #claim: (k: RowKey, owner: string, now: number) => Claim;
  readonly #finish: (k: RowKey, owner: string, rows: NewRow[], now: number) => void;

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
    const claim = db.transaction((k: RowKey, owner: string, now: number): Claim => {
      const lease = held.get(k.enterpriseId, k.teamId, k.userId);
      if (lease !== undefined && lease.until > now) return undefined;
      take.run(k.enterpriseId, k.teamId, k.userId, owner, now + LEASE_MS);
      return { row: get(k) };
    });
    const update = db.prepare<[string, string, number, string, string, string]>(
      `UPDATE slackline_installations SET meta = ?, secrets = ?, updated_at = ?, version = version + 1
       WHERE enterprise_id = ? AND team_id = ? AND user_id = ?`,
    );
    const finish = db.transaction((k: RowKey, owner: string, rows: NewRow[], now: number) => {
      for (const r of rows) update.run(r.meta, r.secrets, now, r.enterpriseId, r.teamId, r.userId);
      drop.run(k.enterpriseId, k.teamId, k.userId, owner);
    });
    this.#claim = (k, owner, now) => claim.immediate(k, owner, now);
    this.#finish = (k, owner, rows, now) => finish.immediate(k, owner, rows, now);
  }

  async withLease(k: RowKey, fn: (row: Row | undefined) => Promise<NewRow[]>, now: number): Promise<void> {
    const owner = randomUUID();
    let claim = this.#claim(k, owner, Date.now());
    while (claim === undefined) {
      await sleep(POLL_MS);
      claim = this.#claim(k, owner, Date.now());
    }
    let rows: NewRow[] = [];
    try {
      rows = await fn(claim.row);
    } finally {
      this.#finish(k, owner, rows, now);
    }
  }
}
