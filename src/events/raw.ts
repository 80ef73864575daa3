// The events handler's transport-neutral entry, internal to slackline (not exported by any door).
// The public handler is `(request, ctx?) => Promise<Response>` for Workers, Hono, Vercel and the like;
// node:http needs no WHATWG Request or Response to be built and torn down again for each event, so the
// node adapter (src/server/node.ts) asks a handler for this entry and hands it the raw method, URL,
// headers and a body reader, and writes the Reply itself. Both entries run the same code: the public
// one is this one with a Request on one side and a Response on the other.
import type { HandlerContext } from './handler.js';

/** What the handler needs of a request: cheap for every transport to give. */
export interface RawRequest {
  method: string;
  /** The request target as sent or as a whole URL (only its query is read). */
  url: string;
  /** A header's value, repeated headers joined with ", " (as `Headers.get` does), or null. */
  header(name: string): string | null;
  /** The whole body, refused with a SignatureError('body_too_large') past the handler's limit. */
  body(limit: number): Promise<Uint8Array>;
}

/** The answer: always a string body (empty for most), with its headers. */
export interface Reply {
  status: number;
  headers: Readonly<Record<string, string>>;
  body: string;
}

export type RawHandler = (request: RawRequest, ctx?: HandlerContext) => Promise<Reply>;

/** Key of the function a web handler may carry: the raw entry for a request path, or undefined. */
export const RAW_ENTRY: unique symbol = Symbol('slackline.rawEntry');

export interface WithRawEntry {
  [RAW_ENTRY]?: (path: string) => RawHandler | undefined;
}

/** The query string of a request target or URL (without `?` and any fragment). */
export function queryOf(url: string): string {
  const start = url.indexOf('?');
  if (start < 0) return '';
  const end = url.indexOf('#', start);
  return end < 0 ? url.slice(start + 1) : url.slice(start + 1, end);
}

/**
 * The reply as a web Response, with headers of its own: the replies share frozen header objects, and
 * some hosts (@hono/node-server) add to the init's headers object.
 */
export const toResponse = (reply: Reply): Response =>
  new Response(reply.body, { status: reply.status, headers: { ...reply.headers } });
