// SCIM's index paging (`startIndex`, `count`, `totalResults`) as an async iterator of resources, with
// `.pages()` for whole pages. Stops on the last page, on an empty page (a server that promised more but
// sent nothing), and after `maxPages`; an index that does not move on is a server bug, reported as such.
import { InvalidResponseError } from '../http/errors.js';
import { DEFAULT_MAX_PAGES } from '../http/paginate.js';
import type { SCIMListResponse } from './types.js';

export class SCIMPages<T> implements AsyncIterable<T> {
  constructor(
    private readonly fetchPage: (startIndex: number) => Promise<SCIMListResponse<T>>,
    private readonly start: number,
    private readonly maxPages: number = DEFAULT_MAX_PAGES,
  ) {
    if (!(maxPages >= 1)) throw new RangeError('maxPages must be at least 1');
  }

  async *pages(): AsyncGenerator<SCIMListResponse<T>> {
    let index = this.start;
    for (let count = 0; count < this.maxPages; count++) {
      const page = await this.fetchPage(index);
      const resources = Array.isArray(page?.Resources) ? page.Resources : undefined;
      if (resources === undefined || typeof page.totalResults !== 'number') {
        throw new InvalidResponseError('a SCIM list without Resources or totalResults', undefined, '', {
          method: 'SCIM list',
        });
      }
      yield page;
      if (resources.length === 0) return;
      const next = index + resources.length;
      if (next > page.totalResults) return;
      index = next;
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for await (const page of this.pages()) yield* page.Resources;
  }

  /** Every resource in one array (at most `maxPages` pages). */
  async toArray(): Promise<T[]> {
    const out: T[] = [];
    for await (const item of this) out.push(item);
    return out;
  }
}
