// Slack's published SCIM rate limits as budgets for the core's limiter. Unlike the Web API's, they hold
// for all SCIM apps of an org together. Every call draws from its set's org-wide budget (writes or
// reads) and, where Slack lists one, from its endpoint's own.
// Source: docs.slack.dev/reference/scim-api/rate-limits ("SCIM API rate limits").

import type { HttpMethod } from '../http/retry.js';
import type { BucketLimit, BucketRef } from '../http/tiers.js';

type Table = Readonly<Record<string, BucketLimit>>;

function table(entries: Record<string, BucketLimit>): Table {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, BucketLimit>, entries));
}

/** Org-wide sets: every SCIM write (POST, PUT, PATCH, DELETE), every SCIM read (GET). */
export const SCIM_SET_LIMITS: Table = table({
  writes: { perMinute: 600, burst: 180 },
  reads: { perMinute: 1000, burst: 1000 },
});

/** Per-endpoint limits, keyed `VERB Resource` or `VERB Resource/<id>` (PUT and PATCH share "update"). */
export const SCIM_ENDPOINT_LIMITS: Table = table({
  'GET Users/<id>': { perMinute: 300, burst: 300 },
  'POST Users': { perMinute: 180, burst: 20 },
  'UPDATE Users/<id>': { perMinute: 180, burst: 20 },
  'DELETE Users/<id>': { perMinute: 180, burst: 20 },
  'GET Groups/<id>': { perMinute: 300, burst: 300 },
  'POST Groups': { perMinute: 180, burst: 20 },
  'UPDATE Groups/<id>': { perMinute: 180, burst: 80 },
  'DELETE Groups/<id>': { perMinute: 180, burst: 20 },
});

export type SCIMResource = 'Users' | 'Groups';
/** Every path a SCIM call can name: the resources, and the service's description of itself. */
export type SCIMPath = SCIMResource | 'ServiceProviderConfigs' | 'ResourceTypes';

/** The endpoint's name in SCIM_ENDPOINT_LIMITS. */
export function endpointName(verb: HttpMethod, resource: SCIMPath, withId: boolean): string {
  const v = verb === 'PUT' || verb === 'PATCH' ? 'UPDATE' : verb;
  return `${v} ${resource}${withId ? '/<id>' : ''}`;
}

/** The buckets of one call: its set's, and its endpoint's when Slack lists one. Keys never hold a token. */
export function scimBuckets(
  identity: string,
  verb: HttpMethod,
  resource: SCIMPath,
  withId: boolean,
): { set: BucketRef; endpoint: BucketRef | undefined } {
  const setName = verb === 'GET' ? 'reads' : 'writes';
  const set = { key: `${identity}:scim:${setName}`, limit: SCIM_SET_LIMITS[setName] as BucketLimit };
  const name = endpointName(verb, resource, withId);
  const limit = SCIM_ENDPOINT_LIMITS[name];
  return { set, endpoint: limit === undefined ? undefined : { key: `${identity}:scim:${name}`, limit } };
}
