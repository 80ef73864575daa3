// Where the rate limiter keeps its budgets. In memory by default (one process); the Redis store in
// slackline/stores/redis shares them between processes that call Slack for the same app.
import { type BucketLimit, budgetOf } from './tiers.js';

export interface LimiterStore {
  /**
   * Takes one call from `key`'s token bucket (GCRA) at time `now` (epoch ms on the client's clock).
   * Returns 0 when granted, otherwise the milliseconds until a call may be granted (nothing taken).
   * `inFlight`: this process's calls from the bucket granted and not yet answered (see refill).
   */
  take(key: string, limit: BucketLimit, now: number, inFlight?: number): number | Promise<number>;
  /**
   * A granted call's answer is in (or its attempt failed): brings the bucket up to date while it
   * was in flight. `inFlight` counts it. Optional for stores of your own (then in-flight calls are
   * not accounted for).
   */
  settle?(key: string, limit: BucketLimit, now: number, inFlight: number): void | Promise<void>;
  /**
   * Slack answered 429 for this bucket: empty it and keep it closed until `until`. A closure never
   * shortens one already in force: two overlapping windows keep the longer.
   */
  close(key: string, limit: BucketLimit, until: number, now: number): void | Promise<void>;
}

interface BucketState {
  tokens: number;
  /** When `tokens` was last brought up to date. */
  at: number;
  closedUntil: number;
}

/**
 * One bucket's arithmetic, shared by the memory store (the Redis store runs the same in Lua).
 * A call is counted by Slack when it arrives, some time between our grant and its answer. While
 * `inFlight` granted calls are unanswered, the bucket refills no higher than `burst - inFlight`: to
 * Slack's window those calls may still be ahead, on a bucket it keeps full meanwhile (a burst that
 * waits behind a busy pool or server arrives late, bunched with the calls granted after it).
 */
export function refill(state: BucketState, limit: BucketLimit, now: number, inFlight = 0): void {
  // (Read directly, not through budgetOf: this runs on every call, and the limiter checked the budget.)
  const perMinute = limit.perMinute;
  const cap = Math.max(0, (limit.burst ?? perMinute) - inFlight);
  const elapsed = Math.max(0, now - state.at);
  // (Never lowered: tokens above the cap, from another process's view of the bucket, stay as they are.)
  if (state.tokens < cap) state.tokens = Math.min(cap, state.tokens + (elapsed * perMinute) / 60_000);
  state.at = Math.max(state.at, now);
}

export function memoryLimiterStore(options: { maxBuckets?: number } = {}): LimiterStore {
  const maxBuckets = options.maxBuckets ?? 10_000;
  const buckets = new Map<string, BucketState & { limit: BucketLimit }>();
  const get = (key: string, limit: BucketLimit, now: number, inFlight = 0): BucketState => {
    // (The limit is kept with the state so that pruning can tell a full bucket.)
    let state = buckets.get(key);
    if (state === undefined) {
      if (buckets.size >= maxBuckets) prune(now);
      state = { tokens: budgetOf(limit).burst, at: now, closedUntil: 0, limit };
      buckets.set(key, state);
    }
    refill(state, limit, now, inFlight);
    return state;
  };
  // A bucket that has refilled completely is the same as a new one: forget it. (Looked at, not
  // refilled: a bucket with calls in flight refills only to its cap, which only the limiter knows.)
  const prune = (now: number): void => {
    for (const [key, state] of buckets) {
      const { perMinute, burst } = budgetOf(state.limit);
      const full = state.tokens + (Math.max(0, now - state.at) * perMinute) / 60_000 >= burst;
      if (state.closedUntil <= now && full) buckets.delete(key);
    }
  };
  return {
    take(key, limit, now, inFlight) {
      const state = get(key, limit, now, inFlight);
      if (state.closedUntil > now) return state.closedUntil - now;
      if (state.tokens >= 1) {
        state.tokens -= 1;
        return 0;
      }
      return Math.ceil(((1 - state.tokens) * 60_000) / limit.perMinute);
    },
    settle(key, limit, now, inFlight) {
      const state = buckets.get(key);
      if (state !== undefined) refill(state, limit, now, inFlight);
    },
    close(key, limit, until, now) {
      const state = get(key, limit, now);
      state.tokens = 0;
      state.closedUntil = Math.max(state.closedUntil, until);
    },
  };
}
