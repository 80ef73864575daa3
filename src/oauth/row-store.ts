// The InstallationStore interface built once on a RowBackend, so memory, file, SQLite and PostgreSQL
// differ only in how they keep rows (and all pass one conformance suite).
import { randomUUID } from 'node:crypto';
import { KeyRing } from '../crypto/index.js';
import { type Clock, sleep, systemClock, wholeMs } from '../http/clock.js';
import { InvalidArgumentError } from '../http/errors.js';
import { backoffDelay } from '../http/retry-handlers.js';
import { LeaseTimeoutError } from './errors.js';
import {
  ALL_ROWS,
  ALL_USERS,
  type Claimed,
  keyOf,
  type NewRow,
  type OpenRow,
  type RotatedTokens,
  type Row,
  type RowBackend,
  RowCodec,
  type RowKey,
  readsUserRow,
  summaryOf,
} from './rows.js';
import type {
  Credentials,
  DeleteOutcome,
  DeleteScope,
  Installation,
  InstallationPage,
  InstallationQuery,
  InstallationSummary,
  ListOptions,
  ReinstallMark,
  RotatingInstallationStore,
} from './types.js';

export interface RowStoreOptions {
  /** Seals tokens at rest. Default: a random in-process key (fine for memory; stores on disk require keys). */
  keys?: KeyRing;
  /** The one clock (epoch ms); default the system clock. */
  clock?: Clock;
}

/** How long a refresh lease lasts: longer than any refresh call may take (its deadline is 30 s). */
export const LEASE_MS = 60_000;
/** How often a waiter looks whether the lease is free again (real milliseconds). */
const POLL_MS = 20;

export interface LeaseWaitOptions {
  /** Stop waiting for another holder's lease when this fires (the wait rejects). */
  signal?: AbortSignal | undefined;
  /** Wait at most this long (clock ms) for another holder's lease; default LEASE_MS. */
  waitMs?: number | undefined;
}

export interface RotateOptions extends LeaseWaitOptions {
  /**
   * When `refresh` throws: the mark to store if the error is Slack refusing the refresh for good
   * (written as lease owner before the lease is let go, so no waiter tries the spent token again).
   */
  refused?: ((error: unknown) => ReinstallMark | undefined) | undefined;
  /**
   * Called when this call stored a refreshed bot row (userId undefined), with the installation as
   * findBot() answers it right after the write: the caller need not read it back.
   */
  onStored?: ((installation: Installation) => void) | undefined;
}

/** What a lease holder's step returns to be written, and thrown afterwards. */
class WriteThenThrow {
  constructor(
    readonly row: NewRow,
    readonly error: unknown,
  ) {}
}

export interface ResealOptions extends LeaseWaitOptions {
  /** Called after each row is looked at (rows seen, rows rewritten so far). */
  onProgress?: ((progress: { seen: number; resealed: number }) => void) | undefined;
}

export class RowInstallationStore implements RotatingInstallationStore {
  readonly #backend: RowBackend;
  readonly #codec: RowCodec;
  readonly #clock: Clock;

  constructor(backend: RowBackend, options: RowStoreOptions = {}) {
    this.#backend = backend;
    this.#codec = new RowCodec(
      options.keys ?? new KeyRing([{ id: 'mem', key: crypto.getRandomValues(new Uint8Array(32)) }]),
    );
    this.#clock = wholeMs(options.clock ?? systemClock);
  }

  async save(installation: Omit<Installation, 'installedAt' | 'updatedAt' | 'version'>): Promise<void> {
    await this.#backend.upsert(this.#codec.encode(installation), this.#clock.now());
  }

  /** Many installations in one transaction (imports, benchmarks); same rows and history as save(). */
  async saveMany(installations: Omit<Installation, 'installedAt' | 'updatedAt' | 'version'>[]): Promise<void> {
    await this.#backend.upsert(
      installations.flatMap((i) => this.#codec.encode(i)),
      this.#clock.now(),
    );
  }

  async findBot(query: InstallationQuery): Promise<Installation | undefined> {
    const inst = this.#codec.decode(await this.#backend.get(keyOf(query)), undefined);
    return inst?.bot === undefined ? undefined : inst;
  }

  async findInstallation(query: InstallationQuery): Promise<Installation | undefined> {
    const bot = await this.#backend.get(keyOf(query));
    if (!readsUserRow(query)) return this.#codec.decode(bot, undefined);
    return this.#codec.decode(bot, await this.#backend.get(keyOf(query, query.userId)));
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

  async deleteInstalledUpTo(
    query: InstallationQuery,
    what: DeleteScope,
    installedUpTo: number,
  ): Promise<DeleteOutcome> {
    if (Number.isNaN(installedUpTo)) throw new InvalidArgumentError('installedUpTo must be a number (epoch ms)');
    const userId = what === 'all' ? ALL_ROWS : what === 'bot' ? '' : query.userId;
    if (what === 'user' && (userId === undefined || userId === '' || userId.startsWith('*')))
      throw new InvalidArgumentError("deleting a user's row needs query.userId");
    return this.#backend.delete(keyOf(query, userId), installedUpTo);
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
   * (as the previous lease holder left them) need it, and its tokens are written as lease owner. No
   * connection or lock is held while `refresh` calls Slack. Answers whether this call's tokens were
   * stored (false also when a reinstall or delete replaced the row meanwhile: that row wins).
   * `refresh` learns whether the lease it runs under was taken over from a holder that stopped
   * midway (its refresh may have reached Slack and the stored refresh token be spent). A refusal
   * that `options.refused` turns into a mark is stored under the same lease, then thrown.
   */
  async rotate(
    query: InstallationQuery,
    userId: string | undefined,
    due: (current: Credentials) => boolean,
    refresh: (refreshToken: string, lease: { interrupted: boolean }) => Promise<RotatedTokens>,
    options: RotateOptions = {},
  ): Promise<boolean> {
    let written: OpenRow | undefined;
    const stored = await this.#underLease(keyOf(query, userId ?? ''), options, async (row, interrupted) => {
      if (row === undefined) return undefined;
      const open = this.#codec.open(row); // parsed and opened once for the whole refresh
      // Marked while this caller waited for the lease (the holder's refresh was refused): not again.
      if (open.meta.needsReinstall !== undefined) return undefined;
      const current = this.#codec.credentialsOf(open);
      if (current.refreshToken === undefined || !due(current)) return undefined;
      let tokens: RotatedTokens;
      try {
        tokens = await refresh(current.refreshToken, { interrupted });
      } catch (error) {
        const mark = options.refused?.(error);
        if (mark === undefined) throw error;
        return new WriteThenThrow(this.#codec.markedForReinstall(row, mark), error);
      }
      written = this.#codec.rotated(open, tokens);
      return this.#codec.sealed(written);
    });
    if (stored === undefined) return false;
    // The bot row as stored, from what was sealed into it: no need to unseal what was just sealed.
    if (stored.userId === '' && written !== undefined) options.onStored?.(this.#codec.decodeWritten(stored, written));
    return true;
  }

  /**
   * Seals every row's tokens again under the current key (the first in SLACKLINE_ENCRYPTION_KEYS),
   * so the old key can be dropped afterwards. Each row is re-read and written under its refresh
   * lease, only if its version did not move (a row that moved is tried again), so a refresh running
   * in another process is never undone. Returns how many rows were rewritten.
   */
  async reseal(options: ResealOptions = {}): Promise<number> {
    let count = 0;
    let seen = 0;
    let after: RowKey | undefined;
    for (;;) {
      const rows = await this.#backend.listAll(after, 500);
      if (rows.length === 0) return count;
      for (const r of rows) {
        if (this.#stale(r)) count += await this.#resealOne(r, options);
        options.onProgress?.({ seen: ++seen, resealed: count });
      }
      const last = rows[rows.length - 1] as Row;
      after = { enterpriseId: last.enterpriseId, teamId: last.teamId, userId: last.userId };
    }
  }

  /**
   * Marks the row as needing a reinstall under its lease, tokens untouched (version + 1, no history).
   * A row already marked (by rotate()'s `refused`) is left as it is; both answer true.
   */
  async markNeedsReinstall(
    query: InstallationQuery,
    userId: string | undefined,
    mark: ReinstallMark,
    options: LeaseWaitOptions = {},
  ): Promise<boolean> {
    let already = false;
    const written = await this.#underLease(keyOf(query, userId ?? ''), options, async (row) => {
      if (row === undefined) return undefined;
      already = this.#codec.marked(row);
      return already ? undefined : this.#codec.markedForReinstall(row, mark);
    });
    return written !== undefined || already;
  }

  /**
   * How the stored rows are sealed: how many under each key id, and which do not open with the
   * current key ring (a missing or wrong key). Reads every row; decrypts each once; writes nothing.
   */
  async sealingReport(): Promise<SealingReport> {
    const report: SealingReport = { rows: 0, byKeyId: {}, unreadable: [] };
    let after: RowKey | undefined;
    for (;;) {
      const rows = await this.#backend.listAll(after, 500);
      if (rows.length === 0) return report;
      for (const row of rows) {
        report.rows++;
        const kid = KeyRing.keyIdOf(row.secrets) ?? '(none)';
        report.byKeyId[kid] = (report.byKeyId[kid] ?? 0) + 1;
        try {
          this.#codec.credentialsOf(row);
        } catch (error) {
          report.unreadable.push({ enterpriseId: row.enterpriseId, teamId: row.teamId, userId: row.userId, error });
        }
      }
      const last = rows[rows.length - 1] as Row;
      after = { enterpriseId: last.enterpriseId, teamId: last.teamId, userId: last.userId };
    }
  }

  #stale(row: Row): boolean {
    return KeyRing.keyIdOf(row.secrets) !== this.#codec.keys.currentKeyId;
  }

  async #resealOne(listed: Row, options: LeaseWaitOptions): Promise<number> {
    const key = { enterpriseId: listed.enterpriseId, teamId: listed.teamId, userId: listed.userId };
    const started = this.#clock.now();
    for (let attempt = 0; attempt < 10; attempt++) {
      let moved = false;
      const written = await this.#underLease(key, options, async (row) => {
        if (row === undefined || !this.#stale(row)) return undefined;
        moved = true;
        return this.#codec.reseal(row);
      });
      if (written !== undefined) return 1;
      if (!moved) return 0; // deleted, or sealed under the current key by a writer meanwhile
    }
    // Rewritten by others ten times while we tried: stop rather than leave it under the old key unsaid.
    throw new LeaseTimeoutError(Math.round(this.#clock.now() - started));
  }

  /**
   * Claims the row's lease (waiting, within `options`, while another holder has it), runs `fn` on the
   * row as the lease holder sees it, and writes what it returns as lease owner; the lease is let go
   * whether `fn` returns or throws (a WriteThenThrow is written, then its error thrown). Answers the
   * row as stored when it was written, else undefined.
   */
  async #underLease(
    key: RowKey,
    options: LeaseWaitOptions,
    fn: (row: Row | undefined, interrupted: boolean) => Promise<NewRow | WriteThenThrow | undefined>,
  ): Promise<Row | undefined> {
    const owner = randomUUID();
    const claimed = await this.#claim(key, owner, options);
    let next: NewRow | WriteThenThrow | undefined;
    try {
      next = await fn(claimed.row, claimed.interrupted);
    } catch (err) {
      await this.#backend.finishLease(key, owner, undefined, this.#clock.now()).catch(() => {});
      throw err;
    }
    const row = next instanceof WriteThenThrow ? next.row : next;
    const was = claimed.row;
    const write = row !== undefined && was !== undefined ? { row, version: was.version } : undefined;
    const at = await this.#finish(key, owner, write, claimed.until);
    if (next instanceof WriteThenThrow) throw next.error;
    // What every backend stores: the row written over the claimed one, updated now, one version on.
    return at === undefined || row === undefined || was === undefined
      ? undefined
      : { ...was, ...row, updatedAt: at, version: was.version + 1 };
  }

  /**
   * The write-back, tried again while the lease is surely still ours when the database fails (busy,
   * a dropped connection): after a refresh it carries tokens Slack has issued in exchange for the
   * stored refresh token, which is spent; giving up would lose them. A retry after a write that did
   * commit finds the lease gone and writes nothing. Answers when the row was written (its updatedAt),
   * or undefined when it was not.
   */
  async #finish(
    key: RowKey,
    owner: string,
    write: { row: NewRow; version: number } | undefined,
    until: number,
  ): Promise<number | undefined> {
    for (let attempt = 1; ; attempt++) {
      try {
        const now = this.#clock.now();
        return (await this.#backend.finishLease(key, owner, write, now)) ? now : undefined;
      } catch (err) {
        const wait = backoffDelay(attempt, { baseMs: 50, maxMs: 2_000 }) * this.#clock.scale; // clock ms
        if (write === undefined || this.#clock.now() + 2 * wait >= until - 5_000 * this.#clock.scale) throw err;
        await sleep(this.#clock, wait, undefined, 'refresh write-back');
      }
    }
  }

  /** `until`: when the lease taken lapses (clock ms). */
  async #claim(key: RowKey, owner: string, options: LeaseWaitOptions): Promise<Claimed & { until: number }> {
    const started = this.#clock.now();
    const waitMs = options.waitMs ?? LEASE_MS;
    for (;;) {
      const now = this.#clock.now();
      const claimed = await this.#backend.claimLease(key, owner, now + LEASE_MS, now);
      if (claimed !== undefined) return { ...claimed, until: now + LEASE_MS };
      if (now - started >= waitMs) throw new LeaseTimeoutError(Math.round(now - started));
      await sleep(this.#clock, POLL_MS * this.#clock.scale, options.signal, 'refresh lease');
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
  throw new InvalidArgumentError('invalid list cursor');
}

export interface SealingReport {
  rows: number;
  /** Rows per key id their tokens are sealed under. */
  byKeyId: Record<string, number>;
  /** Rows whose tokens do not open with the key ring (row keys as stored: '' for none). */
  unreadable: { enterpriseId: string; teamId: string; userId: string; error: unknown }[];
}
