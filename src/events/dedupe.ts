// Retry de-duplication by event_id. Slack retries an unacknowledged event up to three times within
// minutes, and behind a load balancer the retry may land on another process: a store shared by the
// processes (SQLite, PostgreSQL or Redis in slackline/stores/*) makes the user handler run once.
import { InvalidArgumentError } from '../http/errors.js';
import { SIGNATURE_WINDOW_SECONDS } from './verify.js';

/** An hour: far longer than Slack's retries (within minutes), short enough to stay small. */
export const DEDUPE_TTL_MS = 3_600_000;

export interface EventDedupeStore {
  /**
   * Records `eventId` until `now + ttlMs` (epoch ms). Resolves true for the one caller that claimed
   * it first, false while an earlier claim is live. Atomic across every process sharing the store.
   * `eventTime`, when the event has one, is its time in epoch seconds as eventTimeOf() reads it
   * (to the microsecond when Slack gives one): Slack's retries and any replay carry the same signed
   * body, so every claim of one event passes the same value, and a store may file its ids by it
   * (SQLite does, so that claims land in arrival order). Callers pass it to every claim and release
   * of an event, or to none.
   */
  claim(eventId: string, ttlMs: number, now: number, eventTime?: number): Promise<boolean>;
  /** Forgets a claim, so that Slack's retry is processed (the first attempt failed). */
  release(eventId: string, eventTime?: number): Promise<void>;
  close(): Promise<void>;
}

/** Slack's `event_ts`: whole seconds, a dot, up to six digits (`1700000000.000100`). */
const EVENT_TS = /^[0-9]{1,11}\.[0-9]{1,6}$/;

/**
 * An event's time for EventDedupeStore, in epoch seconds: its `event.event_ts`, which counts
 * microseconds, when it has a well-formed one, else the envelope's whole-second `event_time`. Both
 * come from the signed body, so a retry or a replay reads the same value. The microseconds matter
 * to a store that files claims by time: events arrive in about their `event_ts` order, so claims
 * land next to each other, where thousands a second within one `event_time` land anywhere.
 */
export function eventTimeOf(envelope: Readonly<Record<string, unknown>>): number | undefined {
  const ts = (envelope.event as { event_ts?: unknown } | null | undefined)?.event_ts;
  if (typeof ts === 'string' && EVENT_TS.test(ts)) return Number(ts);
  const time = envelope.event_time;
  return typeof time === 'number' && Number.isFinite(time) ? time : undefined;
}

/**
 * How long every event id must be remembered, whatever the size bound: a captured signed request
 * can be replayed while its timestamp is inside the ±300 s signature window, i.e. up to 600 s after
 * its first delivery when the two clocks disagree by the whole window.
 */
export const REPLAY_WINDOW_MS = 2 * SIGNATURE_WINDOW_SECONDS * 1000;

/**
 * One process only: the default. Bounded to `maxEntries`, except that a live id claimed within the
 * replay window is never evicted to make room: only signed requests add ids, so Slack's own rate
 * bounds the excess. (The events handler refuses a TTL shorter than that window.)
 */
export class MemoryDedupeStore implements EventDedupeStore {
  // Insertion order is claim order, so the oldest claim is always first. An id's value is when it was
  // claimed, counted from the first claim (a small integer with a millisecond clock: no object and no
  // boxed number per id, so a store of 100,000 ids costs the collector little); it expires the store's
  // TTL later, or its own TTL (in #ttls) when its claim came with another one.
  readonly #ids = new Map<string, number>();
  readonly #ttls = new Map<string, number>();
  /** The first claim's `now` and TTL. */
  #epoch = Number.NaN;
  #ttl = Number.NaN;
  /** The oldest claim's expiry: no sweep is due before it (-Infinity: not known, sweep at the next claim). */
  #oldestUntil = Number.POSITIVE_INFINITY;
  constructor(readonly maxEntries = 10_000) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new InvalidArgumentError('MemoryDedupeStore: maxEntries must be a positive integer');
    }
  }

  async claim(eventId: string, ttlMs: number, now: number): Promise<boolean> {
    return this.claimNow(eventId, ttlMs, now);
  }

  /** `claim()` without the promise, for callers in this process that want the answer at once. */
  claimNow(eventId: string, ttlMs: number, now: number): boolean {
    if (Number.isNaN(this.#epoch)) {
      this.#epoch = now;
      this.#ttl = ttlMs;
    }
    const held = this.#ids.get(eventId);
    if (held !== undefined) {
      if (this.#until(eventId, held) > now) return false;
      this.#forget(eventId);
      this.#oldestUntil = Number.NEGATIVE_INFINITY; // it may have been the oldest: look again
    }
    // The sweep stops at once while the store has room and its oldest claim is live: skip it then.
    if (this.#ids.size >= this.maxEntries || now >= this.#oldestUntil) this.#evict(now);
    this.#ids.set(eventId, now - this.#epoch);
    if (ttlMs !== this.#ttl) this.#ttls.set(eventId, ttlMs);
    if (this.#ids.size === 1) this.#oldestUntil = now + ttlMs;
    return true;
  }

  /** When the claim of `eventId`, held since `at` (from #epoch), expires. */
  #until(eventId: string, at: number): number {
    return this.#epoch + at + (this.#ttls.size === 0 ? this.#ttl : (this.#ttls.get(eventId) ?? this.#ttl));
  }

  #forget(eventId: string): boolean {
    if (this.#ttls.size !== 0) this.#ttls.delete(eventId);
    return this.#ids.delete(eventId);
  }

  /** Drops claims from the oldest on, while expired or (past the size bound) no longer replayable. */
  #evict(now: number): void {
    for (const [id, at] of this.#ids) {
      const until = this.#until(id, at);
      if (this.#ids.size < this.maxEntries && until > now) break;
      if (until > now && this.#epoch + at > now - REPLAY_WINDOW_MS) break; // still replayable: keep it
      this.#forget(id);
    }
    const oldest = this.#ids.entries().next();
    this.#oldestUntil = oldest.done ? Number.POSITIVE_INFINITY : this.#until(oldest.value[0], oldest.value[1]);
  }

  async release(eventId: string): Promise<void> {
    if (this.#forget(eventId)) this.#oldestUntil = Number.NEGATIVE_INFINITY; // may have been the oldest
  }

  /** How many ids are held (tests, metrics). */
  get size(): number {
    return this.#ids.size;
  }

  async close(): Promise<void> {}
}
