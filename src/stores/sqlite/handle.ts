// What the SQLite stores take and give: an open better-sqlite3 database, described structurally so
// the published types compile without @types/better-sqlite3 (a consumer with skipLibCheck off would
// otherwise need it just to import this door). A better-sqlite3 `Database` satisfies it as it is.
/** A prepared statement, as far as the stores' users need one (tests, ad-hoc queries). */
export interface SqliteStatement {
  run(...params: unknown[]): unknown;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

export interface SqliteHandle {
  prepare(source: string): SqliteStatement;
  exec(source: string): unknown;
  close(): unknown;
  readonly open: boolean;
  readonly name: string;
}
