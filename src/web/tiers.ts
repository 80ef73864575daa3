// Slack's published Web API rate limits, as budgets for the core's limiter. Tiers are evaluated per
// app, per workspace, per method; chat.postMessage (and assistant.threads.setStatus) per channel.
// Slack publishes the tiers as per-minute minimums ("50+ per minute", "sporadic bursts are
// welcome"), so a tier's budget is its per-minute count in any rolling minute: a burst inside it
// goes at once. Posting keeps to one a second per channel, with a short burst.
// Source: docs.slack.dev/apis/web-api/rate-limits (data/method-tiers.json holds the table).
import { type BucketLimit, type BucketRef, budgetOf } from '../http/tiers.js';

export type { BucketLimit } from '../http/tiers.js';

type Table<T> = Readonly<Record<string, T>>;

/** A frozen lookup table without a prototype: `constructor` or `__proto__` is just a missing key. */
function table<T>(entries: Record<string, T>): Table<T> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, T>, entries));
}

export const TIER_LIMITS: Table<BucketLimit> = table({
  Tier1: { perMinute: 1 },
  Tier2: { perMinute: 20 },
  Tier3: { perMinute: 50 },
  Tier4: { perMinute: 100 },
});

/** Special-tier methods whose limits Slack states; `perChannel` ones are keyed by the channel too. */
export const SPECIAL_LIMITS: Table<BucketLimit & { perChannel?: boolean }> = table({
  'chat.postMessage': { perMinute: 60, burst: 3, perChannel: true },
  'assistant.threads.setStatus': { perMinute: 60, burst: 3, perChannel: true },
  'auth.test': { perMinute: 600 },
  'chat.getPermalink': { perMinute: 600 },
  'admin.analytics.messages.metadata': { perMinute: 1200, burst: 2000 },
});

/**
 * Overrides by method name or tier name; `null` turns the limiter off for that method or tier.
 * A method entry wins over its tier's.
 */
export type LimitOverrides = Readonly<Record<string, BucketLimit | null>>;

export interface BucketQuery {
  method: string;
  /** The method's tier from the catalog ('Tier1'..'Tier4', 'Special', ...); undefined when unknown. */
  tier: string | undefined;
  /** Who the budget belongs to: a team id, or a fingerprint of the token. Never the token itself. */
  identity: string;
  /** The call's `channel` argument, for per-channel limits. */
  channel: unknown;
}

/** Gives each call its bucket, or undefined when no limit is known (the call then goes unthrottled). */
export type BudgetResolver = (query: BucketQuery) => BucketRef | undefined;

/**
 * The resolver the WebClient hands its limiter's calls: Slack's table under the caller's overrides.
 * Overrides are checked here (TypeError naming the entry), once, not on every call.
 */
export function budgetResolver(overrides: LimitOverrides = {}): BudgetResolver {
  const own = new Map<string, BucketLimit | null>();
  for (const [name, limit] of Object.entries(overrides)) {
    if (limit !== null) {
      try {
        budgetOf(limit);
      } catch {
        throw new TypeError(`rateLimits.limits['${name}'] must be { perMinute, burst? } (positive numbers) or null`);
      }
    }
    own.set(name, limit === null ? null : { perMinute: limit.perMinute, burst: limit.burst });
  }
  return ({ method, tier, identity, channel }) => {
    const special = SPECIAL_LIMITS[method];
    let limit = own.has(method) ? own.get(method) : special;
    if (limit === undefined && tier !== undefined) limit = own.has(tier) ? own.get(tier) : TIER_LIMITS[tier];
    if (!limit) return undefined;
    const perChannel = special?.perChannel === true && typeof channel === 'string' && channel !== '';
    const key = perChannel ? `${identity}:${method}:${channel}` : `${identity}:${method}`;
    return { key, limit };
  };
}

/** The bucket for one call (a resolver built for one query; build one with budgetResolver to reuse). */
export function bucketFor(query: BucketQuery, overrides: LimitOverrides = {}): BucketRef | undefined {
  return budgetResolver(overrides)(query);
}
