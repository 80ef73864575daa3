// The proactive rate limiter: holds each call back until its bucket has budget, so a client that
// runs at Slack's limits does not draw 429s, and lets every call inside the budget go at once (a
// minute's count, see tiers.ts). One FIFO queue per bucket: a 429 (or a long queue) on
// one method, team or channel never delays another. Waiting calls leave the queue as soon as their
// AbortSignal fires or their deadline passes; a full queue refuses new calls with QueueFullError.
import { type Clock, onAbort, systemClock } from './clock.js';
import { QueueFullError, RequestError } from './errors.js';
import { type LimiterStore, memoryLimiterStore } from './limiter-store.js';
import { type BucketRef, budgetOf, isBudget } from './tiers.js';

export interface RateLimiterOptions {
  /** Where budgets live: memory (default) or a shared store such as slackline/stores/redis. */
  store?: LimiterStore;
  /** The clock budgets are measured on (default: the system clock). */
  clock?: Clock;
  /** Calls that may wait in one bucket (default 1,000); the next gets QueueFullError. */
  maxQueue?: number;
}

export interface AcquireOptions {
  method: string;
  signal?: AbortSignal;
  /** Epoch ms on the limiter's clock; the call leaves the queue when it passes. */
  deadline?: number;
  /** A retry of a call that already waited its turn: it goes to the front of the queue. */
  front?: boolean;
  /**
   * Count the grant as in flight until `settle(bucket)` (the core's limiter layer does, per attempt):
   * the bucket then refills no higher than its burst less the calls in flight (see refill()).
   */
  inFlight?: boolean;
}

interface Waiter {
  resolve(): void;
  reject(error: Error): void;
  done: boolean;
  /** Its grant counts as in flight until settled. */
  counted: boolean;
}

interface Queue {
  bucket: BucketRef;
  waiters: Waiter[];
  pumping: boolean;
  /** Ends the pump's current wait early (when the last waiter left). */
  wake: (() => void) | undefined;
}

export class RateLimiter {
  readonly store: LimiterStore;
  readonly clock: Clock;
  readonly #maxQueue: number;
  readonly #queues = new Map<string, Queue>();
  /** Calls granted and not yet answered, by bucket key (absent: none). */
  readonly #inFlight = new Map<string, number>();

  constructor(options: RateLimiterOptions = {}) {
    this.store = options.store ?? memoryLimiterStore();
    this.clock = options.clock ?? systemClock;
    this.#maxQueue = options.maxQueue ?? 1000;
    if (!(this.#maxQueue >= 1)) throw new RangeError('maxQueue must be at least 1');
  }

  /** Calls waiting for `key` now. */
  queued(key: string): number {
    return this.#queues.get(key)?.waiters.length ?? 0;
  }

  /**
   * Resolves when the call may be sent; rejects (typed, nothing sent) on abort, deadline or a full
   * queue. Returns undefined when the call may go at once (the hot path: no queue, no promise).
   */
  acquire(bucket: BucketRef, options: AcquireOptions): Promise<void> | undefined {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(aborted(options.method));
    // A budget that is not numbers would make every wait NaN: refuse it rather than spin.
    if (!isBudget(bucket.limit)) {
      try {
        budgetOf(bucket.limit);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    // Nobody waits: a synchronous store (memory) can grant right here.
    if (this.#queues.has(bucket.key)) return this.#enqueue(bucket, options);
    const { key } = bucket;
    const inFlight = this.#inFlight.get(key) ?? 0;
    const granted = this.store.take(key, bucket.limit, this.clock.now(), inFlight);
    if (granted === 0) {
      if (options.inFlight) this.#inFlight.set(key, inFlight + 1);
      return undefined;
    }
    if (typeof granted === 'number') return this.#enqueue(bucket, options);
    // A failing store lets the call through (see #pump).
    return granted.then(
      (wait) => {
        return wait > 0 ? this.#enqueue(bucket, options) : this.#granted(key, options.inFlight);
      },
      () => this.#granted(key, options.inFlight),
    );
  }

  /**
   * The answer to a granted call is in, or its attempt failed: it no longer counts as in flight.
   * Every grant made with `inFlight: true` (acquire resolved or returned undefined) is settled once.
   */
  settle(bucket: BucketRef): void {
    const { key } = bucket;
    const inFlight = this.#inFlight.get(key) ?? 0;
    if (inFlight <= 1) this.#inFlight.delete(key);
    else this.#inFlight.set(key, inFlight - 1);
    if (inFlight === 0 || this.store.settle === undefined) return;
    try {
      const done = this.store.settle(key, bucket.limit, this.clock.now(), inFlight);
      // (A store that fails leaves the bucket as it was: it refills by the clock alone.)
      if (done !== undefined) done.catch(() => {});
    } catch {
      // As above.
    }
  }

  #granted(key: string, counted: boolean | undefined): undefined {
    if (counted) this.#inFlight.set(key, (this.#inFlight.get(key) ?? 0) + 1);
    return undefined;
  }

  #enqueue(bucket: BucketRef, options: AcquireOptions): Promise<void> {
    const { method, signal, deadline } = options;
    if (signal?.aborted) return Promise.reject(aborted(method));
    let queue = this.#queues.get(bucket.key);
    if (queue === undefined) {
      queue = { bucket, waiters: [], pumping: false, wake: undefined };
      this.#queues.set(bucket.key, queue);
    }
    const waiting = queue.waiters.length;
    if (waiting >= this.#maxQueue && !options.front) {
      return Promise.reject(new QueueFullError(waiting, { method }));
    }
    const q = queue;
    return new Promise<void>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const cleanup = (): void => {
        waiter.done = true;
        if (timer !== undefined) clearTimeout(timer);
        stopListening?.();
        const at = q.waiters.indexOf(waiter);
        if (at >= 0) q.waiters.splice(at, 1);
        if (q.waiters.length === 0) q.wake?.();
      };
      const waiter: Waiter = {
        done: false,
        counted: options.inFlight === true,
        resolve: () => {
          if (waiter.done) return;
          cleanup();
          resolve();
        },
        reject: (error) => {
          if (waiter.done) return;
          cleanup();
          reject(error);
        },
      };
      const stopListening = signal && onAbort(signal, () => waiter.reject(aborted(method)));
      if (deadline !== undefined && Number.isFinite(deadline)) {
        const ms = Math.max(0, (deadline - this.clock.now()) / this.clock.scale);
        timer = setTimeout(() => {
          waiter.reject(
            new RequestError('deadline', 'deadline passed while waiting for the rate limit', false, { method }),
          );
        }, ms);
      }
      if (options.front) queue.waiters.unshift(waiter);
      else queue.waiters.push(waiter);
      if (!queue.pumping) void this.#pump(queue);
    });
  }

  /** Slack answered 429 for this bucket: close it (and only it) for `ms` of clock time. */
  async close(bucket: BucketRef, ms: number): Promise<void> {
    const now = this.clock.now();
    try {
      await this.store.close(bucket.key, bucket.limit, now + ms, now);
    } catch {
      // A store that fails (Redis down) leaves the bucket open; the retry handler still waits.
    }
  }

  // Serves one queue in order: the first live waiter takes the next grant from the store.
  async #pump(queue: Queue): Promise<void> {
    queue.pumping = true;
    try {
      for (;;) {
        if (queue.waiters.length === 0) break;
        const { key, limit } = queue.bucket;
        let wait: number;
        try {
          wait = await this.store.take(key, limit, this.clock.now(), this.#inFlight.get(key) ?? 0);
        } catch {
          // The store failed (Redis down): let the call through rather than hang it; Slack's own
          // 429 and the retry handler still protect the budget.
          wait = 0;
        }
        // (NaN or a negative wait from a misbehaving store counts as a grant, never a spin.)
        if (!(wait > 0)) {
          const head = queue.waiters[0];
          if (head === undefined) continue;
          // Resolving removes the waiter from the queue (see cleanup).
          this.#granted(key, head.counted);
          head.resolve();
          continue;
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, wait / this.clock.scale);
          queue.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        queue.wake = undefined;
      }
    } finally {
      queue.pumping = false;
      if (queue.waiters.length === 0) this.#queues.delete(queue.bucket.key);
    }
  }
}

function aborted(method: string): RequestError {
  return new RequestError('aborted', 'aborted while waiting for the rate limit', false, { method });
}
