// Retry de-duplication by event_id. Slack retries an unacknowledged event up to three times within
// minutes, and behind a load balancer the retry may land on another process: a store shared by the
// processes (SQLite, PostgreSQL or Redis in slackline/stores/*) makes the user handler run once.
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
