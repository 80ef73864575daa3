// The one adapter from node:http to web-standard handlers: IncomingMessage -> Request,
// Response -> ServerResponse. The body streams through with backpressure, and its size is counted
// as bytes arrive: one request past `maxBodyBytes`, or all unfinished bodies together past
// `maxPendingBodyBytes`, are answered at once and their connections closed, so a flood of slow or
// large bodies cannot hold more memory than that budget.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RAW_ENTRY, type RawHandler, type RawRequest, type Reply, type WithRawEntry } from '../events/raw.js';
import { DEFAULT_MAX_BODY_BYTES, declaredTooLarge, SignatureError } from '../events/verify.js';
import { type Clock, systemClock } from '../http/clock.js';
import { SlacklineError } from '../http/errors.js';
import { type Logger, logBudget, silentLogger } from '../http/logger.js';

export type WebHandler = (request: Request) => Promise<Response>;

export interface NodeListenerOptions {
  /** Called with every error a handler throws (the client gets a plain 500). */
  onError?: (err: unknown) => void;
  /** Largest body of one request; past it, 413 and the connection closes. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Bytes of unfinished bodies held across all requests; past it, 503 and the connection closes. Default 32 MiB. */
  maxPendingBodyBytes?: number;
  /** Gets a warning per refused body (its reason code), at most 20 a minute plus a count of the rest. */
  logger?: Logger;
  /** Default the system clock (the log budget's minute). */
  clock?: Clock;
}

export const DEFAULT_MAX_PENDING_BODY_BYTES = 32 * 1024 * 1024;

type Refusal = 413 | 503;
const REFUSAL_GRACE_MS = 1_000;
const REFUSALS = {
  413: { code: 'body_too_large', text: 'request body too large\n' },
  503: { code: 'server_busy', text: 'server busy, try again\n' },
} as const;
/** Counts `bytes` more of a body; answers why it must stop, or undefined to go on. */
type Admit = (bytes: number) => Refusal | undefined;

function bodyStream(req: IncomingMessage, admit: Admit, refuse: (status: Refusal) => void): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        req.pause();
        const onData = (chunk: Buffer) => {
          const refusal = admit(chunk.byteLength);
          if (refusal !== undefined) {
            req.off('data', onData); // refused once: later chunks are neither counted nor kept
            controller.error(new SlacklineError(REFUSALS[refusal].code, REFUSALS[refusal].text.trim()));
            refuse(refusal);
            return;
          }
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 0) <= 0) req.pause();
        };
        req.on('data', onData);
        req.once('end', () => controller.close());
        req.once('error', (err) => controller.error(err));
      },
      pull() {
        req.resume();
      },
      cancel() {
        req.destroy();
      },
    },
    { highWaterMark: 64 * 1024, size: (chunk) => chunk.byteLength },
  );
}

/** A body limited to `limit` bytes as they arrive (past it the request is destroyed). */
const limitedBody = (limit: number) => (req: IncomingMessage) => {
  let size = 0;
  return bodyStream(
    req,
    (bytes) => {
      size += bytes;
      return size > limit ? 413 : undefined;
    },
    () => req.destroy(),
  );
};

export function toRequest(
  req: IncomingMessage,
  origin: string,
  body: (req: IncomingMessage) => ReadableStream<Uint8Array> = limitedBody(DEFAULT_MAX_BODY_BYTES),
): Request {
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] as string;
    if (!name.startsWith(':')) headers.append(name, req.rawHeaders[i + 1] as string);
  }
  const method = req.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  return new Request(new URL(req.url ?? '/', origin), {
    method,
    headers,
    ...(hasBody ? { body: body(req), duplex: 'half' } : {}),
  } as RequestInit);
}

export async function sendResponse(res: ServerResponse, response: Response): Promise<void> {
  if (res.headersSent || res.destroyed) {
    await response.body?.cancel();
    return; // already answered (a refused body) or the client is gone
  }
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name === 'set-cookie') return;
    headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  res.writeHead(response.status, headers);
  if (response.body === null) {
    res.end();
    return;
  }
  const body = Buffer.from(await response.arrayBuffer());
  res.end(body);
}

/** A header of a node request as `Headers.get` gives it: repeats joined with ", ", case-insensitive. */
function rawHeader(req: IncomingMessage, name: string): string | null {
  const raw = req.rawHeaders;
  let value: string | null = null;
  for (let i = 0; i < raw.length; i += 2) {
    const key = raw[i] as string;
    if (key.length === name.length && key.toLowerCase() === name) {
      value = value === null ? (raw[i + 1] as string) : `${value}, ${raw[i + 1] as string}`;
    }
  }
  return value;
}

/**
 * The body of a node request as one buffer, counted through `admit` as bytes arrive (the same budget
 * as the streamed bodies); refused at once by Content-Length past `limit`, like readLimitedBody.
 */
function collectBody(
  req: IncomingMessage,
  limit: number,
  admit: Admit,
  refuse: (status: Refusal) => void,
): Promise<Uint8Array> {
  return new Promise<Uint8Array>((resolve, reject) => {
    // The handler's own refusals stop reading at once, as cancelling a streamed body does.
    const tooLarge = () => {
      req.destroy();
      reject(new SignatureError('body_too_large', 'request body is too large'));
    };
    if (declaredTooLarge(rawHeader(req, 'content-length'), limit)) {
      tooLarge();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      const refusal = admit(chunk.byteLength);
      size += chunk.byteLength;
      if (refusal !== undefined) {
        req.off('data', onData); // refused once: later chunks are neither counted nor kept
        reject(new SlacklineError(REFUSALS[refusal].code, REFUSALS[refusal].text.trim()));
        refuse(refusal);
        return;
      }
      if (size > limit) {
        req.off('data', onData);
        tooLarge();
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

function sendReply(req: IncomingMessage, res: ServerResponse, reply: Reply): void {
  if (res.headersSent || res.destroyed) return; // already answered (a refused body) or the client is gone
  res.writeHead(reply.status, reply.headers);
  res.end(reply.body);
  if (!req.complete) closeUnread(req, res);
}

/**
 * Answered before its body was all read (refused, or a route that ignores bodies): Node then discards
 * the rest as it arrives. Closing at once would reset the connection while the client still sends,
 * and a reset makes it drop the answer unread; so close after a short grace, once the answer is out.
 * Called when the answer is written (the raw path, where nearly every body was read by then), or for
 * every request (the web path, where the handler's reading is not seen).
 */
function closeUnread(req: IncomingMessage, res: ServerResponse): void {
  res.once('finish', () => {
    if (!req.complete) setTimeout(() => req.destroy(), REFUSAL_GRACE_MS).unref();
  });
}

/**
 * Wraps a handler for http.createServer; a thrown error is a plain 500, never a crash or a leak.
 * A handler that carries a raw entry for the request's path (the events handler, and `routes()` for
 * its inbound paths) is given the node request directly: the body is read into one buffer under the
 * same limits, and its Reply written back, with no Request or Response in between.
 */
export function nodeListener(handler: WebHandler, origin: string, options: NodeListenerOptions = {}) {
  const onError = options.onError ?? (() => {});
  const logger = options.logger ?? silentLogger;
  // Refusals are caused by clients: a few lines a minute, with a count of the rest.
  const budget = logBudget(20, options.clock ?? systemClock);
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxPending = options.maxPendingBodyBytes ?? DEFAULT_MAX_PENDING_BODY_BYTES;
  let pending = 0; // body bytes held by every request still being answered
  const rawEntry = (handler as WithRawEntry)[RAW_ENTRY];
  const fail = (req: IncomingMessage, res: ServerResponse, err: unknown, raw: boolean) => {
    onError(err);
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain', 'cache-control': 'no-store' });
    res.end('internal error');
    if (raw && !req.complete) closeUnread(req, res);
  };
  return (req: IncomingMessage, res: ServerResponse): void => {
    let size = 0;
    const raw = rawEntry === undefined ? undefined : rawEntryFor(rawEntry, req.url);
    const refuse = (status: Refusal) => {
      const { code } = REFUSALS[status];
      budget((dropped) => {
        const path = req.url?.split('?')[0]?.slice(0, 200);
        logger.warn({ reason: code, status, path, ...(dropped > 0 ? { dropped } : {}) }, `request refused: ${code}`);
      });
      req.pause(); // stop reading: the rest of the body is never buffered
      if (res.headersSent) {
        req.destroy();
        return;
      }
      res.writeHead(status, { 'content-type': 'text/plain', 'cache-control': 'no-store' });
      res.end(REFUSALS[status].text);
      if (raw !== undefined) closeUnread(req, res);
    };
    const admit: Admit = (bytes) => {
      size += bytes;
      pending += bytes;
      if (size > limit) return 413;
      return pending > maxPending ? 503 : undefined;
    };
    // Whatever happens to the request, its bytes leave the budget when its exchange ends ('close'
    // comes once: `on` spares the once-wrapper per request).
    res.on('close', () => {
      pending -= size;
      size = 0;
    });
    if (raw !== undefined) {
      const request: RawRequest = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        header: (name) => rawHeader(req, name),
        body: (max) => collectBody(req, max, admit, refuse),
      };
      raw(request).then(
        (reply) => sendReply(req, res, reply),
        (err: unknown) => fail(req, res, err, true),
      );
      return;
    }
    closeUnread(req, res);
    const body = (r: IncomingMessage) => bodyStream(r, admit, refuse);
    let request: Request;
    try {
      request = toRequest(req, origin, body);
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('bad request');
      return;
    }
    handler(request)
      .then((response) => sendResponse(res, response))
      .catch((err: unknown) => fail(req, res, err, false));
  };
}

function rawEntryFor(entry: (path: string) => RawHandler | undefined, url: string | undefined): RawHandler | undefined {
  const target = url ?? '/';
  const end = target.indexOf('?');
  return entry(end < 0 ? target : target.slice(0, end));
}
