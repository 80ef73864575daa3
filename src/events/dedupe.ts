// Retry de-duplication by event_id. Slack retries an unacknowledged event up to three times within
// minutes, and behind a load balancer the retry may land on another process: a store shared by the
// processes (SQLite, PostgreSQL or Redis in slackline/stores/*) makes the user handler run once.

/** An hour: far longer than Slack's retries (within minutes), short enough to stay small. */
export const DEDUPE_TTL_MS = 3_600_000;

export interface EventDedupeStore {
  /**
   * Records `eventId` until `now + ttlMs` (epoch ms). Resolves true for the one caller that claimed
   * it first, false while an earlier claim is live. Atomic across every process sharing the store.
   */
  claim(eventId: string, ttlMs: number, now: number): Promise<boolean>;
  /** Forgets a claim, so that Slack's retry is processed (the first attempt failed). */
  release(eventId: string): Promise<void>;
  close(): Promise<void>;
}

/** One process only: the default. Bounded; the oldest ids go first. */
export class MemoryDedupeStore implements EventDedupeStore {
  readonly #ids = new Map<string, number>();
  constructor(readonly maxEntries = 10_000) {}

  async claim(eventId: string, ttlMs: number, now: number): Promise<boolean> {
    const until = this.#ids.get(eventId);
    if (until !== undefined && until > now) return false;
    this.#ids.delete(eventId);
    if (this.#ids.size >= this.maxEntries) this.#ids.delete(this.#ids.keys().next().value as string);
    this.#ids.set(eventId, now + ttlMs);
    return true;
  }

  async release(eventId: string): Promise<void> {
    this.#ids.delete(eventId);
  }

  async close(): Promise<void> {}
}
