// What the core tells metrics about: each retry and each rate-limited answer. Payloads carry no
// secrets (method names, counts, delays, error codes, bucket keys built from fingerprints).

export interface RetryEvent {
  method: string;
  /** The attempt that failed (1 for the first try). */
  attempt: number;
  delayMs: number;
  reason: string;
  /** The failure's stable error code. */
  code: string;
}

export interface RateLimitedEvent {
  method: string;
  /** Seconds Slack asked for. */
  retryAfter: number;
  /** The limiter bucket that was closed, when the limiter is on. */
  bucket: string | undefined;
}

export interface CoreEvents {
  retry: RetryEvent;
  rateLimited: RateLimitedEvent;
}

export type CoreEventName = keyof CoreEvents;

/** Counts since the core was made. */
export interface CoreStats {
  retries: number;
  rateLimited: number;
}

export class CoreEventHub {
  readonly stats: CoreStats = { retries: 0, rateLimited: 0 };
  readonly #listeners: { [K in CoreEventName]: Set<(event: CoreEvents[K]) => void> } = {
    retry: new Set(),
    rateLimited: new Set(),
  };

  on<K extends CoreEventName>(name: K, listener: (event: CoreEvents[K]) => void): () => void {
    this.#listeners[name].add(listener);
    return () => this.#listeners[name].delete(listener);
  }

  emit<K extends CoreEventName>(name: K, event: CoreEvents[K]): void {
    this.stats[name === 'retry' ? 'retries' : 'rateLimited'] += 1;
    // A listener that throws must not break the call it observes.
    for (const listener of this.#listeners[name]) {
      try {
        listener(event);
      } catch {}
    }
  }
}
