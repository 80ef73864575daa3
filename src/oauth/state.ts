// OAuth state: 256 random bits, format-checked before any lookup, single-use, expiring, and bound to
// the browser that started the install by a cookie.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { type Clock, systemClock } from '../http/clock.js';
import { InvalidArgumentError } from '../http/errors.js';
import { StateStoreFullError } from './errors.js';
import type { StateRecord, StateStore } from './types.js';

export const STATE_TTL_MS = 600_000;
const STATE_FORMAT = /^[A-Za-z0-9_-]{43}$/;

/** 32 random bytes, base64url (43 characters). */
export function generateState(): string {
  return randomBytes(32).toString('base64url');
}

export function isWellFormedState(value: unknown): value is string {
  return typeof value === 'string' && STATE_FORMAT.test(value);
}

/** Constant-time equality of two well-formed states. */
export function sameState(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * States in this process only (development, or one process). Bounded without letting a flood evict
 * real users: expired states go first, and a store full of live ones refuses new install attempts
 * with StateStoreFullError instead of dropping a pending one.
 */
export class MemoryStateStore implements StateStore {
  readonly #states = new Map<string, StateRecord>();
  readonly #clock: Clock;
  readonly maxEntries: number;

  constructor(options: { maxEntries?: number; clock?: Clock } = {}) {
    this.maxEntries = options.maxEntries ?? 100_000;
    if (!(this.maxEntries >= 1)) throw new InvalidArgumentError('maxEntries must be at least 1');
    this.#clock = options.clock ?? systemClock;
  }

  async put(state: string, record: StateRecord): Promise<void> {
    if (this.#states.size >= this.maxEntries) this.#purge();
    if (this.#states.size >= this.maxEntries) throw new StateStoreFullError(this.#states.size);
    this.#states.set(state, record);
  }

  async consume(state: string, now: number): Promise<StateRecord | undefined> {
    const record = this.#states.get(state);
    if (record === undefined) return undefined;
    this.#states.delete(state);
    return record.expiresAt > now ? record : undefined;
  }

  async close(): Promise<void> {}

  /** Drops expired states from the oldest on: states are kept in the order they were made, and with
   * one time to live they expire in that order, so this stops at the first live one (amortised O(1)). */
  #purge(): void {
    const now = this.#clock.now();
    for (const [state, record] of this.#states) {
      if (record.expiresAt > now) return;
      this.#states.delete(state);
    }
  }
}

/**
 * The cookie that binds a state to a browser. On https it is `__Host-slackline_state` (Secure,
 * HttpOnly, SameSite=Lax, Path=/, no Domain). Browsers refuse Secure cookies on plain http except
 * for localhost in some of them, so for an http://localhost redirect URL (development only) the
 * cookie is `slackline_state` without Secure; any other http origin is refused at construction.
 */
export class StateCookie {
  readonly name: string;
  readonly #attributes: string;

  constructor(redirectUri: URL) {
    if (redirectUri.protocol === 'https:') {
      this.name = '__Host-slackline_state';
      this.#attributes = 'Path=/; Secure; HttpOnly; SameSite=Lax';
    } else if (redirectUri.protocol === 'http:' && isLoopback(redirectUri.hostname)) {
      this.name = 'slackline_state';
      this.#attributes = 'Path=/; HttpOnly; SameSite=Lax';
    } else {
      throw new InvalidArgumentError('redirectUri must be https (or http://localhost for development)');
    }
  }

  set(state: string, ttlMs: number): string {
    return `${this.name}=${state}; Max-Age=${Math.floor(ttlMs / 1000)}; ${this.#attributes}`;
  }

  clear(): string {
    return `${this.name}=; Max-Age=0; ${this.#attributes}`;
  }

  /** The cookie's value when the request carries exactly one well-formed one. */
  read(request: Request): string | undefined {
    const header = request.headers.get('cookie');
    if (header === null || header.length > 8192) return undefined;
    const found = header
      .split(';')
      .map((part) => part.trim())
      .filter((part) => part.startsWith(`${this.name}=`))
      .map((part) => part.slice(this.name.length + 1));
    return found.length === 1 && isWellFormedState(found[0]) ? found[0] : undefined;
  }
}

export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';
}
