// Streaming export of an audit log to JSONL or CSV, in constant memory (one page at a time) and
// resumable after a crash or a lost connection without a gap or a duplicate: after each page is
// written, a checkpoint records the next cursor and the file's length; a resumed export cuts the file
// back to that length and fetches from that cursor, so a page half-written before a crash is written
// again exactly once. The query (with `latest` fixed at the start) is kept in the checkpoint, so the
// resumed walk is the same walk.
import { open, readFile, rename, writeFile } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { InvalidArgumentError } from '../http/errors.js';
import type { AuditLogsClient } from './client.js';
import type { AuditLogEntry, LogsPage } from './types.js';

export type ExportFormat = 'jsonl' | 'csv';

export interface ExportQuery {
  oldest?: number;
  latest?: number;
  action?: readonly string[];
  actor?: string;
  entity?: string;
}

export interface ExportOptions {
  client: AuditLogsClient;
  query: ExportQuery;
  format: ExportFormat;
  /** The output file. */
  out: string;
  /** The checkpoint file: resumed from when it exists, created otherwise. */
  checkpoint: string;
  /** Entries per request (default 5000). */
  limit?: number;
  /** Called after each page is written. */
  onProgress?: (progress: ExportProgress) => void;
  signal?: AbortSignal;
}

export interface ExportProgress {
  /** Entries in the file so far. */
  count: number;
  /** The date of the last entry written (epoch seconds), the walk's position in time. */
  date: number | undefined;
  done: boolean;
}

interface Checkpoint {
  version: 1;
  format: ExportFormat;
  query: ExportQuery;
  cursor: string | undefined;
  bytes: number;
  count: number;
  done: boolean;
}

/**
 * Entries per request. Slack allows 9999, and its Tier 3 budget (50 calls a minute) favours big pages;
 * but a page's body and its parsed entries are in memory at once (the lines go into one buffer reused
 * from page to page, and the entries are let go once encoded). 5000 keeps the exporter under 150 MB
 * (bench/audit-export.ts) at half the calls of 2500.
 */
export const DEFAULT_EXPORT_LIMIT = 5000;

export const CSV_COLUMNS = [
  'id',
  'date_create',
  'action',
  'actor_type',
  'actor_id',
  'actor_name',
  'actor_email',
  'entity_type',
  'entity_id',
  'entity_name',
  'location_type',
  'location_id',
  'location_name',
  'ip_address',
  'ua',
] as const;

/** A CSV field: quoted when needed; a leading =+-@ is defused so a spreadsheet never runs it. */
function csvField(value: unknown): string {
  let text = value === undefined || value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csvRow(e: AuditLogEntry): string {
  const entity = e.entity[e.entity.type] as { id?: string; name?: string } | undefined;
  const loc = e.context?.location;
  return [
    e.id,
    e.date_create,
    e.action,
    e.actor?.type,
    e.actor?.user?.id,
    e.actor?.user?.name,
    e.actor?.user?.email,
    e.entity?.type,
    entity?.id,
    entity?.name,
    loc?.type,
    loc?.id,
    loc?.name,
    e.context?.ip_address,
    e.context?.ua,
  ]
    .map(csvField)
    .join(',');
}

/** One entry as a line of the format. */
export function formatEntry(entry: AuditLogEntry, format: ExportFormat): string {
  return format === 'csv' ? `${csvRow(entry)}\r\n` : `${JSON.stringify(entry)}\n`;
}

export function csvHeader(): string {
  return `${CSV_COLUMNS.join(',')}\r\n`;
}

/**
 * One page's lines, encoded into one buffer kept from page to page (grown to the biggest page once),
 * instead of a string per page and then a copy of it as bytes. The page's entries are released once
 * encoded: the walk's generators still hold the page while the next one is fetched and parsed, so
 * without this two pages of parsed entries would be alive at once. The bytes returned are valid until
 * the next call.
 */
class LineBuffer {
  #buffer = Buffer.allocUnsafe(1 << 20);

  page(page: LogsPage, format: ExportFormat): Buffer {
    const entries = page.entries;
    let used = 0;
    for (let i = 0; i < entries.length; i++) {
      const line = formatEntry(entries[i] as AuditLogEntry, format);
      // At most 3 bytes of UTF-8 per UTF-16 code unit.
      if (used + line.length * 3 > this.#buffer.length) {
        const bigger = Buffer.allocUnsafe(Math.max(this.#buffer.length * 2, used + line.length * 3));
        this.#buffer.copy(bigger, 0, 0, used);
        this.#buffer = bigger;
      }
      used += this.#buffer.write(line, used, 'utf8');
    }
    entries.length = 0;
    return this.#buffer.subarray(0, used);
  }
}

async function readCheckpoint(path: string): Promise<Checkpoint | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let parsed: Checkpoint | undefined;
  try {
    parsed = JSON.parse(text) as Checkpoint;
  } catch {
    parsed = undefined;
  }
  if (parsed?.version !== 1 || !Number.isInteger(parsed.bytes) || parsed.bytes < 0) {
    throw new InvalidArgumentError(`${path} is not an audit-logs export checkpoint`);
  }
  return parsed;
}

/** Written whole to a temporary file and renamed over: a crash leaves the old or the new, never half. */
async function saveCheckpoint(path: string, checkpoint: Checkpoint): Promise<void> {
  const tmp = `${path}.tmp`;
  await writeFile(tmp, JSON.stringify(checkpoint));
  await rename(tmp, path);
}

/** Exports to `out`, resuming from `checkpoint` when it exists. Resolves with the final progress. */
export async function exportAuditLogs(options: ExportOptions): Promise<ExportProgress> {
  const { client, format } = options;
  let cp = await readCheckpoint(options.checkpoint);
  if (cp !== undefined && cp.format !== format) {
    throw new InvalidArgumentError(`the checkpoint is of a ${cp.format} export, not ${format}`);
  }
  const file = await open(options.out, cp === undefined ? 'w' : 'r+');
  try {
    if (cp === undefined) {
      const header = format === 'csv' ? csvHeader() : '';
      await file.write(header, 0);
      cp = {
        version: 1,
        format,
        query: options.query,
        cursor: undefined,
        bytes: Buffer.byteLength(header),
        count: 0,
        done: false,
      };
      await saveCheckpoint(options.checkpoint, cp);
    }
    await file.truncate(cp.bytes);
    let date: number | undefined;
    if (cp.done) return { count: cp.count, date, done: true };
    const logs = client.logs({
      ...cp.query,
      limit: options.limit ?? DEFAULT_EXPORT_LIMIT,
      cursor: cp.cursor,
      maxPages: Number.POSITIVE_INFINITY,
      signal: options.signal,
    });
    const lines = new LineBuffer();
    for await (const page of logs.pages()) {
      const entries = page.entries.length;
      date = page.entries.at(-1)?.date_create ?? date;
      const bytes = lines.page(page, format);
      await file.write(bytes, 0, bytes.length, cp.bytes);
      await file.datasync();
      cp = {
        ...cp,
        cursor: page.nextCursor,
        bytes: cp.bytes + bytes.length,
        count: cp.count + entries,
        done: page.nextCursor === undefined,
      };
      await saveCheckpoint(options.checkpoint, cp);
      options.onProgress?.({ count: cp.count, date, done: cp.done });
    }
    return { count: cp.count, date, done: true };
  } finally {
    await file.close();
  }
}

/** Exports to a stream (stdout), honouring backpressure; not resumable. */
export async function exportAuditLogsTo(
  stream: Writable,
  options: Omit<ExportOptions, 'out' | 'checkpoint'>,
): Promise<ExportProgress> {
  const { client, format } = options;
  // The callback runs once the stream has taken the bytes, so the next page waits for a slow reader
  // and the shared buffer is free to reuse.
  const write = (bytes: Uint8Array) =>
    new Promise<void>((resolve, reject) => {
      stream.write(bytes, (error) => (error ? reject(error) : resolve()));
    });
  if (format === 'csv') await write(Buffer.from(csvHeader()));
  let count = 0;
  let date: number | undefined;
  const logs = client.logs({
    ...options.query,
    limit: options.limit ?? DEFAULT_EXPORT_LIMIT,
    maxPages: Number.POSITIVE_INFINITY,
    signal: options.signal,
  });
  const lines = new LineBuffer();
  for await (const page of logs.pages()) {
    count += page.entries.length;
    date = page.entries.at(-1)?.date_create ?? date;
    await write(lines.page(page, format));
    options.onProgress?.({ count, date, done: page.nextCursor === undefined });
  }
  return { count, date, done: true };
}
