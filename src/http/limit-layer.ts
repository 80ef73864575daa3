// Layer 1 of 4, the outermost: the rate limiter. A call waits for its bucket's budget before its
// first attempt. A retry is a request like any other and spends budget too, so this layer hands
// the retry layer a gate: a 429 closes only this call's bucket (for its Retry-After, capped), and
// the retry then waits for the bucket at the front of its queue instead of sleeping on its own.
// Each attempt counts as in flight from its grant until its answer is in (see refill()).
import type { Call, Send } from './call.js';
import { RateLimitedError, type SlacklineError } from './errors.js';
import type { RateLimiter } from './rate-limiter.js';

export interface RetryGate {
  /** The attempt is over, answered or failed: its grant no longer counts as in flight. */
  done(call: Call): void;
  /** After a failed attempt: returns the part of `delayMs` the retry layer must still wait itself. */
  failed(call: Call, error: SlacklineError, delayMs: number): Promise<number>;
  /** Before the next attempt: resolves when the bucket has budget for it. */
  again(call: Call): Promise<void> | undefined;
}

/** `maxCloseMs` caps how long one 429 closes a bucket (the core's `maxRetryAfterMs`). */
export function limitLayer(limiter: RateLimiter, maxCloseMs: number, next: Send): Send {
  const granted = (call: Call): void => {
    call.granted = true;
  };
  const gate: RetryGate = {
    done(call) {
      const { bucket } = call.spec;
      if (!call.granted || bucket === undefined) return;
      call.granted = false;
      limiter.settle(bucket);
    },
    async failed(call, error, delayMs) {
      const { bucket } = call.spec;
      if (!(error instanceof RateLimitedError) || bucket === undefined) return delayMs;
      // For the longer of this and any window already in force (the store keeps the longer).
      await limiter.close(bucket, Math.min(maxCloseMs, Math.max(error.retryAfter * 1000, delayMs)));
      return 0;
    },
    again(call) {
      const { bucket, method, signal } = call.spec;
      if (bucket === undefined) return undefined;
      const wait = limiter.acquire(bucket, { method, signal, deadline: call.deadline, front: true, inFlight: true });
      if (wait === undefined) {
        granted(call);
        return undefined;
      }
      return wait.then(() => granted(call));
    },
  };
  return (call) => {
    const { bucket, method, signal } = call.spec;
    if (bucket === undefined) return next(call);
    call.gate = gate;
    // The hot path: a bucket with budget answers synchronously, without a promise.
    const wait = limiter.acquire(bucket, { method, signal, deadline: call.deadline, inFlight: true });
    if (wait === undefined) {
      granted(call);
      return next(call);
    }
    return wait.then(() => {
      granted(call);
      return next(call);
    });
  };
}
