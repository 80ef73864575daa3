// Budgets the rate limiter spends. The core knows budgets, not Slack methods: which budget a call
// draws from is its API client's business (the Web API's tier table lives in web/tiers.ts).

/**
 * A budget (GCRA, a token bucket): `burst` calls at once, refilled at `perMinute` a minute. Without
 * `burst`, a whole minute's count may go at once (`burst` = `perMinute`): calls inside it go
 * immediately and only the excess waits, one every `60 s / perMinute`. A `burst` below
 * `perMinute` keeps to the rate more tightly (posting: 60 a minute, 3 at once).
 */
export interface BucketLimit {
  perMinute: number;
  burst?: number;
}

/** A bucket a call draws from: its key (never a secret) and its budget. */
export interface BucketRef {
  key: string;
  limit: BucketLimit;
}

/** A budget with its burst filled in; RangeError when it is not made of positive finite numbers. */
export function budgetOf(limit: BucketLimit): { perMinute: number; burst: number } {
  if (!isBudget(limit)) throw new RangeError('a budget is { perMinute > 0, burst? >= 1 }, finite numbers');
  return { perMinute: limit.perMinute, burst: limit.burst ?? limit.perMinute };
}

/** Whether `limit` is a usable budget; the check budgetOf makes, without making anything (hot path). */
export function isBudget(limit: BucketLimit): boolean {
  const perMinute = limit?.perMinute;
  const burst = limit?.burst ?? perMinute;
  return perMinute > 0 && perMinute < Number.POSITIVE_INFINITY && burst >= 1 && burst < Number.POSITIVE_INFINITY;
}
