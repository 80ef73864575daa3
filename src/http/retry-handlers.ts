// The default retry handlers. Each is a small object with one rule; compose them in an array
// (the core asks them in order). Delays are in clock milliseconds (see clock.ts).
import { HTTPError, InvalidResponseError, RateLimitedError, RequestError } from './errors.js';
import type { FailedAttempt, RetryDecision, RetryHandler } from './retry.js';
import { STOP } from './retry.js';

export interface RateLimitedRetryOptions {
  /** Attempts in all, the first included (default 10). */
  maxAttempts?: number;
  /** Up to this much random extra wait on top of Retry-After, in ms (default 250). */
  jitterMs?: number;
}

/**
 * HTTP 429 or `ok:false, error:"ratelimited"`: always safe to repeat, because Slack refused the call
 * without acting on it. Waits Retry-After plus a little jitter; decideRetry gives up at once when that
 * would pass the caller's deadline or the Retry-After is over the cap.
 */
export function retryRateLimited(options: RateLimitedRetryOptions = {}): RetryHandler {
  const maxAttempts = options.maxAttempts ?? 10;
  const jitterMs = options.jitterMs ?? 250;
  return {
    decide({ error, attempt }: FailedAttempt): RetryDecision | undefined {
      if (!(error instanceof RateLimitedError)) return undefined;
      if (attempt >= maxAttempts) return STOP;
      const delayMs = error.retryAfter * 1000 + Math.random() * jitterMs;
      return { retry: true, delayMs, reason: `rate limited; Retry-After ${error.retryAfter}s` };
    },
  };
}

export interface ServerErrorRetryOptions {
  /** Attempts in all, the first included (default 10: at 20% failures a read still fails once in 10^7). */
  maxAttempts?: number;
  /** First backoff in ms (default 250); doubles each attempt. */
  baseMs?: number;
  /** Longest backoff in ms (default 10,000). */
  maxMs?: number;
  /** HTTP statuses worth repeating (default 500, 502, 503, 504). */
  statuses?: readonly number[];
}

/** Why the failure is transient, or undefined when repeating would not help. */
function transient(error: FailedAttempt['error']): string | undefined {
  if (error instanceof HTTPError) return `HTTP ${error.status}`;
  if (error instanceof RequestError && (error.reason === 'network' || error.reason === 'timeout')) {
    return `connection failed (${error.reason})`;
  }
  if (error instanceof InvalidResponseError) return 'invalid response body';
  return undefined;
}

/**
 * 5xx answers, connection failures, per-attempt timeouts and garbled bodies, retried with
 * exponential backoff and jitter, but only when repeating cannot act twice: the call only reads (or
 * its verb is GET, PUT or DELETE), the failure proves the request never reached the server (refused,
 * DNS, TLS handshake), or the caller opted in with `retryWrites`. POST and PATCH need one of the last two.
 */
export function retryServerErrors(options: ServerErrorRetryOptions = {}): RetryHandler {
  const maxAttempts = options.maxAttempts ?? 10;
  const baseMs = options.baseMs ?? 250;
  const maxMs = options.maxMs ?? 10_000;
  const statuses = new Set(options.statuses ?? [500, 502, 503, 504]);
  return {
    decide({ error, attempt, read, retryWrites }: FailedAttempt): RetryDecision | undefined {
      const why = transient(error);
      if (why === undefined) return undefined;
      if (error instanceof HTTPError && !statuses.has(error.status)) return STOP;
      const neverSent = error instanceof RequestError && !error.mayHaveBeenReceived;
      if (!read && !retryWrites && !neverSent) return STOP;
      if (attempt >= maxAttempts) return STOP;
      const delayMs = backoffDelay(attempt, { baseMs, maxMs });
      const whose = read ? 'read' : neverSent ? 'never sent' : 'write, retryWrites on';
      return { retry: true, delayMs, reason: `${why}; ${whose}` };
    },
  };
}

/**
 * A request that failed on a reused keep-alive connection before it was all written and before any
 * byte of an answer: the server had closed that idle connection under us, and a request it never
 * received whole it never processed (the transport only sets `staleConnection` then). Repeated once,
 * at once, whatever the verb: a fresh connection is all it needs. A second failure falls to the
 * other handlers.
 */
export function retryStaleConnection(): RetryHandler {
  return {
    decide({ error, attempt }: FailedAttempt): RetryDecision | undefined {
      if (!(error instanceof RequestError) || !error.staleConnection || attempt > 1) return undefined;
      return { retry: true, delayMs: 0, reason: 'stale keep-alive connection; never processed' };
    },
  };
}

/** The handlers every Slack client uses unless given its own: stale sockets, rate limits, transient failures. */
export function defaultRetryHandlers(): RetryHandler[] {
  return [retryStaleConnection(), retryRateLimited(), retryServerErrors()];
}

// Exponential backoff with "equal jitter": half of each wait fixed, half random, so many clients
// retrying together spread out but never bunch at zero. One formula for every retry and reconnect loop.
export interface BackoffOptions {
  /** The first wait, in ms. */
  baseMs: number;
  /** No wait exceeds this, in ms. */
  maxMs: number;
}

/** The wait before retry number `attempt` (1 for the first retry), in ms. */
export function backoffDelay(attempt: number, { baseMs, maxMs }: BackoffOptions, random: () => number = Math.random) {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return ceiling / 2 + random() * (ceiling / 2);
}
