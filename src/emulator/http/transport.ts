// The small request/response abstraction shared by the node:http server and the fetch adapter, so that the
// hot path on node:http never builds a web Request.

import { validateHeaderName, validateHeaderValue } from 'node:http';

export interface EmuRequest {
  /** HTTP method, upper case. */
  readonly method: string;
  /** Raw path without the query string. */
  readonly path: string;
  /** Raw query string without '?', '' when absent. */
  readonly query: string;
  header(name: string): string | undefined;
  /** The body, readable once. */
  readonly body: AsyncIterable<Uint8Array>;
  /** `http://host:port/` as the client addressed the emulator; used for URLs in answers. */
  readonly baseUrl: string;
  /** 'socket' from node:http (a browser may be behind it); 'in-process' from the fetch handler. */
  readonly transport: 'socket' | 'in-process';
}

export interface Reply {
  readonly kind: 'reply';
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Uint8Array;
}

/** What the adapters do with a request. Faults other than plain replies need the socket. */
export type Outcome =
  | Reply
  | { readonly kind: 'hang' }
  | { readonly kind: 'drop' }
  | {
      readonly kind: 'truncated';
      readonly status: number;
      readonly headers: Readonly<Record<string, string>>;
      readonly body: Uint8Array;
      readonly declaredLength: number;
    };

export const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * The first header that Node would refuse to write (a bad name, CR/LF, a character outside latin1), or
 * undefined. Checked before writing so that such a value becomes a 500, never a thrown error.
 */
export function invalidHeader(headers: Readonly<Record<string, string>>): string | undefined {
  for (const [name, value] of Object.entries(headers)) {
    try {
      validateHeaderName(name);
      validateHeaderValue(name, value);
    } catch {
      return name;
    }
  }
  return undefined;
}

/**
 * The outcome both adapters write: one whose headers Node would refuse becomes a 500 instead. Inputs
 * are validated where they enter; this is the net under those checks, so nothing throws while writing.
 */
export function writableOutcome(outcome: Outcome): Outcome {
  if (outcome.kind !== 'reply' && outcome.kind !== 'truncated') return outcome;
  const bad = invalidHeader(outcome.headers);
  return bad === undefined
    ? outcome
    : jsonReply(500, { ok: false, error: 'internal_error', detail: `invalid ${bad} header` });
}

export function reply(status: number, body: string | Uint8Array, headers: Record<string, string>): Reply {
  return { kind: 'reply', status, headers, body };
}

export function jsonReply(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return reply(status, JSON.stringify(value), { 'content-type': JSON_TYPE, ...headers });
}

export function textReply(status: number, text: string, type = 'text/plain; charset=utf-8'): Reply {
  return reply(status, text, { 'content-type': type });
}

/**
 * Reads a whole body up to `limit` bytes. A larger body is read to the end and thrown away (up to
 * `drainLimit`), so the client still gets the 413 instead of a reset; beyond that the request is dropped.
 */
export async function readBody(
  body: AsyncIterable<Uint8Array>,
  limit: number,
  drainLimit = 256 * 1024 * 1024,
): Promise<Buffer | 'too_large' | 'drop'> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > drainLimit) return 'drop';
    if (size <= limit) chunks.push(chunk);
  }
  if (size > limit) return 'too_large';
  return chunks.length === 1 && Buffer.isBuffer(chunks[0]) ? chunks[0] : Buffer.concat(chunks, size);
}
