// The driver's own type for a SqliteHandle, for the stores' insides (kept out of the published
// handle.d.ts, which must not need @types/better-sqlite3).
import type Database from 'better-sqlite3';
import type { SqliteHandle } from './handle.js';

export function driverHandle(handle: SqliteHandle): Database.Database {
  return handle as unknown as Database.Database;
}
