// The pool PostgresDatabase exposes, described structurally so the published types compile without
// @types/pg (a consumer with skipLibCheck off would otherwise need it to import this door). A pg
// `Pool` satisfies it as it is.

export interface PostgresPoolClient {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
  release(err?: Error | boolean): void;
}

export interface PostgresPool {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
  connect(): Promise<PostgresPoolClient>;
  end(): Promise<void>;
}
