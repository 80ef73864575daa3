// Many deadlines of one length on one timer. The events handler's ack deadline and the dispatcher's
// ack fallback each watched every request with a setTimeout of its own, armed and cleared again
// within a millisecond almost always: at thousands of requests a second, two timer-list inserts and
// removals per request. Deadlines of one length expire in the order they were armed, so they wait
// in one list in arming order and one timer is armed for the oldest; when it fires it expires every
// deadline that is due and re-arms itself for the next. Times are real milliseconds (performance.now(),
// the time setTimeout counts), never the injected Clock, which may be scaled or moved by tests.
//
// The list is linked through the deadlines themselves, and a deadline leaving it lets go of both
// neighbours. Not a Set: a Set that is added to and deleted from thousands of times a second rebuilds
// its table again and again, and V8 links each old table to the next. Once a full collection has
// moved one of those tables to the old generation (the memory reducer runs one after a few idle
// seconds), every later table, and every deadline and request each held, is reachable from it until
// the next full collection: scavenges copy and promote whatever the requests allocated (measured in
// `serve` at 16 requests in flight: scavenges of 0.3 ms became 5 ms, and p99 went from 2.5 to 6 ms).
// See `test/http/churn.test.ts`.

/** A deadline armed by `DeadlineQueue.arm`, cancelled with `cancel`. */
export interface Deadline {
  readonly due: number;
  readonly expire: () => void;
}

class Armed implements Deadline {
  prev: Armed | undefined = undefined;
  next: Armed | undefined = undefined;
  /** The queue it waits in; undefined once it expired or was cancelled. */
  queue: DeadlineQueue | undefined;
  constructor(
    readonly due: number,
    readonly expire: () => void,
    queue: DeadlineQueue,
  ) {
    this.queue = queue;
  }
}

/**
 * libuv counts timers in whole milliseconds from a cached loop time, so a timer may fire a fraction of
 * a millisecond before `due` as performance.now() reads it: such a deadline is due, not re-armed.
 */
const SLACK_MS = 1;

export class DeadlineQueue {
  readonly #ms: number;
  #head: Armed | undefined;
  #tail: Armed | undefined;
  #size = 0;
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
    const deadline = new Armed((from ?? performance.now()) + this.#ms, expire, this);
    const tail = this.#tail;
    if (tail === undefined) this.#head = deadline;
    else {
      tail.next = deadline;
      deadline.prev = tail;
    }
    this.#tail = deadline;
    this.#size++;
    if (this.#timer === undefined) {
      const wait = from === undefined ? this.#ms : Math.max(0, Math.ceil(deadline.due - performance.now()));
      this.#timer = setTimeout(this.#fire, wait);
    }
    // Pending deadlines keep the process alive, as their own timers did; an idle queue does not.
    else if (this.#size === 1) this.#timer.ref();
    return deadline;
  }

  /** Forgets `deadline` (its `expire` is never called); harmless once it expired or was cancelled, or for another queue's. */
  cancel(deadline: Deadline): void {
    if (!(deadline instanceof Armed) || deadline.queue !== this) return;
    this.#unlink(deadline);
    if (this.#size === 0) this.#timer?.unref();
  }

  /** Deadlines armed and neither expired nor cancelled (tests). */
  get size(): number {
    return this.#size;
  }

  #unlink(deadline: Armed): void {
    const { prev, next } = deadline;
    if (prev === undefined) this.#head = next;
    else prev.next = next;
    if (next === undefined) this.#tail = prev;
    else next.prev = prev;
    deadline.prev = undefined;
    deadline.next = undefined;
    deadline.queue = undefined;
    this.#size--;
  }

  readonly #fire = (): void => {
    const now = performance.now() + SLACK_MS;
    const expired: Armed[] = [];
    let head = this.#head;
    while (head !== undefined && head.due <= now) {
      this.#unlink(head);
      expired.push(head);
      head = this.#head;
    }
    // Re-armed before any `expire` runs, so one that arms a deadline finds the timer in place.
    this.#timer = head === undefined ? undefined : setTimeout(this.#fire, Math.ceil(head.due - now + SLACK_MS));
    for (const deadline of expired) deadline.expire();
  };
}
