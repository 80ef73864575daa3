// A transport on undici's dispatcher: the default one (default-transport.ts loads undici at the first
// request and passes it in), or `undiciTransport(undici)` / `undiciTransport(dispatcher)` with a
// module or dispatcher of the caller's (a proxy, TLS options). It goes straight to `dispatch` with a
// handler of its own: no `request()` stream, no promise per body, no header object unless one is read. Its
// contract is nodeTransport's (transport.ts): verbs, bodies, timeout and abort, response cap while
// reading, no redirects, idle connections closed first; the differences are said where they are.
import { onAbort } from './clock.js';
import type { RequestError } from './errors.js';
import {
  type Body,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_RESPONSE,
  errorCode,
  type FailureReason,
  failure,
  NEVER_CONNECTED,
  type Transport,
  type TransportRequest,
  type TransportResponse,
} from './transport.js';

/**
 * The part of undici's dispatch handler this transport implements: the form undici 7 (tested with
 * 7.30) hands straight to its connections, without the adapter it puts around the newer form.
 */
export interface UndiciHandler {
  onConnect(abort: (err?: Error) => void): void;
  onHeaders(status: number, rawHeaders: Buffer[], resume: () => void, statusText: string): boolean;
  onData(chunk: Buffer): boolean;
  onComplete(trailers: unknown): void;
  onError(err: Error): void;
}

export interface UndiciDispatchOptions {
  origin: string;
  path: string;
  method: string;
  headers: Record<string, string>;
  body?: Body;
  /** 0 switches off a redirect interceptor composed into a dispatcher you pass. */
  maxRedirections: 0;
}

/** An undici `Dispatcher` (`Agent`, `Pool`, `ProxyAgent`...), as far as this transport uses it. */
export interface UndiciDispatcher {
  dispatch(options: UndiciDispatchOptions, handler: UndiciHandler): boolean;
  destroy(): Promise<void>;
}

/** The undici module, as far as this transport uses it: `import * as undici from 'undici'`. */
export interface UndiciModule {
  Agent: new (options: {
    connections: number;
    keepAliveTimeout: number;
    keepAliveMaxTimeout: number;
    headersTimeout: number;
    bodyTimeout: number;
  }) => UndiciDispatcher;
}

export interface UndiciTransportOptions {
  /** Connections kept per origin (default 64). Only for the pool made from the module. */
  maxSockets?: number;
  /**
   * An idle connection is closed after this long (default 4,000 ms), and a server's shorter
   * `Keep-Alive: timeout` hint is obeyed (less undici's 2 s margin), never a longer one. Only for the
   * pool made from the module.
   */
  idleTimeoutMs?: number;
  /** Largest response body accepted (default 64 MiB), enforced as it arrives: `body_too_large`. */
  maxResponseBytes?: number;
}

/**
 * A transport on undici. Pass the module (`undiciTransport(undici)`: a keep-alive pool is made at
 * the first request and `close()` destroys it; a later request makes a new one) or a dispatcher of
 * your own (a `ProxyAgent`, an `Agent` with TLS options: you keep it, and `close()` leaves it open).
 * Redirects are never followed, the response cap holds as bytes arrive, and undici does not
 * decompress here (nor does nodeTransport).
 *
 * What a failure proves: a request that failed before undici gave it a connection (refused, DNS,
 * TLS, connect timeout) was never sent, and neither was a stream body that had not been read to its
 * end. A string or bytes body is written whole the moment undici has a connection for it, and
 * undici does not say whether that connection was fresh or reused, so a failure after that counts
 * as possibly received, and `staleConnection` is never set: the race it covers is avoided instead
 * (idle connections closed before the server's timeout, a closed idle connection never reused).
 */
export function undiciTransport(
  undici: UndiciModule | UndiciDispatcher,
  options: UndiciTransportOptions = {},
): Transport {
  const own = !('dispatch' in undici);
  const idleMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  // Our own pool is made at the first request, and again at the first one after close(): close()
  // frees the connections, and the transport stays usable, as nodeTransport's does.
  const makePool = (agent: UndiciModule['Agent']): UndiciDispatcher =>
    new agent({
      connections: options.maxSockets ?? 64,
      keepAliveTimeout: idleMs,
      keepAliveMaxTimeout: idleMs,
      // Off: each request has our own timer (its budget covers the whole exchange).
      headersTimeout: 0,
      bodyTimeout: 0,
    });
  let pool: UndiciDispatcher | undefined = own ? undefined : undici;
  const shared: Shared = { own, maxBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE };
  return {
    send(request) {
      return new Promise<TransportResponse>((resolve, reject) => {
        const exchange = new Exchange(shared, request, resolve, reject);
        if (exchange.settled) return;
        const { url } = request;
        try {
          pool ??= makePool((undici as UndiciModule).Agent);
          pool.dispatch(
            {
              origin: url.origin,
              path: url.pathname + url.search,
              method: request.method,
              headers: request.headers,
              body: request.body,
              maxRedirections: 0,
            },
            exchange,
          );
        } catch (err) {
          exchange.onError(err as Error);
        }
      });
    },
    close() {
      if (!own || pool === undefined) return;
      pool.destroy().catch(() => {});
      pool = undefined;
    },
  };
}

interface Shared {
  /** The pool is ours (so its handlers see every connection: see onError). */
  own: boolean;
  maxBytes: number;
}

// undici's own timeouts, if a dispatcher you pass keeps them on.
const UNDICI_TIMEOUTS = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** One request: undici's handler, its timer and abort listener, and the answer as it arrives. */
class Exchange implements UndiciHandler {
  settled = false;
  #shared: Shared;
  #resolve: (response: TransportResponse) => void;
  #reject: (err: RequestError) => void;
  #stream: { readableEnded: boolean } | undefined;
  #timer: ReturnType<typeof setTimeout>;
  #stopListening: (() => void) | undefined;
  #abort: ((err?: Error) => void) | undefined;
  #connected = false;
  #status = 0;
  #rawHeaders: Buffer[] = [];
  #chunks: Buffer[] = [];
  #size = 0;

  constructor(
    shared: Shared,
    { body, timeoutMs, signal }: TransportRequest,
    resolve: (response: TransportResponse) => void,
    reject: (err: RequestError) => void,
  ) {
    this.#shared = shared;
    this.#resolve = resolve;
    this.#reject = reject;
    if (typeof body === 'object' && !(body instanceof Uint8Array)) this.#stream = body;
    this.#timer = setTimeout(() => this.#drop('timeout', new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    if (signal?.aborted) this.#drop('aborted', signal.reason);
    else if (signal) this.#stopListening = onAbort(signal, () => this.#drop('aborted', signal.reason));
  }

  /** Whether the whole request may have reached the server. */
  #written(err: unknown): boolean {
    // Before a connection: undici wrote nothing. With a dispatcher of yours, interceptors might have
    // sent an earlier try, so only errors that prove no connection was made count.
    if (!this.#connected) return !(this.#shared.own || NEVER_CONNECTED.has(errorCode(err) ?? ''));
    return this.#stream === undefined || this.#stream.readableEnded;
  }

  #settle(err: RequestError | undefined, response?: TransportResponse): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.#timer);
    this.#stopListening?.();
    if (err) this.#reject(err);
    else this.#resolve(response!);
  }

  /** Ends the request on our side (timeout, abort, cap): fails the call, closes the connection. */
  #drop(reason: FailureReason, err: unknown): void {
    if (this.settled) return;
    this.#settle(failure(reason, err, this.#written(err)));
    this.#abort?.(err instanceof Error ? err : new Error(reason));
  }

  onConnect(abort: (err?: Error) => void): void {
    // Dropped while it waited for a connection: undici checks right after this and writes nothing.
    if (this.settled) {
      abort(new Error('dropped before sending'));
      return;
    }
    this.#abort = abort;
    this.#connected = true;
  }

  onHeaders(status: number, rawHeaders: Buffer[]): boolean {
    if (status < 200) return true; // 1xx: the answer is still to come
    this.#status = status;
    this.#rawHeaders = rawHeaders;
    return true;
  }

  onData(chunk: Buffer): boolean {
    const size = this.#size + chunk.length;
    if (size > this.#shared.maxBytes) {
      this.#drop('body_too_large', new Error(`response over ${this.#shared.maxBytes} bytes`));
      return false;
    }
    this.#size = size;
    this.#chunks.push(chunk);
    return true;
  }

  onComplete(): void {
    const chunks = this.#chunks;
    const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, this.#size);
    this.#settle(undefined, new UndiciResponse(this.#status, this.#rawHeaders, body));
  }

  onError(err: Error): void {
    if (this.settled) return;
    const reason = UNDICI_TIMEOUTS.has(errorCode(err) ?? '') ? 'timeout' : 'network';
    this.#settle(failure(reason, err, this.#written(err)));
  }
}

/**
 * An answer from undici: the raw header lines as undici parsed them, made into an object only when
 * `headers` is read (a successful Slack call reads one header at most, through `header`).
 */
class UndiciResponse implements TransportResponse {
  readonly status: number;
  readonly body: Buffer;
  #raw: (Buffer | string)[];
  #headers: Record<string, string | undefined> | undefined;

  constructor(status: number, raw: (Buffer | string)[], body: Buffer) {
    this.status = status;
    this.#raw = raw;
    this.body = body;
  }

  get headers(): Record<string, string | undefined> {
    if (this.#headers === undefined) {
      // Repeated headers joined with ", ", set-cookie included, as nodeTransport gives them.
      const out: Record<string, string | undefined> = Object.create(null);
      const raw = this.#raw;
      for (let i = 0; i < raw.length; i += 2) {
        const name = raw[i]!.toString('latin1').toLowerCase();
        const value = raw[i + 1]!.toString('latin1');
        const before = out[name];
        out[name] = before === undefined ? value : `${before}, ${value}`;
      }
      this.#headers = out;
    }
    return this.#headers;
  }

  header(name: string): string | undefined {
    const raw = this.#raw;
    let found: string | undefined;
    for (let i = 0; i < raw.length; i += 2) {
      const line = raw[i]!;
      if (line.length !== name.length || line.toString('latin1').toLowerCase() !== name) continue;
      if (found !== undefined) return this.headers[name];
      found = raw[i + 1]!.toString('latin1');
    }
    return found;
  }
}
