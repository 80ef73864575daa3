// The Web API request log: the last requests, in order, for tests that check what a client really sent
// (path, verb, which token). A ring buffer, so a long run holds a bounded amount; tokens appear only as
// their SHA-256, never as themselves.
import { createHash } from 'node:crypto';

export interface LoggedRequest {
  /** 1, 2, 3... in arrival order; never reused, also across reset. */
  readonly seq: number;
  readonly http_method: string;
  readonly path: string;
  /** The method name the path asked for (also when the emulator does not know it). */
  readonly api_method: string;
  /** SHA-256 (hex) of the token the request presented (Bearer header, or the form's `token`); null when none. */
  readonly token_sha256: string | null;
  /** The HTTP status answered; null when the connection was dropped or left hanging (a fault). */
  readonly status: number | null;
  /** Slack's `error` of an `ok: false` answer; null on success or when the answer was not Slack JSON. */
  readonly error: string | null;
}

export const REQUEST_LOG_CAPACITY = 1000;

export function tokenDigest(token: string | undefined): string | null {
  return token === undefined || token === '' ? null : createHash('sha256').update(token).digest('hex');
}

export class RequestLog {
  readonly #ring: (LoggedRequest | undefined)[];
  #next = 1;

  constructor(readonly capacity = REQUEST_LOG_CAPACITY) {
    this.#ring = new Array<LoggedRequest | undefined>(capacity);
  }

  add(entry: Omit<LoggedRequest, 'seq'>): LoggedRequest {
    const logged = { seq: this.#next, ...entry };
    this.#ring[this.#next % this.capacity] = logged;
    this.#next += 1;
    return logged;
  }

  /** The seq the next request will get: read it before acting, then ask for `since` it. */
  get nextSeq(): number {
    return this.#next;
  }

  /** Requests with seq >= `since` that are still held, oldest first. */
  since(since = 0): LoggedRequest[] {
    const from = Math.max(since, this.#next - this.capacity, 1);
    const out: LoggedRequest[] = [];
    for (let seq = from; seq < this.#next; seq++) {
      const entry = this.#ring[seq % this.capacity];
      if (entry !== undefined && entry.seq === seq) out.push(entry);
    }
    return out;
  }
}
