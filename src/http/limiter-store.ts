// Where the rate limiter keeps its budgets. In memory by default (one process); the Redis store in
// slackline/stores/redis shares them between processes that call Slack for the same app.
import { type BucketLimit, budgetOf } from './tiers.js';

export interface LimiterStore {
  /**
   * Takes one call from `key`'s token bucket (GCRA) at time `now` (epoch ms on the client's clock).
   * Returns 0 when granted, otherwise the milliseconds until a call may be granted (nothing taken).
   */
  take(key: string, limit: BucketLimit, now: number): number | Promise<number>;
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

/** One bucket's arithmetic, shared by the memory store (the Redis store runs the same in Lua). */
export function refill(state: BucketState, limit: BucketLimit, now: number): void {
  const { perMinute, burst } = budgetOf(limit);
  const elapsed = Math.max(0, now - state.at);
  state.tokens = Math.min(burst, state.tokens + (elapsed * perMinute) / 60_000);
  state.at = Math.max(state.at, now);
}

export function memoryLimiterStore(options: { maxBuckets?: number } = {}): LimiterStore {
  const maxBuckets = options.maxBuckets ?? 10_000;
  const buckets = new Map<string, BucketState & { limit: BucketLimit }>();
  const get = (key: string, limit: BucketLimit, now: number): BucketState => {
    // (The limit is kept with the state so that pruning can tell a full bucket.)
    let state = buckets.get(key);
    if (state === undefined) {
      if (buckets.size >= maxBuckets) prune(now);
      state = { tokens: budgetOf(limit).burst, at: now, closedUntil: 0, limit };
      buckets.set(key, state);
    }
    refill(state, limit, now);
    return state;
  };
  // A bucket that has refilled completely is the same as a new one: forget it.
  const prune = (now: number): void => {
    for (const [key, state] of buckets) {
      refill(state, state.limit, now);
      if (state.closedUntil <= now && state.tokens >= budgetOf(state.limit).burst) buckets.delete(key);
    }
  };
  return {
    take(key, limit, now) {
      const state = get(key, limit, now);
      if (state.closedUntil > now) return state.closedUntil - now;
      if (state.tokens >= 1) {
        state.tokens -= 1;
        return 0;
      }
      return Math.ceil(((1 - state.tokens) * 60_000) / budgetOf(limit).perMinute);
    },
    close(key, limit, until, now) {
      const state = get(key, limit, now);
      state.tokens = 0;
      state.closedUntil = Math.max(state.closedUntil, until);
    },
  };
}
