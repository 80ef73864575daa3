// Work started and not yet ended, counted: what `idle()` and `settled()` wait for. A count and the
// waiters of the moment, not a Set of promises: at thousands of requests a second a Set's churn
// keeps everything its entries held alive in V8's young generation (see deadlines.ts).

export class Running {
  #count = 0;
  #waiters: (() => void)[] = [];

  /** Counts `work` until it settles; the promise returned settles as `work` does, after the count. */
  track<T>(work: Promise<T>): Promise<T> {
    this.#count++;
    return work.finally(this.#ended);
  }

  /** Work tracked and not yet settled. */
  get size(): number {
    return this.#count;
  }

  /** Resolves once nothing tracked is running, including work tracked while waiting. */
  settled(): Promise<void> {
    if (this.#count === 0) return Promise.resolve();
    return new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  readonly #ended = (): void => {
    if (--this.#count > 0 || this.#waiters.length === 0) return;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const resolve of waiters) resolve();
  };
}
