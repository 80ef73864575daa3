// The one HTTP core every API client (web, webhook, SCIM, audit logs) shares. A call goes down
// four layers, each a small unit (the first three in layers.ts, one module since every client
// loads them together):
//
//   limiter (limitLayer)       waits for the bucket's budget; a 429 closes only that bucket
//   retry (retryLayer)         asks decideRetry (retry.ts) after each failed attempt, waits, repeats
//   deadline (deadlineLayer)   per-attempt timeout and overall deadline; hands the answer to `interpret`
//   transport (transport.ts)   sends one request, returns the whole answer
//
// What a body means (Slack's `ok`) is each client's business, passed in as `interpret`. The Slack
// defaults (retry handlers, deadline, Retry-After cap) come from slack-defaults.ts.
import type { Call, CallSpec, Send } from './call.js';
import { type Clock, MAX_TIMER_MS, systemClock } from './clock.js';
import { defaultTransport } from './default-transport.js';
import { HTTPError, InvalidArgumentError, RateLimitedError, type SlacklineError } from './errors.js';
import { deadlineLayer, limitLayer, retryLayer } from './layers.js';
import { type Logger, redactingLogger, silentLogger } from './logger.js';
import type { RateLimiter } from './rate-limiter.js';
import { Redactor } from './redact.js';
import type { RetryHandler } from './retry.js';
import { fetchTransport, type Transport, type TransportResponse } from './transport.js';

export type { CallSpec } from './call.js';

export interface HttpCoreOptions {
  /**
   * Send through your own transport (the core never closes it). By default undici's keep-alive pool,
   * loaded at the first request (node:http where undici cannot be loaded): default-transport.ts.
   */
  transport?: Transport;
  /** Or through a WHATWG fetch (other runtimes, in-process handlers). Not with `transport`. */
  fetch?: typeof fetch;
  /** Per-attempt timeout in ms (default 30,000). */
  timeoutMs?: number;
  /** Default overall time budget per call, across attempts and waits, in ms (default: none). */
  deadlineMs?: number;
  /** The longest `Retry-After` a call waits; a longer one fails at once (default 120,000 ms). */
  maxRetryAfterMs?: number;
  /** Retry handlers, asked in order after each failed attempt (default: none). */
  retryHandlers?: readonly RetryHandler[];
  /** Receives redacted records only. Silent by default. */
  logger?: Logger;
  /** Shared with the client that owns this core, so secrets it registers are redacted here too. */
  redactor?: Redactor;
  /**
   * Holds calls back until their bucket has budget (see rate-limiter.ts). Its clock is the core's.
   * Without one, calls go out at once and only the server's 429s slow them down.
   */
  limiter?: RateLimiter;
  /** The clock deadlines and waits are measured on (default: the system clock, or the limiter's). */
  clock?: Clock;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_RETRY_AFTER_MS = 120_000;
const SNIPPET_CHARS = 512;

function checkMs(name: string, value: number | undefined): void {
  if (value !== undefined && !(value > 0 && value <= MAX_TIMER_MS)) {
    throw new RangeError(`${name} must be a number of milliseconds between 1 and ${MAX_TIMER_MS} (24.8 days)`);
  }
}

export class HttpCore {
  readonly transport: Transport;
  readonly redactor: Redactor;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly limiter: RateLimiter | undefined;
  /** `events.on('retry' | 'rateLimited', fn)` for metrics; `events.stats` counts them. */
  readonly events = new CoreEventHub();
  readonly #deadlineMs: number | undefined;
  readonly #ownsTransport: boolean;
  readonly #send: Send;

  constructor(options: HttpCoreOptions = {}) {
    if (options.transport && options.fetch) throw new TypeError('give `transport` or `fetch`, not both');
    this.redactor = options.redactor ?? new Redactor();
    this.#ownsTransport = options.transport === undefined;
    this.transport = options.transport ?? (options.fetch ? fetchTransport(options.fetch) : defaultTransport());
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const maxRetryAfterMs = options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
    checkMs('timeoutMs', timeoutMs);
    checkMs('deadlineMs', options.deadlineMs);
    checkMs('maxRetryAfterMs', maxRetryAfterMs);
    this.#deadlineMs = options.deadlineMs;
    this.logger = redactingLogger(options.logger ?? silentLogger, this.redactor);
    this.limiter = options.limiter;
    this.clock = options.clock ?? options.limiter?.clock ?? systemClock;
    if (this.limiter && this.limiter.clock !== this.clock) {
      throw new TypeError('the rate limiter and the core must share one clock');
    }
    const { clock, events, transport } = this;
    const logger = this.logger === silentLogger ? undefined : this.logger;
    const handlers = options.retryHandlers ?? [];
    // Inside out: transport <- deadline <- retry <- limiter.
    let send = deadlineLayer({ transport, clock, timeoutMs, logger });
    send = retryLayer({ handlers, clock, events, logger, maxRetryAfterMs }, send);
    if (this.limiter) send = limitLayer(this.limiter, maxRetryAfterMs, send);
    this.#send = send;
  }

  /** Sends `spec` down the layers and returns what `interpret` makes of the answer. */
  call<T>(spec: CallSpec, interpret: (response: TransportResponse) => T): Promise<T> {
    const deadlineMs = spec.deadlineMs ?? this.#deadlineMs;
    if (spec.deadlineMs !== undefined || spec.timeoutMs !== undefined) {
      try {
        checkMs('deadlineMs', spec.deadlineMs);
        checkMs('timeoutMs', spec.timeoutMs);
      } catch (err) {
        return Promise.reject(new InvalidArgumentError((err as Error).message, { method: spec.method }));
      }
    }
    const started = this.clock.now();
    const call: Call = {
      spec,
      interpret,
      started,
      deadline: deadlineMs === undefined ? Number.POSITIVE_INFINITY : started + deadlineMs,
      attempt: 1,
      gate: undefined,
      granted: false,
      retry: undefined,
    };
    return this.#send(call) as Promise<T>;
  }

  /** The typed error for a non-2xx answer: 429 becomes RateLimitedError, anything else HTTPError. */
  httpError(method: string, response: TransportResponse): SlacklineError {
    const requestId = response.headers['x-slack-req-id'];
    if (response.status === 429) {
      const retryAfter = parseRetryAfter(response.headers['retry-after'], this.clock.now());
      return new RateLimitedError(retryAfter, { method, requestId, status: 429 });
    }
    return new HTTPError(response.status, response.headers['content-type'], this.snippet(response.body), {
      method,
      requestId,
    });
  }

  /** The first characters of a body, redacted: enough to recognise a proxy page, never a secret. */
  snippet(body: Buffer): string {
    return this.redactor.snippet(body, SNIPPET_CHARS);
  }

  /** Frees the connection pool, when this core made it (a transport passed in stays open). */
  close(): void {
    if (this.#ownsTransport) this.transport.close();
  }
}

/** `Retry-After` as seconds: delta-seconds or an HTTP-date; 1 s when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number {
  if (value === undefined) return 1;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return 1;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

// What the core tells metrics about: each retry and each rate-limited answer. Payloads carry no
// secrets (method names, counts, delays, error codes, bucket keys built from fingerprints).

export interface RetryEvent {
  method: string;
  /** The attempt that failed (1 for the first try). */
  attempt: number;
  delayMs: number;
  reason: string;
  /** The failure's stable error code. */
  code: string;
}

export interface RateLimitedEvent {
  method: string;
  /** Seconds Slack asked for. */
  retryAfter: number;
  /** The limiter bucket that was closed, when the limiter is on. */
  bucket: string | undefined;
}

export interface CoreEvents {
  retry: RetryEvent;
  rateLimited: RateLimitedEvent;
}

export type CoreEventName = keyof CoreEvents;

/** Counts since the core was made. */
export interface CoreStats {
  retries: number;
  rateLimited: number;
}

export class CoreEventHub {
  readonly stats: CoreStats = { retries: 0, rateLimited: 0 };
  readonly #listeners: { [K in CoreEventName]: Set<(event: CoreEvents[K]) => void> } = {
    retry: new Set(),
    rateLimited: new Set(),
  };

  on<K extends CoreEventName>(name: K, listener: (event: CoreEvents[K]) => void): () => void {
    this.#listeners[name].add(listener);
    return () => this.#listeners[name].delete(listener);
  }

  emit<K extends CoreEventName>(name: K, event: CoreEvents[K]): void {
    this.stats[name === 'retry' ? 'retries' : 'rateLimited'] += 1;
    // A listener that throws must not break the call it observes.
    for (const listener of this.#listeners[name]) {
      try {
        listener(event);
      } catch {}
    }
  }
}
