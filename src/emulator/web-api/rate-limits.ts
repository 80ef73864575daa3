// Slack's rate limits, enforced the way Slack keys them: per app, per workspace, per method, and for
// chat.postMessage (and assistant.threads.setStatus) per channel too. Limits come from
// data/method-tiers.json (`docs_tiers` wins over the Java SDK's table). Each key is a token bucket
// (GCRA) holding a minute's count, refilled at the tier's rate on the emulator's clock (which may
// run scaled): a burst inside the minute's budget passes, and an empty bucket answers HTTP 429 with
// Retry-After. Off unless enabled (startEmulator({ rateLimits: true }) or
// POST /_emulator/rate-limits), so tests that post fast are not limited by surprise.

import { type EmuRequest, jsonReply, type Outcome, type Reply, readBody } from '../http/transport.js';
import type { Clock } from '../model/clock.js';
import { readDataFile } from '../model/data.js';
import { isObject } from '../model/json.js';
import type { Token } from '../model/model.js';
import { ApiFailure } from './failure.js';

export interface Limit {
  perMinute: number;
  burst: number;
}

interface TierData {
  tier_definitions: Record<string, { requests_per_minute: number | null; per?: string }>;
  methods: Record<string, string>;
  docs_tiers: Record<string, string | null>;
}

// Slack documents tiers as per-minute minimums ("sporadic bursts are welcome"): a whole minute's
// count may come at once, then the rate refills it (GCRA, a token bucket with that burst). Posting is
// "1 per second per channel, short bursts allowed": a burst of a few. Each is one call more than a
// client keeping to the published numbers sends at once: a burst's first call pays for a cold
// connection, so its later calls, and the next window's on warm connections, look early by as much.
const POSTING_BURST = 4;
const TOLERANCE = 1;

interface Rule extends Limit {
  perChannel: boolean;
}

function loadRules(): Map<string, Rule> {
  const data = readDataFile('method-tiers.json') as TierData;
  const rules = new Map<string, Rule>();
  const names = new Set([...Object.keys(data.methods), ...Object.keys(data.docs_tiers)]);
  for (const method of names) {
    const docs = data.docs_tiers[method];
    const java = data.methods[method];
    // The docs' tier is authoritative; "Special" is spelled out by the Java table's special names.
    const tier = docs?.startsWith('Tier') ? docs : java?.startsWith('SpecialTier_') ? java : (docs ?? java);
    const def = tier === undefined || tier === null ? undefined : data.tier_definitions[tier];
    const perMinute = def?.requests_per_minute;
    if (tier === undefined || tier === null || !perMinute) continue;
    const perChannel = def?.per !== undefined;
    rules.set(method, { perMinute, burst: perChannel ? POSTING_BURST : perMinute + TOLERANCE, perChannel });
  }
  // The Audit Logs API is Tier 3 for every endpoint, counted per org (audit-logs/routes.ts keys it so).
  const tier3 = data.tier_definitions.Tier3?.requests_per_minute;
  if (tier3) rules.set('audit.logs', { perMinute: tier3, burst: tier3 + TOLERANCE, perChannel: false });
  return rules;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Thrown by the API pipeline for a call over its limit; answered as HTTP 429. */
export class RateLimitedFailure extends ApiFailure {
  constructor(
    readonly retryAfterSeconds: number,
    readonly retryAt: number,
  ) {
    super('ratelimited');
  }

  reply(headers: Record<string, string>, format: 'seconds' | 'date'): Reply {
    // An HTTP-date has whole seconds: round up, so that a client waiting until then is not early.
    const date = new Date(Math.ceil(this.retryAt / 1000) * 1000);
    const value = format === 'date' ? date.toUTCString() : String(this.retryAfterSeconds);
    return jsonReply(429, this.body(), { ...headers, 'retry-after': value });
  }
}

export class RateLimits {
  enabled = false;
  /** How Retry-After is written: delta-seconds (Slack's way) or an HTTP-date. */
  format: 'seconds' | 'date' = 'seconds';
  /** 429s answered since the last reset. */
  limited = 0;
  /**
   * Real milliseconds of network and scheduling jitter forgiven: a call that would be allowed that
   * much later is allowed now (borrowing from the next token, so the rate still holds). In real
   * time, so that a scaled clock does not turn a few ms of jitter into seconds of Slack time. A
   * client may send a whole minute's budget at once (hundreds of calls): the emulator reads them
   * one after another over a few hundred ms, and the calls that follow them queue behind, so they
   * arrive bunched up by that much.
   */
  graceMs = 25;
  readonly #rules = loadRules();
  #overrides = new Map<string, Limit | null>();
  #buckets = new Map<string, Bucket>();

  constructor(private readonly clock: Clock) {}

  reset(): void {
    this.#buckets.clear();
    this.#overrides.clear();
    this.limited = 0;
    this.format = 'seconds';
  }

  /** Limits of another surface by name (SCIM's endpoints): `check` enforces them as a method's. */
  define(name: string, limit: Limit): void {
    this.#rules.set(name, { ...limit, perChannel: false });
  }

  /** The limit for a method (null: unlimited). Overrides by method name win over the data. */
  limitOf(method: string): (Limit & { perChannel: boolean }) | null {
    const rule = this.#rules.get(method);
    const override = this.#overrides.get(method);
    if (override === null) return null;
    if (override !== undefined) return { ...override, perChannel: rule?.perChannel ?? false };
    return rule ?? null;
  }

  /** Counts the call against its bucket; throws RateLimitedFailure when the bucket is empty. */
  check(method: string, token: Token, channel: string | undefined): void {
    if (!this.enabled) return;
    const limit = this.limitOf(method);
    if (limit === null) return;
    const scope = `${token.appId}:${token.teamId}:${method}`;
    const key = limit.perChannel && channel !== undefined ? `${scope}:${channel}` : scope;
    const now = this.clock.now();
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      bucket = { tokens: limit.burst, at: now };
      this.#buckets.set(key, bucket);
    }
    const rate = limit.perMinute / 60_000;
    bucket.tokens = Math.min(limit.burst, bucket.tokens + Math.max(0, now - bucket.at) * rate);
    bucket.at = Math.max(bucket.at, now);
    if (bucket.tokens >= 1 || (1 - bucket.tokens) / rate <= this.graceMs * this.clock.scale) {
      bucket.tokens -= 1;
      return;
    }
    const waitMs = (1 - bucket.tokens) / rate;
    this.limited += 1;
    throw new RateLimitedFailure(Math.max(1, Math.ceil(waitMs / 1000)), now + waitMs);
  }

  /** POST /_emulator/rate-limits: `{ enabled?, format?, graceMs?, reset?, limits?: { method: {perMinute, burst} | null } }`. */
  configure(body: Record<string, unknown>): string | undefined {
    if (body.enabled !== undefined) {
      if (typeof body.enabled !== 'boolean') return 'enabled must be a boolean';
      this.enabled = body.enabled;
    }
    if (body.format !== undefined) {
      if (body.format !== 'seconds' && body.format !== 'date') return "format must be 'seconds' or 'date'";
      this.format = body.format;
    }
    if (body.limits !== undefined) {
      if (!isObject(body.limits)) return 'limits must be an object';
      for (const [method, raw] of Object.entries(body.limits)) {
        if (raw === null) {
          this.#overrides.set(method, null);
          continue;
        }
        const ok = isObject(raw) && isPositive(raw.perMinute) && isPositive(raw.burst);
        if (!ok) return `limits.${method} must be {perMinute, burst} (positive numbers) or null`;
        this.#overrides.set(method, { perMinute: Number(raw.perMinute), burst: Number(raw.burst) });
      }
    }
    if (body.graceMs !== undefined) {
      if (typeof body.graceMs !== 'number' || !(body.graceMs >= 0)) return 'graceMs must be a number >= 0';
      this.graceMs = body.graceMs;
    }
    if (body.reset === true) this.#buckets.clear();
    return undefined;
  }

  summary(): Record<string, unknown> {
    const { enabled, format, limited, graceMs } = this;
    return { ok: true, enabled, format, limited, graceMs, buckets: this.#buckets.size };
  }
}

function isPositive(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

/** The control routes for rate limits (GET/POST rate-limits); undefined for any other route. */
export async function rateLimitControl(limits: RateLimits, key: string, req: EmuRequest): Promise<Outcome | undefined> {
  if (key === 'GET rate-limits') return jsonReply(200, limits.summary());
  if (key !== 'POST rate-limits') return undefined;
  const raw = await readBody(req.body, 64 * 1024);
  let body: unknown = {};
  try {
    body = typeof raw === 'string' || raw.length === 0 ? {} : JSON.parse(raw.toString('utf8'));
  } catch {
    body = undefined;
  }
  const problem = isObject(body) ? limits.configure(body) : 'body must be a JSON object';
  if (problem !== undefined) return jsonReply(400, { ok: false, error: 'invalid_request', detail: problem });
  return jsonReply(200, limits.summary());
}
