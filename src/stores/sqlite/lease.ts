// Refresh leases in SQLite, kept as data: a lease row (owner, expiry) claimed by one BEGIN IMMEDIATE
// read-check-write, so exactly one caller in any process refreshes a token; the holder writes the new
// tokens as lease owner (only if the row's version did not move) and deletes the lease in one more
// transaction. Nothing is held between the two: the waiting and the time bounds live in
// RowInstallationStore, the same for every store. A holder that died leaves a lease that lapses.
import type Database from 'better-sqlite3';
import type { Claimed, NewRow, Row, RowKey } from '../../oauth/rows.js';

const LEASES = `CREATE TABLE IF NOT EXISTS slackline_refresh_leases (
  enterprise_id TEXT NOT NULL, team_id TEXT NOT NULL, user_id TEXT NOT NULL, owner TEXT NOT NULL, until INTEGER NOT NULL,
  PRIMARY KEY (enterprise_id, team_id, user_id)
) WITHOUT ROWID`;

type Claim = Claimed | undefined;
type Write = { row: NewRow; version: number } | undefined;

export class SqliteLeases {
  readonly claim: (k: RowKey, owner: string, until: number, now: number) => Claim;
  readonly finish: (k: RowKey, owner: string, write: Write, now: number) => boolean;

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
    this.claim = (k, owner, until, now) => claim.immediate(k, owner, until, now);
    this.finish = (k, owner, write, now) => finish.immediate(k, owner, write, now);
  }
}
