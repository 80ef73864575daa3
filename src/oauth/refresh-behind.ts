// Token refreshes behind lookups (RotationOptions.background): a lookup whose due token still works
// answers it at once and leaves the refresh here. Refreshes asked for within one window start together
// in one turn, so the store commits their lease claims together; their answers are handed back
// together (Answers), so their write-backs share a commit too (on SQLite, one fsync for the batch).

import { InvalidArgumentError } from '../http/errors.js';
import type { Logger } from '../http/logger.js';
import { Running } from '../http/running.js';
import type { Installation, InstallationQuery } from './types.js';

const DEFAULT_BATCH_MS = 50;
/** Longest an answered refresh of a batch waits for the batch's other answers before it is written. */
const HOLD_MS = 20;

/**
 * The answers of one batch: each waits until no exchange of the batch is still out (or HOLD_MS), so
 * their write-backs are asked for in one turn and share one commit instead of one each. The lease is
 * held meanwhile; nothing else waits on it.
 */
export class Answers {
  #out = 0;
  #waiting: (() => void)[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly holdMs: number) {}

  /** An exchange of the batch was sent. */
  sent(): void {
    this.#out++;
  }

  /** An exchange ended without an answer to write: the others no longer wait for it. */
  failed(): void {
    if (--this.#out === 0) this.#release();
  }

  /** An exchange answered: resolves once the batch's others have (or after holdMs). */
  answered(): Promise<void> {
    if (--this.#out === 0) {
      this.#release();
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.#waiting.push(resolve);
      if (this.#timer === undefined) {
        this.#timer = setTimeout(this.#release, this.holdMs);
        this.#timer.unref?.();
      }
    });
  }

  readonly #release = (): void => {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const resolve of waiting) resolve();
  };
}

interface Gathered {
  query: InstallationQuery;
  inst: Installation;
  done: () => void;
}

export class RefreshBehind {
  readonly #batchMs: number;
  /** Refreshes gathered for the next batch, by row key. */
  readonly #gathered = new Map<string, Gathered>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Refreshes started and not yet ended. */
  readonly #running = new Running();
  /** The batch being started: the refresh code reads it synchronously as each refresh begins. */
  starting: Answers | undefined;

  constructor(
    batchMs: number | undefined,
    private readonly refresh: (query: InstallationQuery, inst: Installation) => Promise<{ due: boolean }>,
    private readonly logger: Logger,
  ) {
    this.#batchMs = batchMs ?? DEFAULT_BATCH_MS;
    if (!(this.#batchMs >= 0 && this.#batchMs <= 60_000)) {
      throw new InvalidArgumentError(`tokenRotation.batchMs must be 0 to 60,000 ms (got ${String(batchMs)})`);
    }
  }

  /** Gathers a refresh for the next batch (one per row key); `done` runs if it stored new tokens. */
  add(key: string, query: InstallationQuery, inst: Installation, done: () => void): void {
    this.#gathered.set(key, { query, inst, done });
    if (this.#timer === undefined) {
      this.#timer = setTimeout(this.#start, this.#batchMs);
      this.#timer.unref?.(); // a token that still works does not keep a process alive
    }
  }

  /** Resolves once nothing is gathered or running (what is gathered starts now). */
  async settled(): Promise<void> {
    while (this.busy) {
      this.#start();
      await this.#running.settled();
    }
  }

  get busy(): boolean {
    return this.#gathered.size > 0 || this.#running.size > 0;
  }

  readonly #start = (): void => {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = [...this.#gathered.values()];
    this.#gathered.clear();
    this.starting = batch.length > 1 ? new Answers(HOLD_MS) : undefined;
    for (const { query, inst, done } of batch) {
      const run = this.refresh(query, inst).then(
        (r) => {
          if (r.due) done();
        },
        (err: unknown) => {
          this.logger.warn(
            { enterpriseId: query.enterpriseId ?? null, teamId: query.teamId ?? null, method: 'oauth.v2.access', err },
            'a token refresh behind a lookup failed: the next lookup of this installation tries again',
          );
        },
      );
      this.#running.track(run);
    }
    this.starting = undefined;
  };
}
