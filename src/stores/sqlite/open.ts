// Opening a SQLite file the way every slackline store wants it: WAL (readers never wait for the
// writer), a busy timeout, the connection's synchronous level, and the installation and state tables.
// The event de-dup and lease tables are created by the stores that use them.
import type Database from 'better-sqlite3';
import { loadDriver } from '../driver.js';

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
`;

/** Opens (and creates) the database with the given synchronous level; `path` may be ':memory:'. */
export function openDatabase(path: string, synchronous: 'FULL' | 'NORMAL'): Database.Database {
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
export function untilNotBusy<T>(fn: () => T): T {
  const started = performance.now();
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      return fn();
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_BUSY' || performance.now() - started > 5_000) throw err;
      Atomics.wait(pause, 0, 0, 10 + Math.random() * 20);
    }
  }
}
