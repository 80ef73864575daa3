// The one cursor walk every paginated API uses (Web API `response_metadata.next_cursor`, Audit
// Logs `response_metadata.next_cursor`, ...): ask for a page with the cursor, read the next cursor,
// stop on an empty one. A page cap bounds a runaway walk; a cursor that repeats is a server bug,
// reported as such instead of looping forever.
import { InvalidResponseError } from './errors.js';

export interface CursorWalk<P> {
  /** Fetches the page at `cursor` (undefined: the first page). */
  page(cursor: string | undefined): Promise<P>;
  /** The cursor of the page after `page`; empty or undefined on the last page. */
  next(page: P): string | undefined;
  /** Where to start (default: the first page). */
  cursor?: string;
  /** Stop after this many pages (default 10,000). */
  maxPages?: number;
  /** Named in the error when a cursor repeats. */
  method?: string;
}

export const DEFAULT_MAX_PAGES = 10_000;

/** Yields each page of a cursor walk, in order. */
export async function* cursorPages<P>(walk: CursorWalk<P>): AsyncGenerator<P> {
  const maxPages = walk.maxPages ?? DEFAULT_MAX_PAGES;
  if (!(maxPages >= 1)) throw new RangeError('maxPages must be at least 1');
  let cursor = walk.cursor || undefined;
  const seen = new Set<string>();
  for (let count = 0; count < maxPages; count++) {
    const page = await walk.page(cursor);
    yield page;
    const next = walk.next(page);
    if (!next) return;
    if (seen.has(next)) {
      throw new InvalidResponseError('next_cursor repeats an earlier cursor', undefined, '', { method: walk.method });
    }
    seen.add(next);
    cursor = next;
  }
}
