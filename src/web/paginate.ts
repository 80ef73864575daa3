// Pagination as the Web API does it: `cursor` in, `response_metadata.next_cursor` out. The walk
// itself (page cap, repeated cursors) is the HTTP core's one cursor paginator (http/paginate.ts).
import { InvalidResponseError } from '../http/errors.js';
import { cursorPages, DEFAULT_MAX_PAGES } from '../http/paginate.js';
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
    this.#maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
    if (!(this.#maxPages >= 1)) throw new RangeError('maxPages must be at least 1');
  }

  [Symbol.asyncIterator](): AsyncIterator<WebAPICallResult> {
    const args = this.#args;
    return cursorPages<WebAPICallResult>({
      page: (cursor) => this.#call(cursor ? { ...args, cursor } : args),
      next: (page) => page.response_metadata?.next_cursor,
      cursor: typeof args.cursor === 'string' ? args.cursor : undefined,
      maxPages: this.#maxPages,
    });
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
