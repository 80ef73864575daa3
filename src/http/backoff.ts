// Exponential backoff with "equal jitter": half of each wait fixed, half random, so many clients
// retrying together spread out but never bunch at zero. One formula for every retry and reconnect loop.

export interface BackoffOptions {
  /** The first wait, in ms. */
  baseMs: number;
  /** No wait exceeds this, in ms. */
  maxMs: number;
}

/** The wait before retry number `attempt` (1 for the first retry), in ms. */
export function backoffDelay(attempt: number, { baseMs, maxMs }: BackoffOptions, random: () => number = Math.random) {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return ceiling / 2 + random() * (ceiling / 2);
}
