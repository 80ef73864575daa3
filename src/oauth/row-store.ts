// The InstallationStore interface built once on a RowBackend, so memory, file, SQLite and PostgreSQL
// differ only in how they keep rows (and all pass one conformance suite).
import { KeyRing } from '../crypto/index.js';
import {
  ALL_ROWS,
  ALL_USERS,
  keyOf,
  type RotatedTokens,
  type Row,
  type RowBackend,
  RowCodec,
  type RowKey,
  summaryOf,
} from './rows.js';
import type {
  Credentials,
  Installation,
  InstallationPage,
  InstallationQuery,
  InstallationSummary,
  ListOptions,
  RotatingInstallationStore,
} from './types.js';

export interface RowStoreOptions {
  /** Seals tokens at rest. Default: a random in-process key (fine for memory; stores on disk require keys). */
  keys?: KeyRing;
  /** Time source in epoch ms. */
  clock?: () => number;
}

export class RowInstallationStore implements RotatingInstallationStore {
  readonly #backend: RowBackend;
  readonly #codec: RowCodec;
  readonly #clock: () => number;

  constructor(backend: RowBackend, options: RowStoreOptions = {}) {
    this.#backend = backend;
    this.#codec = new RowCodec(
      options.keys ?? new KeyRing([{ id: 'mem', key: crypto.getRandomValues(new Uint8Array(32)) }]),
    );
    this.#clock = options.clock ?? Date.now;
  }

  async save(installation: Omit<Installation, 'installedAt' | 'updatedAt' | 'version'>): Promise<void> {
    await this.#backend.upsert(this.#codec.encode(installation), this.#clock());
  }

  /** Many installations in one transaction (imports, benchmarks); same rows and history as save(). */
  async saveMany(installations: Omit<Installation, 'installedAt' | 'updatedAt' | 'version'>[]): Promise<void> {
    await this.#backend.upsert(
      installations.flatMap((i) => this.#codec.encode(i)),
      this.#clock(),
    );
  }

  async findBot(query: InstallationQuery): Promise<Installation | undefined> {
    const inst = this.#codec.decode(await this.#backend.get(keyOf(query)), undefined);
    return inst?.bot === undefined ? undefined : inst;
  }

  async findInstallation(query: InstallationQuery): Promise<Installation | undefined> {
    const bot = await this.#backend.get(keyOf(query));
    const userId = query.userId;
    if (userId === undefined || userId === '' || userId.startsWith('*')) return this.#codec.decode(bot, undefined);
    return this.#codec.decode(bot, await this.#backend.get(keyOf(query, userId)));
  }

  async deleteBot(query: InstallationQuery): Promise<void> {
    await this.#backend.delete(keyOf(query));
  }

  async deleteInstallation(query: InstallationQuery): Promise<void> {
    const userId = query.userId;
    await this.#backend.delete(
      keyOf(query, userId === undefined || userId === '' || userId.startsWith('*') ? ALL_USERS : userId),
    );
  }

  async deleteAll(query: InstallationQuery): Promise<void> {
    await this.#backend.delete(keyOf(query, ALL_ROWS));
  }

  async list(options: ListOptions = {}): Promise<InstallationPage> {
    const limit = Math.min(Math.max(options.limit ?? 100, 1), 1000);
    const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
    const rows = await this.#backend.listBots(after, limit + 1);
    const items = rows.slice(0, limit).map(summaryOf);
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    return { items, nextCursor: last === undefined ? undefined : encodeCursor(last.enterpriseId, last.teamId) };
  }

  async history(query: InstallationQuery): Promise<InstallationSummary[]> {
    return (await this.#backend.history(keyOf(query))).map(summaryOf);
  }

  /**
   * Token rotation under the row's lease: `refresh` runs only when `due` says the stored credentials
   * (as the previous lease holder left them) need it, and its tokens are saved before the lease goes.
   * Answers whether this call refreshed.
   */
  async rotate(
    query: InstallationQuery,
    userId: string | undefined,
    due: (current: Credentials) => boolean,
    refresh: (refreshToken: string) => Promise<RotatedTokens>,
  ): Promise<boolean> {
    let refreshed = false;
    await this.#backend.withLease(
      keyOf(query, userId ?? ''),
      async (row) => {
        if (row === undefined) return [];
        const current = this.#codec.credentialsOf(row);
        if (current.refreshToken === undefined || !due(current)) return [];
        const rows = [this.#codec.rotated(row, await refresh(current.refreshToken))];
        refreshed = true;
        return rows;
      },
      this.#clock(),
    );
    return refreshed;
  }

  /**
   * Seals every row's tokens again under the current key (the first in SLACKLINE_ENCRYPTION_KEYS),
   * so the old key can be dropped afterwards. Returns how many rows were rewritten.
   */
  async reseal(): Promise<number> {
    let count = 0;
    let after: RowKey | undefined;
    for (;;) {
      const rows = await this.#backend.listAll(after, 500);
      if (rows.length === 0) return count;
      const stale = rows.filter((r) => KeyRing.keyIdOf(r.secrets) !== this.#codec.keys.currentKeyId);
      if (stale.length > 0)
        await this.#backend.upsert(
          stale.map((r) => this.#codec.reseal(r)),
          this.#clock(),
        );
      count += stale.length;
      const last = rows[rows.length - 1] as Row;
      after = { enterpriseId: last.enterpriseId, teamId: last.teamId, userId: last.userId };
    }
  }

  close(): Promise<void> {
    return this.#backend.close();
  }
}

function encodeCursor(enterpriseId: string, teamId: string): string {
  return Buffer.from(JSON.stringify([enterpriseId, teamId])).toString('base64url');
}

function decodeCursor(cursor: string) {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && parsed.every((p) => typeof p === 'string')) {
      return { enterpriseId: parsed[0] as string, teamId: parsed[1] as string, userId: '' };
    }
  } catch {
    // fall through
  }
  throw new TypeError('invalid list cursor');
}
