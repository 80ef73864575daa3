// The retry decision: one pure function of the failed attempt. The core asks each handler, in
// order, what to do; the first one with an opinion decides; then the limits every retry obeys
// (body replayable, Retry-After cap, deadline) are applied here, in one place. No handler means no
// retry: the safe default for Slack, where every Web API call is a POST and repeating a write can
// post twice. The default handlers live in retry-handlers.ts.
import { RateLimitedError, type SlacklineError } from './errors.js';

/** The HTTP verbs the core sends (SCIM needs all five). */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Verbs whose repetition has the effect of one request (RFC 9110 §9.2.2). POST and PATCH are not. */
export const REPEATABLE_VERBS: ReadonlySet<HttpMethod> = new Set(['GET', 'PUT', 'DELETE']);

export interface FailedAttempt {
  /** The API method, e.g. `chat.postMessage`. */
  method: string;
  httpMethod: HttpMethod;
  /** 1 for the first try. */
  attempt: number;
  /**
   * Repeating the call cannot change anything twice: the caller said so (the Web API catalog's `read`
   * flag: every Web API call is a POST), or, when it did not, the verb is GET, PUT or DELETE.
   */
  read: boolean;
  /** The caller allowed repeating this write even when the server may have received it. */
  retryWrites: boolean;
  /** The body can be sent again (false for a stream, which is read once). */
  replayable: boolean;
  error: SlacklineError;
  /** Milliseconds since the call began. */
  elapsedMs: number;
  /** Milliseconds left before the call's deadline (Infinity without one). */
  remainingMs: number;
  /** The longest `Retry-After` the call will wait, in ms; a longer one fails the call at once. */
  maxRetryAfterMs: number;
}

export type RetryDecision = { retry: false } | { retry: true; delayMs: number; reason: string };

export interface RetryHandler {
  /** `undefined` means "no opinion": the next handler is asked. */
  decide(attempt: FailedAttempt): RetryDecision | undefined;
}

export const STOP: RetryDecision = Object.freeze({ retry: false });

/** Whether a call is safe to repeat: the caller's word, else the verb's nature. */
export function isRepeatable(read: boolean | undefined, httpMethod: HttpMethod): boolean {
  return read ?? REPEATABLE_VERBS.has(httpMethod);
}

/** Asks each handler in turn, then applies the limits that hold for every retry. */
export function decideRetry(handlers: readonly RetryHandler[], failed: FailedAttempt): RetryDecision {
  // A stream was consumed by the failed attempt: sending it again would send nothing (or half).
  // The caller gets the attempt's own error (ECONNREFUSED...), not a confusing second one.
  if (!failed.replayable) return STOP;
  let decision: RetryDecision = STOP;
  for (const handler of handlers) {
    const answer = handler.decide(failed);
    if (answer) {
      decision = answer;
      break;
    }
  }
  if (!decision.retry) return STOP;
  const { error } = failed;
  // A Retry-After over the cap (a misconfigured proxy, an hour-long ban) is not worth holding a
  // call and its caller for: fail now, with the RateLimitedError that says how long.
  if (error instanceof RateLimitedError && !(error.retryAfter * 1000 <= failed.maxRetryAfterMs)) return STOP;
  // A wait that ends past the deadline would only fail later: fail now. Also refuses NaN/Infinity.
  if (!(decision.delayMs < failed.remainingMs) || !Number.isFinite(decision.delayMs)) return STOP;
  return decision;
}
