// The rate limiter's budgets in Redis, so that every process calling Slack for one app draws from
// one budget per bucket. Each take, settle and close is one Lua script: atomic, one round trip. Times are
// the callers' clock readings (passed in), so processes must share a clock (NTP is enough: budgets
// are per minute).
import type { LimiterStore } from '../../http/limiter-store.js';
import { type BucketLimit, budgetOf } from '../../http/tiers.js';

/** What the store needs from a Redis client; node-redis (`redis` >= 4) clients have it. */
export interface RedisScriptClient {
  scriptLoad(script: string): Promise<string>;
  evalSha(sha: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

// Brings the bucket up to date; shared head of both scripts. Mirrors refill() in limiter-store.ts.
const REFILL = `
local burst = tonumber(ARGV[1])
local rate = tonumber(ARGV[2]) / 60000
local now = tonumber(ARGV[3])
local s = redis.call('HMGET', KEYS[1], 't', 'at', 'c')
local tokens = tonumber(s[1]) or burst
local at = tonumber(s[2]) or now
local closed = tonumber(s[3]) or 0
local cap = math.max(0, burst - (tonumber(ARGV[4]) or 0))
if now > at then
  if tokens < cap then tokens = math.min(cap, tokens + (now - at) * rate) end
  at = now
end
`;

const SAVE = `
redis.call('HSET', KEYS[1], 't', tostring(tokens), 'at', tostring(at), 'c', tostring(closed))
local ttl = math.max(closed - now, (burst - tokens) / rate) + 1000
redis.call('PEXPIRE', KEYS[1], math.ceil(ttl))
`;

const TAKE = `${REFILL}
local wait = 0
if closed > now then
  wait = math.ceil(closed - now)
elseif tokens >= 1 then
  tokens = tokens - 1
else
  wait = math.ceil((1 - tokens) / rate)
end
${SAVE}
return wait
`;

// A call's answer is in: the bucket is brought up to date while it was in flight (ARGV[4] counts it).
const SETTLE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
${REFILL}
${SAVE}
return 0
`;

const CLOSE = `${REFILL}
tokens = 0
closed = math.max(closed, tonumber(ARGV[5]))
${SAVE}
return 0
`;

export interface RedisLimiterStoreOptions {
  /** Prefix for every key (default `slackline:rl:`); give each app or environment its own. */
  prefix?: string;
  /**
   * Real ms to wait for Redis (default 1,000). A client that lost its connection queues commands
   * until it is back; past this the limiter lets the call through rather than hang it (Slack's 429
   * and the retry handler still guard the budget).
   */
  timeoutMs?: number;
}

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

class Script {
  #sha: Promise<string> | undefined;
  constructor(
    private readonly client: RedisScriptClient,
    private readonly source: string,
  ) {}

  async run(keys: string[], args: string[]): Promise<unknown> {
    this.#sha ??= this.client.scriptLoad(this.source);
    try {
      return await this.client.evalSha(await this.#sha, { keys, arguments: args });
    } catch (error) {
      // The server lost its script cache (restart, SCRIPT FLUSH): send the source once more.
      if (!String((error as Error | undefined)?.message).includes('NOSCRIPT')) throw error;
      this.#sha = undefined;
      return this.client.eval(this.source, { keys, arguments: args });
    }
  }
}

/** A LimiterStore on a connected Redis client (you own the client: connect and close it). */
export function redisLimiterStore(client: RedisScriptClient, options: RedisLimiterStoreOptions = {}): LimiterStore {
  const prefix = options.prefix ?? 'slackline:rl:';
  const timeoutMs = options.timeoutMs ?? 1000;
  const take = new Script(client, TAKE);
  const close = new Script(client, CLOSE);
  const settle = new Script(client, SETTLE);
  // In-flight calls are this process's: each process holds back the refill for its own.
  const args = (limit: BucketLimit, now: number, inFlight = 0): string[] => {
    const { burst, perMinute } = budgetOf(limit);
    return [String(burst), String(perMinute), String(now), String(inFlight)];
  };
  return {
    async take(key, limit, now, inFlight) {
      return Number(await within(take.run([prefix + key], args(limit, now, inFlight)), timeoutMs));
    },
    async settle(key, limit, now, inFlight) {
      await within(settle.run([prefix + key], args(limit, now, inFlight)), timeoutMs);
    },
    async close(key, limit, until, now) {
      await within(close.run([prefix + key], [...args(limit, now), String(until)]), timeoutMs);
    },
  };
}
