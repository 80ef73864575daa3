// The one HTTP core every API client (web, webhook, SCIM, audit logs) shares. It owns what is the
// same for all of them: the transport, the per-attempt timeout and the overall deadline, the
// caller's AbortSignal, the retry loop, redacted logging, and turning HTTP failures into typed errors.
// What a body means (Slack's `ok`) is each client's business, passed in as `interpret`.
import { HTTPError, RateLimitedError, RequestError, SlacklineError } from './errors.js';
import { type Logger, redactingLogger, silentLogger } from './logger.js';
import { Redactor } from './redact.js';
import { decideRetry, type RetryHandler } from './retry.js';
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
}

export const DEFAULT_TIMEOUT_MS = 30_000;
const SNIPPET_BYTES = 512;

export class HttpCore {
  readonly transport: Transport;
  readonly redactor: Redactor;
  readonly logger: Logger;
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
  }

  /** Sends `spec`, retrying as the handlers decide, and returns what `interpret` makes of the answer. */
  async call<T>(spec: CallSpec, interpret: (response: TransportResponse) => T): Promise<T> {
    const started = Date.now();
    const deadline = spec.deadlineMs === undefined ? Number.POSITIVE_INFINITY : started + spec.deadlineMs;
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await this.#attempt(spec, attempt, deadline);
        return interpret(response);
      } catch (err) {
        if (!(err instanceof SlacklineError)) throw err;
        const now = Date.now();
        const decision = decideRetry(this.#retryHandlers, {
          method: spec.method,
          attempt,
          read: spec.read,
          retryWrites: spec.retryWrites ?? false,
          error: err,
          elapsedMs: now - started,
          remainingMs: deadline - now,
        });
        if (!decision.retry || now + decision.delayMs >= deadline) throw err;
        if (this.#logging) {
          this.logger.warn(
            { method: spec.method, attempt, delayMs: decision.delayMs, error: err.code },
            decision.reason,
          );
        }
        await sleep(decision.delayMs, spec.signal, spec.method);
      }
    }
  }

  async #attempt(spec: CallSpec, attempt: number, deadline: number): Promise<TransportResponse> {
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new RequestError('deadline', 'deadline passed', false, { method: spec.method });
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
      return new RateLimitedError(parseRetryAfter(response.headers['retry-after']), { method, requestId, status: 429 });
    }
    return new HTTPError(response.status, response.headers['content-type'], this.snippet(response.body), {
      method,
      requestId,
    });
  }

  /** The first bytes of a body, redacted: enough to recognise a proxy page, never a whole secret. */
  snippet(body: Buffer): string {
    return this.redactor.string(body.subarray(0, SNIPPET_BYTES).toString('utf8'));
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

function sleep(ms: number, signal: AbortSignal | undefined, method: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const aborted = (): RequestError =>
      new RequestError('aborted', 'aborted while waiting to retry', false, { method });
    if (signal?.aborted) return reject(aborted());
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(aborted());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
