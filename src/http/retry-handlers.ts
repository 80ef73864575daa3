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
 * without acting on it. Waits Retry-After plus a little jitter; the core gives up when that would
 * pass the caller's deadline.
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
 * exponential backoff and jitter, but only when repeating cannot act twice: the method only reads,
 * the failure proves the request never reached Slack (refused, DNS, TLS handshake), or the caller
 * opted in with `retryWrites`.
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
      // "Equal jitter": half the backoff fixed, half random, so retries spread but never bunch at 0.
      const backoff = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
      const delayMs = backoff / 2 + Math.random() * (backoff / 2);
      const whose = read ? 'read' : neverSent ? 'never sent' : 'write, retryWrites on';
      return { retry: true, delayMs, reason: `${why}; ${whose}` };
    },
  };
}

/** The handlers WebClient uses unless given its own: rate limits, then transient failures. */
export function defaultRetryHandlers(): RetryHandler[] {
  return [retryRateLimited(), retryServerErrors()];
}
