// The layers a call goes down, outside in (see core.ts): the rate limiter, retries, and time, each
// a `Send` wrapped around the next, the innermost around the transport. One module: every client
// loads all three together.
import type { Call, Send } from './call.js';
import { type Clock, sleep } from './clock.js';
import type { CoreEventHub } from './core.js';
import { RateLimitedError, RequestError, SlacklineError } from './errors.js';
import type { Logger } from './logger.js';
import type { RateLimiter } from './rate-limiter.js';
import { decideRetry, isRepeatable, type RetryHandler } from './retry.js';
import type { Transport, TransportResponse } from './transport.js';

// Layer 1 of 4, the outermost: the rate limiter. A call waits for its bucket's budget before its
// first attempt. A retry is a request like any other and spends budget too, so this layer hands
// the retry layer a gate: a 429 closes only this call's bucket (for its Retry-After, capped), and
// the retry then waits for the bucket at the front of its queue instead of sleeping on its own.
// Each attempt counts as in flight from its grant until its answer is in (see refill()).
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

// Layer 2 of 4: retries. After each failed attempt (which the layer below hands to `call.retry`)
// it asks decideRetry (retry.ts: the handlers, then the limits every retry obeys), tells metrics and
// the log, waits, and tries again. Errors that are not SlacklineErrors (a bug in an `interpret`)
// are never retried.
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

// Layer 3 of 4: time. Each attempt gets the smaller of the per-attempt timeout (real time: it
// guards the network) and what is left of the call's deadline (clock time), and a transport timeout
// is reported as whichever of the two ran out. The answer is handed to the client's `interpret`
// here, so a bad answer is a failed attempt like a failed connection; the attempt is over here, so
// this layer tells the limiter's gate (`done`) and hands a failure to the retry layer (`call.retry`).
export interface DeadlineLayerOptions {
  transport: Transport;
  clock: Clock;
  /** Default per-attempt timeout, in real ms. */
  timeoutMs: number;
  /** Already redacting; undefined when silent. */
  logger: Logger | undefined;
}

/** A failed attempt: the retry layer's to decide on, or (with none) the call's error. */
function failed(call: Call, err: unknown): Promise<unknown> {
  return call.retry === undefined ? Promise.reject(err) : call.retry(call, err);
}

export function deadlineLayer(options: DeadlineLayerOptions): Send {
  const { transport, clock, timeoutMs, logger } = options;
  // Not an async function: one promise per attempt (the transport's, and what `then` makes of it).
  return (call) => {
    const { spec, attempt } = call;
    const { method } = spec;
    const remaining = (call.deadline - clock.now()) / clock.scale;
    const timeout = spec.timeoutMs ?? timeoutMs;
    const budget = Math.min(timeout, remaining);
    const t0 = logger ? performance.now() : 0;
    let sent: Promise<TransportResponse>;
    try {
      if (!(remaining > 0)) throw new RequestError('deadline', 'deadline passed', false, { method });
      logger?.debug({ method, attempt, url: spec.url }, 'request');
      sent = transport.send({
        url: spec.url,
        method: spec.httpMethod,
        headers: spec.headers,
        body: spec.body?.(),
        timeoutMs: budget,
        signal: spec.signal,
      });
    } catch (err) {
      sent = Promise.reject(err); // a deadline already passed, or a transport that threw: one path below
    }
    return sent.then(
      (response) => {
        if (logger) {
          const ms = Math.round(performance.now() - t0);
          const requestId = response.headers['x-slack-req-id'];
          logger.debug({ method, attempt, status: response.status, ms, requestId }, 'response');
        }
        call.gate?.done(call);
        try {
          return call.interpret(response);
        } catch (err) {
          return failed(call, err);
        }
      },
      (err: unknown) => {
        if (!(err instanceof RequestError)) return failed(call, err);
        let out = err;
        if (err.reason === 'timeout') {
          // The transport only knows its own budget ran out: say whether that was the call's deadline.
          const byDeadline = budget < timeout;
          const detail = byDeadline ? 'deadline passed' : `no answer within ${budget} ms`;
          out = new RequestError(byDeadline ? 'deadline' : 'timeout', detail, err.mayHaveBeenReceived, {
            method,
            cause: err.cause,
          });
        } else if (err.method === undefined) {
          out = new RequestError(err.reason, err.detail, err.mayHaveBeenReceived, {
            method,
            cause: err.cause,
            staleConnection: err.staleConnection,
          });
        }
        logger?.debug({ method, attempt, error: out }, 'request failed');
        return failed(call, out);
      },
    );
  };
}
