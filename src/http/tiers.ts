// Slack's published rate limits as budgets for the limiter. Tiers are evaluated per app, per
// workspace, per method; chat.postMessage (and assistant.threads.setStatus) per channel. Slack
// documents the tiers as minimums ("20+ per minute") with "occasional bursts": the bursts below
// are deliberately modest, so that staying inside them never draws a 429 from real Slack.
// Source: docs.slack.dev/apis/web-api/rate-limits (see data/method-tiers.json for the table).

/** A token bucket: `burst` calls at once, refilled at `perMinute` a minute. */
export interface BucketLimit {
  perMinute: number;
  burst: number;
}

export const TIER_LIMITS: Readonly<Record<string, BucketLimit>> = Object.freeze({
  Tier1: { perMinute: 1, burst: 1 },
  Tier2: { perMinute: 20, burst: 3 },
  Tier3: { perMinute: 50, burst: 5 },
  Tier4: { perMinute: 100, burst: 10 },
});

/** Special-tier methods whose limits Slack states; `perChannel` ones are keyed by the channel too. */
export const SPECIAL_LIMITS: Readonly<Record<string, BucketLimit & { perChannel?: boolean }>> = Object.freeze({
  'chat.postMessage': { perMinute: 60, burst: 3, perChannel: true },
  'assistant.threads.setStatus': { perMinute: 60, burst: 3, perChannel: true },
  'auth.test': { perMinute: 600, burst: 20 },
  'chat.getPermalink': { perMinute: 600, burst: 20 },
  'admin.analytics.messages.metadata': { perMinute: 1200, burst: 2000 },
});

/** A bucket a call draws from: its key (never a secret) and its budget. */
export interface BucketRef {
  key: string;
  limit: BucketLimit;
}

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

/** The bucket for a call, or undefined when no limit is known (the call then goes unthrottled). */
export function bucketFor(query: BucketQuery, overrides: LimitOverrides = {}): BucketRef | undefined {
  const { method, tier, identity, channel } = query;
  const special = SPECIAL_LIMITS[method];
  const byMethod = overrides[method];
  const byTier = tier === undefined ? undefined : overrides[tier];
  let limit: BucketLimit | null | undefined = byMethod !== undefined ? byMethod : special;
  if (limit === undefined) limit = byTier !== undefined ? byTier : tier === undefined ? undefined : TIER_LIMITS[tier];
  if (!limit) return undefined;
  const perChannel = special?.perChannel === true && typeof channel === 'string' && channel !== '';
  const key = perChannel ? `${identity}:${method}:${channel}` : `${identity}:${method}`;
  return { key, limit: { perMinute: limit.perMinute, burst: limit.burst } };
}
