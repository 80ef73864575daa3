// The one HTTP core every API client (web, webhook, SCIM, audit logs) shares. It owns what is the
// same for all of them: the transport, the per-attempt timeout and the overall deadline, the
// caller's AbortSignal, the retry loop, redacted logging, and turning HTTP failures into typed errors.
// What a body means (Slack's `ok`) is each client's business, passed in as `interpret`.
import { type Clock, sleep, systemClock } from './clock.js';
import { HTTPError, RateLimitedError, RequestError, SlacklineError } from './errors.js';
import { CoreEventHub } from './events.js';
import { type Logger, redactingLogger, silentLogger } from './logger.js';
import type { RateLimiter } from './rate-limiter.js';
import { Redactor } from './redact.js';
import { decideRetry, type RetryHandler } from './retry.js';
import type { BucketRef } from './tiers.js';
import { type Body, fetchTransport, nodeTransport, type Transport, type TransportResponse } from './transport.js';

export interface HttpCoreOptions {
  /** Send through your own transport; by default node:http(s) with keep-alive. */
  transport?: Transport;
  /** Or through a WHATWG fetch (other runtimes, in-process handlers). Ignored when `transport` is set. */
  fetch?: typeof fetch;
  /** Per-attempt timeout in ms (default 30,000). */
  timeoutMs?: number;
  /** Retry handlers, asked in order after each failed attempt (default: none). */
  retryHandlers?: readonly RetryHandler[];
  /** Receives redacted records only. Silent by default. */
  logger?: Logger;
  /** Shared with the client that owns this core, so secrets it registers are redacted here too. */
  redactor?: Redactor;
  /**
   * Holds calls back until their bucket has budget (see rate-limiter.ts). Its clock is the core's.
   * Without one, calls go out at once and only Slack's 429s slow them down.
   */
  limiter?: RateLimiter;
  /** The clock deadlines and waits are measured on (default: the system clock, or the limiter's). */
  clock?: Clock;
}

export interface CallSpec {
  /** The API method or endpoint name, for errors, logs and retry decisions. */
  method: string;
  /** Safe to repeat: reading only. */
  read: boolean;
  /** Repeat this write even when Slack may have received it (may post twice). */
  retryWrites?: boolean;
  url: URL;
  httpMethod: 'GET' | 'POST';
  headers: Record<string, string>;
  /** Called once per attempt, so a streamed body can be opened again for a retry. */
  body?: () => Body | undefined;
  signal?: AbortSignal;
  /** Overall time budget for all attempts and waits, in ms. */
  deadlineMs?: number;
  /** Overrides the core's per-attempt timeout. */
  timeoutMs?: number;
  /** The rate-limit bucket the call draws from; none means the limiter lets it straight through. */
  bucket?: BucketRef;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
const SNIPPET_BYTES = 512;

export class HttpCore {
  readonly transport: Transport;
  readonly redactor: Redactor;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly limiter: RateLimiter | undefined;
  /** `events.on('retry' | 'rateLimited', fn)` for metrics; `events.stats` counts them. */
  readonly events = new CoreEventHub();
  readonly #timeoutMs: number;
  readonly #retryHandlers: readonly RetryHandler[];
  readonly #logging: boolean;

  constructor(options: HttpCoreOptions = {}) {
    this.redactor = options.redactor ?? new Redactor();
    this.transport = options.transport ?? (options.fetch ? fetchTransport(options.fetch) : nodeTransport());
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!(this.#timeoutMs > 0)) throw new RangeError('timeoutMs must be a positive number of milliseconds');
    this.#retryHandlers = options.retryHandlers ?? [];
    this.logger = redactingLogger(options.logger ?? silentLogger, this.redactor);
    this.#logging = this.logger !== silentLogger;
    this.limiter = options.limiter;
    this.clock = options.clock ?? options.limiter?.clock ?? systemClock;
    if (this.limiter && this.limiter.clock !== this.clock) {
      throw new TypeError('the rate limiter and the core must share one clock');
    }
  }

  /** Sends `spec`, retrying as the handlers decide, and returns what `interpret` makes of the answer. */
  async call<T>(spec: CallSpec, interpret: (response: TransportResponse) => T): Promise<T> {
    const { clock, limiter } = this;
    const { bucket, method, signal } = spec;
    const started = clock.now();
    const deadline = spec.deadlineMs === undefined ? Number.POSITIVE_INFINITY : started + spec.deadlineMs;
    for (let attempt = 1; ; attempt++) {
      if (limiter && bucket) {
        const wait = limiter.acquire(bucket, { method, signal, deadline, front: attempt > 1 });
        if (wait) await wait;
      }
      try {
        const response = await this.#attempt(spec, attempt, deadline);
        return interpret(response);
      } catch (err) {
        if (!(err instanceof SlacklineError)) throw err;
        const now = clock.now();
        const decision = decideRetry(this.#retryHandlers, {
          method,
          attempt,
          read: spec.read,
          retryWrites: spec.retryWrites ?? false,
          error: err,
          elapsedMs: now - started,
          remainingMs: deadline - now,
        });
        let delayMs = decision.retry ? decision.delayMs : 0;
        if (err instanceof RateLimitedError) {
          this.events.emit('rateLimited', { method, retryAfter: err.retryAfter, bucket: bucket?.key });
          // Only this call's bucket closes, for the longer of this and any window already in force;
          // the bucket then holds the retry back, so the core does not wait a second time.
          if (limiter && bucket) {
            await limiter.close(bucket, Math.max(err.retryAfter * 1000, delayMs));
            delayMs = 0;
          }
        }
        if (!decision.retry || now + decision.delayMs >= deadline) throw err;
        this.events.emit('retry', {
          method,
          attempt,
          delayMs: decision.delayMs,
          reason: decision.reason,
          code: err.code,
        });
        if (this.#logging) {
          this.logger.warn({ method, attempt, delayMs: decision.delayMs, error: err.code }, decision.reason);
        }
        if (delayMs > 0) await sleep(clock, delayMs, signal, method);
      }
    }
  }

  async #attempt(spec: CallSpec, attempt: number, deadline: number): Promise<TransportResponse> {
    const remaining = (deadline - this.clock.now()) / this.clock.scale;
    if (remaining <= 0) throw new RequestError('deadline', 'deadline passed', false, { method: spec.method });
    // The per-attempt timeout is real time (it guards the network); the deadline is clock time.
    const budget = Math.min(spec.timeoutMs ?? this.#timeoutMs, remaining);
    const byDeadline = budget < (spec.timeoutMs ?? this.#timeoutMs);
    const t0 = this.#logging ? performance.now() : 0;
    if (this.#logging) this.logger.debug({ method: spec.method, attempt, url: spec.url }, 'request');
    try {
      const response = await this.transport.send({
        url: spec.url,
        method: spec.httpMethod,
        headers: spec.headers,
        body: spec.body?.(),
        timeoutMs: budget,
        signal: spec.signal,
      });
      if (this.#logging) {
        const ms = Math.round(performance.now() - t0);
        const requestId = response.headers['x-slack-req-id'];
        this.logger.debug({ method: spec.method, attempt, status: response.status, ms, requestId }, 'response');
      }
      return response;
    } catch (err) {
      if (!(err instanceof RequestError)) throw err;
      // The transport only knows its own budget ran out: say whether that was the call's deadline.
      let out = err;
      if (err.reason === 'timeout') {
        const reason = byDeadline ? 'deadline' : 'timeout';
        const detail = byDeadline ? 'deadline passed' : `no answer within ${budget} ms`;
        out = new RequestError(reason, detail, err.mayHaveBeenReceived, { method: spec.method, cause: err.cause });
      } else if (err.method === undefined) {
        out = new RequestError(err.reason, err.detail, err.mayHaveBeenReceived, {
          method: spec.method,
          cause: err.cause,
        });
      }
      if (this.#logging) this.logger.debug({ method: spec.method, attempt, error: out }, 'request failed');
      throw out;
    }
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

  /** The first bytes of a body, redacted: enough to recognise a proxy page, never a whole secret. */
  snippet(body: Buffer): string {
    return this.redactor.snippet(body, SNIPPET_BYTES);
  }

  close(): void {
    this.transport.close();
  }
}

/** `Retry-After` as seconds: delta-seconds or an HTTP-date; 1 s when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number {
  if (value === undefined) return 1;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return 1;
  return Math.max(0, Math.ceil((date - now) / 1000));
}
