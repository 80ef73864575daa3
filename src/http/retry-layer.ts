// Layer 2 of 4: retries. After each failed attempt (which the layer below hands to `call.retry`)
// it asks decideRetry (retry.ts: the handlers, then the limits every retry obeys), tells metrics and
// the log, waits, and tries again. Errors that are not SlacklineErrors (a bug in an `interpret`)
// are never retried.
import type { Call, Send } from './call.js';
import { type Clock, sleep } from './clock.js';
import { RateLimitedError, SlacklineError } from './errors.js';
import type { CoreEventHub } from './events.js';
import type { Logger } from './logger.js';
import { decideRetry, isRepeatable, type RetryHandler } from './retry.js';

export interface RetryLayerOptions {
  handlers: readonly RetryHandler[];
  clock: Clock;
  events: CoreEventHub;
  /** Already redacting; undefined when silent (saves building records nobody reads). */
  logger: Logger | undefined;
  maxRetryAfterMs: number;
}

export function retryLayer(options: RetryLayerOptions, next: Send): Send {
  const { handlers, clock, events, logger, maxRetryAfterMs } = options;
  // After a failed attempt: decide, wait, and try again (or throw). Async: off the hot path.
  const retry = async (call: Call, err: unknown): Promise<unknown> => {
    call.gate?.done(call);
    if (!(err instanceof SlacklineError)) throw err;
    const { spec } = call;
    const { method } = spec;
    const now = clock.now();
    const decision = decideRetry(handlers, {
      method,
      httpMethod: spec.httpMethod,
      attempt: call.attempt,
      read: isRepeatable(spec.read, spec.httpMethod),
      retryWrites: spec.retryWrites ?? false,
      replayable: spec.once !== true,
      error: err,
      elapsedMs: now - call.started,
      remainingMs: call.deadline - now,
      maxRetryAfterMs,
    });
    if (err instanceof RateLimitedError) {
      events.emit('rateLimited', { method, retryAfter: err.retryAfter, bucket: spec.bucket?.key });
    }
    let delayMs = decision.retry ? decision.delayMs : 0;
    // With a limiter, a 429 closes the bucket (retry or not) and the bucket holds the retry back.
    if (call.gate) delayMs = await call.gate.failed(call, err, delayMs);
    if (!decision.retry) throw err;
    const { attempt } = call;
    events.emit('retry', { method, attempt, delayMs: decision.delayMs, reason: decision.reason, code: err.code });
    logger?.warn({ method, attempt, delayMs: decision.delayMs, error: err.code }, decision.reason);
    if (delayMs > 0) await sleep(clock, delayMs, spec.signal, method);
    call.attempt = attempt + 1;
    const wait = call.gate?.again(call);
    if (wait) await wait;
    return send(call);
  };
  // One attempt. No `then` of its own: the deadline layer hands a failed attempt to `call.retry`
  // and an answered one straight back, so a call answered the first time adds no promise here.
  const send = (call: Call): Promise<unknown> => {
    call.retry = retry;
    return next(call);
  };
  return send;
}
