// The client's one clock. Everything the client waits for (Retry-After, backoff, the rate limiter,
// deadlines) is measured on it, so a test or benchmark can run the client against an emulator whose
// clock runs faster than real time (`scaledClock(60)`: a minute of Slack time in a second).
import { RequestError } from './errors.js';

export interface Clock {
  /** Epoch milliseconds on this clock. */
  now(): number;
  /** Clock milliseconds that pass per real millisecond (1 for the system clock). */
  readonly scale: number;
}

export const systemClock: Clock = Object.freeze({ now: () => Date.now(), scale: 1 });

/** A clock that runs `scale` times faster than real time, reading `start` (default now) at creation. */
export function scaledClock(scale: number, start: number = Date.now()): Clock {
  if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError('clock scale must be a positive number');
  const realStart = Date.now();
  return Object.freeze({ now: () => Math.floor(start + (Date.now() - realStart) * scale), scale });
}

/**
 * The same clock read in whole milliseconds. Stores keep times as integers (PostgreSQL `bigint`), and a
 * clock of your own may answer fractions (`performance.timeOrigin + performance.now()`).
 */
export function wholeMs(clock: Clock): Clock {
  if (clock === systemClock) return clock;
  return Object.freeze({ now: () => Math.floor(clock.now()), scale: clock.scale });
}

/** The longest delay setTimeout honours (2^31-1 ms); a longer one fires at once, with a warning. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Calls `fn` after `ms` real milliseconds, however long that is: delays past setTimeout's limit are
 * served by a chain of shorter timers. Returns the function that cancels it.
 */
export function safeTimeout(fn: () => void, ms: number): () => void {
  let timer: ReturnType<typeof setTimeout>;
  const end = performance.now() + ms;
  const arm = (left: number): void => {
    timer = setTimeout(
      () => {
        const rest = end - performance.now();
        if (rest > 1 && left > MAX_TIMER_MS) arm(rest);
        else fn();
      },
      Math.max(0, Math.min(left, MAX_TIMER_MS)),
    );
  };
  arm(ms);
  return () => clearTimeout(timer);
}

/**
 * Waits `ms` of clock time. Rejects with RequestError('aborted') when `signal` fires; the timer is
 * cleared either way, so an abandoned wait holds nothing. Safe for any `ms` (see safeTimeout).
 */
export function sleep(clock: Clock, ms: number, signal: AbortSignal | undefined, method: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const aborted = (): RequestError => new RequestError('aborted', 'aborted while waiting', false, { method });
    if (signal?.aborted) return reject(aborted());
    const cancel = safeTimeout(() => {
      stop?.();
      resolve();
    }, ms / clock.scale);
    const stop =
      signal &&
      onAbort(signal, () => {
        cancel();
        reject(aborted());
      });
  });
}

// One real 'abort' listener per AbortSignal, however many calls wait on it. A caller may hand one
// signal to a thousand queued posts; a listener each would trip Node's MaxListeners warning and
// make every abort walk the whole list.
type Listener = () => void;

const listeners = new WeakMap<AbortSignal, Set<Listener>>();

/** Runs `listener` once when `signal` aborts; returns the function that stops listening. */
export function onAbort(signal: AbortSignal, listener: Listener): () => void {
  let set = listeners.get(signal);
  if (set === undefined) {
    const fresh = new Set<Listener>();
    set = fresh;
    listeners.set(signal, fresh);
    signal.addEventListener(
      'abort',
      () => {
        listeners.delete(signal);
        for (const fn of fresh) fn();
      },
      { once: true },
    );
  }
  const own = set;
  own.add(listener);
  return () => {
    own.delete(listener);
  };
}
