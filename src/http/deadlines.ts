// Many deadlines of one length on one timer. The events handler's ack deadline and the dispatcher's
// ack fallback each watched every request with a setTimeout of its own, armed and cleared again
// within a millisecond almost always: at thousands of requests a second, two timer-list inserts and
// removals per request. Deadlines of one length expire in the order they were armed, so they wait
// in one insertion-ordered Set and one timer is armed for the oldest; when it fires it expires every
// deadline that is due and re-arms itself for the next. A cancelled deadline is only deleted from the
// Set. Times are real milliseconds (performance.now(), the time setTimeout counts), never the
// injected Clock, which may be scaled or moved by tests.

/** A deadline armed by `DeadlineQueue.arm`, cancelled with `cancel`. */
export interface Deadline {
  readonly due: number;
  readonly expire: () => void;
}

/**
 * libuv counts timers in whole milliseconds from a cached loop time, so a timer may fire a fraction of
 * a millisecond before `due` as performance.now() reads it: such a deadline is due, not re-armed.
 */
const SLACK_MS = 1;

export class DeadlineQueue {
  readonly #ms: number;
  readonly #waiting = new Set<Deadline>();
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** Deadlines `ms` real milliseconds after each `arm`. */
  constructor(ms: number) {
    this.#ms = ms;
  }

  /**
   * Calls `expire` once `ms` have passed since `from` (performance.now() ms, default now), unless
   * `cancel` comes first. A caller that arms late passes when the wait began; it must not be earlier
   * than a deadline already armed (the queue expires in arming order).
   */
  arm(expire: () => void, from?: number): Deadline {
    const deadline: Deadline = { due: (from ?? performance.now()) + this.#ms, expire };
    this.#waiting.add(deadline);
    if (this.#timer === undefined) {
      const wait = from === undefined ? this.#ms : Math.max(0, Math.ceil(deadline.due - performance.now()));
      this.#timer = setTimeout(this.#fire, wait);
    }
    // Pending deadlines keep the process alive, as their own timers did; an idle queue does not.
    else if (this.#waiting.size === 1) this.#timer.ref();
    return deadline;
  }

  /** Forgets `deadline` (its `expire` is never called); harmless once it expired. */
  cancel(deadline: Deadline): void {
    if (this.#waiting.delete(deadline) && this.#waiting.size === 0) this.#timer?.unref();
  }

  /** Deadlines armed and neither expired nor cancelled (tests). */
  get size(): number {
    return this.#waiting.size;
  }

  readonly #fire = (): void => {
    const now = performance.now() + SLACK_MS;
    const expired: Deadline[] = [];
    let next: Deadline | undefined;
    for (const deadline of this.#waiting) {
      if (deadline.due > now) {
        next = deadline;
        break;
      }
      this.#waiting.delete(deadline);
      expired.push(deadline);
    }
    // Re-armed before any `expire` runs, so one that arms a deadline finds the timer in place.
    this.#timer = next === undefined ? undefined : setTimeout(this.#fire, Math.ceil(next.due - now + SLACK_MS));
    for (const deadline of expired) deadline.expire();
  };
}
