// OAuth state: 256 random bits, format-checked before any lookup, single-use, expiring, and bound to
// the browser that started the install by a cookie.
import { randomBytes, timingSafeEqual } from 'node:crypto';
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

export class MemoryStateStore implements StateStore {
  readonly #states = new Map<string, StateRecord>();
  /** Bounds memory under a flood of install-page hits: the oldest states go first. */
  constructor(readonly maxEntries = 100_000) {}

  async put(state: string, record: StateRecord): Promise<void> {
    if (this.#states.size >= this.maxEntries) {
      const oldest = this.#states.keys().next();
      if (!oldest.done) this.#states.delete(oldest.value);
    }
    this.#states.set(state, record);
  }

  async consume(state: string, now: number): Promise<StateRecord | undefined> {
    const record = this.#states.get(state);
    if (record === undefined) return undefined;
    this.#states.delete(state);
    return record.expiresAt > now ? record : undefined;
  }

  async close(): Promise<void> {}
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
      throw new TypeError('redirectUri must be https (or http://localhost for development)');
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
