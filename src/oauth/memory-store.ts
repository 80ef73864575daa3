// Rows in a Map (MemoryInstallationStore) or in a Map written to a JSON file after every write
// (FileInstallationStore: one process, small apps; tokens stay sealed in the file).
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { KeyRing } from '../crypto/index.js';
import { RowInstallationStore, type RowStoreOptions } from './row-store.js';
import {
  ALL_ROWS,
  ALL_USERS,
  type Claimed,
  keyId as id,
  type NewRow,
  type Row,
  type RowBackend,
  type RowKey,
} from './rows.js';

const order = (a: RowKey, b: RowKey) =>
  a.enterpriseId < b.enterpriseId
    ? -1
    : a.enterpriseId > b.enterpriseId
      ? 1
      : a.teamId < b.teamId
        ? -1
        : a.teamId > b.teamId
          ? 1
          : 0;

export class MemoryRowBackend implements RowBackend {
  rows = new Map<string, Row>();
  historyRows: Row[] = [];
  /** Refresh leases: owner and expiry per row key (one process owns these rows). */
  readonly #leases = new Map<string, { owner: string; until: number }>();
  constructor(private readonly onWrite: () => void = () => {}) {}

  async upsert(rows: NewRow[], now: number): Promise<void> {
    for (const row of rows) {
      const old = this.rows.get(id(row));
      const next: Row = {
        ...row,
        installedAt: now,
        updatedAt: now,
        version: (old?.version ?? 0) + 1,
      };
      this.rows.set(id(row), next);
      this.historyRows.push({ ...next, secrets: '' });
    }
    this.onWrite();
  }

  async get(key: RowKey): Promise<Row | undefined> {
    return this.rows.get(id(key));
  }

  async delete(key: RowKey, installedUpTo = Infinity): Promise<{ deleted: number; kept: number }> {
    // Check and delete in one synchronous pass: no save can land in between.
    const outcome = { deleted: 0, kept: 0 };
    for (const [k, row] of this.rows) {
      if (row.enterpriseId !== key.enterpriseId || row.teamId !== key.teamId) continue;
      const hit = key.userId === ALL_ROWS || (key.userId === ALL_USERS ? row.userId !== '' : row.userId === key.userId);
      if (!hit) continue;
      if (row.installedAt <= installedUpTo) {
        this.rows.delete(k);
        outcome.deleted++;
      } else outcome.kept++;
    }
    if (outcome.deleted > 0) this.onWrite();
    return outcome;
  }

  async listBots(after: RowKey | undefined, limit: number): Promise<Row[]> {
    return [...this.rows.values()]
      .filter((r) => r.userId === '' && (after === undefined || order(r, after) > 0))
      .sort(order)
      .slice(0, limit);
  }

  async listAll(after: RowKey | undefined, limit: number): Promise<Row[]> {
    const all = (a: RowKey, b: RowKey) => order(a, b) || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0);
    return [...this.rows.values()]
      .filter((r) => after === undefined || all(r, after) > 0)
      .sort(all)
      .slice(0, limit);
  }

  async history(key: RowKey): Promise<Row[]> {
    return this.historyRows.filter((r) => id(r) === id(key)).reverse();
  }

  async claimLease(key: RowKey, owner: string, until: number, now: number): Promise<Claimed | undefined> {
    const k = id(key);
    const held = this.#leases.get(k);
    if (held !== undefined && held.until > now) return undefined;
    this.#leases.set(k, { owner, until });
    return { row: this.rows.get(k), interrupted: held !== undefined };
  }

  async finishLease(
    key: RowKey,
    owner: string,
    write: { row: NewRow; version: number } | undefined,
    now: number,
  ): Promise<boolean> {
    const k = id(key);
    if (this.#leases.get(k)?.owner !== owner) return false;
    this.#leases.delete(k);
    const old = this.rows.get(k);
    if (write === undefined || old === undefined || old.version !== write.version) return false;
    this.rows.set(k, { ...old, ...write.row, updatedAt: now, version: old.version + 1 });
    this.onWrite();
    return true;
  }

  async close(): Promise<void> {}
}

export class MemoryInstallationStore extends RowInstallationStore {
  constructor(options: RowStoreOptions = {}) {
    super(new MemoryRowBackend(), options);
  }
}

/** Rows kept in a JSON file: read when opened, written whole (temp file, then rename) after every write. */
export function fileRowBackend(path: string): MemoryRowBackend {
  const backend: MemoryRowBackend = new MemoryRowBackend(() => {
    writeFileSync(`${path}.tmp`, JSON.stringify({ rows: [...backend.rows.values()], history: backend.historyRows }), {
      mode: 0o600,
    });
    renameSync(`${path}.tmp`, path);
  });
  try {
    const saved = JSON.parse(readFileSync(path, 'utf8')) as { rows: Row[]; history: Row[] };
    for (const row of saved.rows) backend.rows.set(id(row), row);
    backend.historyRows = saved.history;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return backend;
}

export class FileInstallationStore extends RowInstallationStore {
  /** `keys` is required: the file holds sealed tokens. Writes go to a temp file, then rename. */
  constructor(path: string, options: RowStoreOptions & { keys: KeyRing }) {
    super(fileRowBackend(path), options);
  }
}
