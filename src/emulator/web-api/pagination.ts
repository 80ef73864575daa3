// Cursor pagination like Slack's: opaque base64 cursors, `next_cursor: ""` on the last page.
import type { Args } from './args.js';
import { fail } from './failure.js';

export interface PageOptions {
  /** Cursor label, e.g. `user` (Slack's cursors decode to `user:U123...`). */
  kind: string;
  /** Page size when `limit` is absent or 0; 0 means "everything" (users.list without a limit). */
  defaultLimit: number;
  maxLimit: number;
}

export interface Page<T> {
  items: T[];
  nextCursor: string;
  hasMore: boolean;
}

export function encodeCursor(kind: string, offset: number): string {
  return Buffer.from(`${kind}:${offset}`).toString('base64');
}

function decodeCursor(cursor: string, kind: string): number {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(cursor)) throw fail('invalid_cursor');
  const text = Buffer.from(cursor, 'base64').toString('utf8');
  const prefix = `${kind}:`;
  if (!text.startsWith(prefix)) throw fail('invalid_cursor');
  const offset = Number(text.slice(prefix.length));
  if (!Number.isSafeInteger(offset) || offset < 0) throw fail('invalid_cursor');
  return offset;
}

export function paginate<T>(items: readonly T[], args: Args, options: PageOptions): Page<T> {
  const cursor = args.text('cursor');
  const offset = cursor === undefined ? 0 : decodeCursor(cursor, options.kind);
  if (offset > items.length) throw fail('invalid_cursor');
  const asked = args.int('limit') ?? 0;
  let limit = asked > 0 ? asked : options.defaultLimit;
  if (limit <= 0) limit = Math.max(items.length - offset, 1);
  limit = Math.min(limit, options.maxLimit > 0 ? options.maxLimit : limit);
  const end = Math.min(offset + limit, items.length);
  const hasMore = end < items.length;
  return { items: items.slice(offset, end), nextCursor: hasMore ? encodeCursor(options.kind, end) : '', hasMore };
}
