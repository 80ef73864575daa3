// Cursor pagination as Slack does it: pass `cursor`, read `response_metadata.next_cursor`, stop on
// an empty cursor. A page cap bounds a runaway walk; a cursor that repeats is a server bug, not a loop.
import { InvalidResponseError } from '../http/errors.js';
import type { WebAPICallResult } from './types.js';

export interface PaginateOptions {
  /** Stop after this many pages (default 10,000). */
  maxPages?: number;
  signal?: AbortSignal;
  deadlineMs?: number;
}

/** Page size asked for when the caller sets none: Slack's recommended maximum for most methods. */
export const DEFAULT_PAGE_LIMIT = 200;

export class Paginator implements AsyncIterable<WebAPICallResult> {
  readonly #call: (args: Record<string, unknown>) => Promise<WebAPICallResult>;
  readonly #args: Record<string, unknown>;
  readonly #maxPages: number;

  constructor(
    call: (args: Record<string, unknown>) => Promise<WebAPICallResult>,
    args: Record<string, unknown>,
    options: PaginateOptions,
  ) {
    this.#call = call;
    this.#args = args.limit === undefined ? { ...args, limit: DEFAULT_PAGE_LIMIT } : { ...args };
    this.#maxPages = options.maxPages ?? 10_000;
    if (!(this.#maxPages >= 1)) throw new RangeError('maxPages must be at least 1');
  }

  async *[Symbol.asyncIterator](): AsyncIterator<WebAPICallResult> {
    let cursor = typeof this.#args.cursor === 'string' ? this.#args.cursor : undefined;
    const seen = new Set<string>();
    for (let page = 0; page < this.#maxPages; page++) {
      const result = await this.#call(cursor ? { ...this.#args, cursor } : this.#args);
      yield result;
      const next = result.response_metadata?.next_cursor;
      if (!next) return;
      if (seen.has(next)) {
        throw new InvalidResponseError('next_cursor repeats an earlier cursor', undefined, '', {});
      }
      seen.add(next);
      cursor = next;
    }
  }

  /** The items of every page under `key` (e.g. `members` for users.list), one by one. */
  async *items<T = Record<string, unknown>>(key: string): AsyncGenerator<T> {
    for await (const page of this) {
      const list = page[key];
      if (list === undefined) continue;
      if (!Array.isArray(list)) {
        throw new InvalidResponseError(`'${key}' is not an array`, undefined, '', {});
      }
      yield* list as T[];
    }
  }
}
