// Slack's SCIM rate limits, enforced when the emulator's limits are on: per org (all SCIM apps of the
// org together), an org-wide budget per set (writes, reads) and one per endpoint. A call over either
// answers 429 with Retry-After and Slack's error body.
// Source: docs.slack.dev/reference/scim-api/rate-limits ("Small bursts above the limit are acceptable":
// one call of tolerance on each burst, as for the Web API tiers).
import type { Token } from '../model/model.js';
import { RateLimitedFailure, type RateLimits } from '../web-api/rate-limits.js';

const LIMITS: Record<string, { perMinute: number; burst: number }> = {
  'scim writes': { perMinute: 600, burst: 180 },
  'scim reads': { perMinute: 1000, burst: 1000 },
  'scim GET Users/<id>': { perMinute: 300, burst: 300 },
  'scim POST Users': { perMinute: 180, burst: 20 },
  'scim UPDATE Users/<id>': { perMinute: 180, burst: 20 },
  'scim DELETE Users/<id>': { perMinute: 180, burst: 20 },
  'scim GET Groups/<id>': { perMinute: 300, burst: 300 },
  'scim POST Groups': { perMinute: 180, burst: 20 },
  'scim UPDATE Groups/<id>': { perMinute: 180, burst: 80 },
  'scim DELETE Groups/<id>': { perMinute: 180, burst: 20 },
};

/** Counts a SCIM call; returns the seconds to wait when it is over a limit, else undefined. */
export function checkScimLimits(
  limits: RateLimits,
  token: Token,
  orgId: string,
  method: string,
  resource: string,
  withId: boolean,
): number | undefined {
  if (!limits.enabled) return undefined;
  for (const [name, limit] of Object.entries(LIMITS))
    limits.define(name, { perMinute: limit.perMinute, burst: limit.burst + 1 });
  const verb = method === 'PUT' || method === 'PATCH' ? 'UPDATE' : method;
  const names = [method === 'GET' ? 'scim reads' : 'scim writes', `scim ${verb} ${resource}${withId ? '/<id>' : ''}`];
  // Keyed by the org, not the app: Slack counts every SCIM app of an org together.
  const orgToken: Token = { ...token, appId: 'scim', teamId: orgId };
  try {
    for (const name of names) if (name in LIMITS) limits.check(name, orgToken, undefined);
  } catch (error) {
    if (error instanceof RateLimitedFailure) return error.retryAfterSeconds;
    throw error;
  }
  return undefined;
}
