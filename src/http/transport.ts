// The transport sends one HTTP request and returns the whole answer. Nothing else: retries,
// timeouts, rate limits and Slack's `ok` live in layers above it.
//
// Here: `nodeTransport`, node:http(s) with keep-alive agents (on Node 20 several times faster than the
// built-in fetch at a fraction of the CPU; the default where undici cannot be loaded), and
// `fetchTransport` for other runtimes. The default is undici's (default-transport.ts).
import type http from 'node:http';
import type https from 'node:https';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { onAbort } from './clock.js';
import { RequestError } from './errors.js';
import type { HttpMethod } from './retry.js';

export type Body = string | Uint8Array | Readable;

export interface TransportRequest {
  url: URL;
  method: HttpMethod;
  headers: Record<string, string>;
  body?: Body;
  /** This attempt's time budget: past it the request is dropped and fails with reason `timeout`. */
  timeoutMs: number;
  /** The caller's abort: the request is dropped and fails with reason `aborted`. */
  signal?: AbortSignal | undefined;
}

export interface TransportResponse {
  status: number;
  /** Header names are lower-case. */
  headers: Record<string, string | undefined>;
  body: Buffer;
  /**
   * One header by its lower-case name, the same as `headers[name]`, without making every header
   * into an object first (the node transport has it; read it with `headerOf`).
   */
  header?(name: string): string | undefined;
}

/** `response.headers[name]`, through the transport's cheaper `header` when it has one. */
export function headerOf(response: TransportResponse, name: string): string | undefined {
  return response.header === undefined ? response.headers[name] : response.header(name);
}

export interface Transport {
  send(request: TransportRequest): Promise<TransportResponse>;
  /** Frees pooled connections. */
  close(): void;
}

export interface NodeTransportOptions {
  /** Connections kept per host (default 64). */
  maxSockets?: number;
  /**
   * A pooled connection idle this long is closed (default 4,000 ms): below the keep-alive timeouts
   * servers commonly use (Node 5 s, load balancers 60 s), so we close first and rarely write into a
   * connection the server is closing. Not applied to agents you pass in.
   */
  idleTimeoutMs?: number;
  /** Largest response body accepted (default 64 MiB); a larger one fails with `body_too_large`. */
  maxResponseBytes?: number;
  /** Your own agents (proxies, TLS settings): used as they are, and left open by `close()`. */
  httpAgent?: http.Agent;
  httpsAgent?: https.Agent;
}

export const DEFAULT_MAX_RESPONSE = 64 * 1024 * 1024;
// Built-in modules load on first use through process.getBuiltinModule (Node 20.16+): no
// createRequire, whose CommonJS machinery a cold import would otherwise set up for three lookups.
let httpsModule: typeof https | undefined;
const loadHttps = (): typeof https => {
  httpsModule ??= process.getBuiltinModule('node:https');
  return httpsModule;
};
// node:http and node:stream load when the first transport is made, not when the door is imported
// (a cold `import('slackline/web')` then costs little more than bare node; measured in bench/).
let httpModule: typeof http | undefined;
const loadHttp = (): typeof http => {
  httpModule ??= process.getBuiltinModule('node:http');
  return httpModule;
};
let readableClass: typeof Readable | undefined;
const loadReadable = (): typeof Readable => {
  readableClass ??= process.getBuiltinModule('node:stream').Readable;
  return readableClass;
};
export const DEFAULT_IDLE_TIMEOUT_MS = 4_000;

export type FailureReason = 'network' | 'aborted' | 'timeout' | 'body_too_large';

export function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function failure(reason: FailureReason, err: unknown, written: boolean, staleConnection = false): RequestError {
  const detail = errorCode(err) ?? (err instanceof Error ? err.message : String(err));
  return new RequestError(reason, detail, written, { cause: err, staleConnection });
}

// When a pooled connection last went free: a property of the socket (one write per call, cheaper
// than a WeakMap's set).
const FREE_SINCE = Symbol('slackline.freeSince');
type IdleSocket = Socket & { [FREE_SINCE]?: number };

type PoolHooks = {
  keepSocketAlive(socket: Socket): boolean;
};

/**
 * Closes an agent's connections that stay free (idle in the pool) for `idleMs`, so the pool never
 * reuses one a server is about to drop. A connection notes when it went free (one property write per
 * call) and one unref'd sweep, every quarter of `idleMs`, destroys those free too long: cheaper on the
 * hot path than a socket timeout armed and disarmed per call, and not the agent's own `timeout`
 * option, which stays on while a request is in flight and whose per-request timer bookkeeping cost
 * latency (measured: the rate-limiter isolation p95 doubled); our transport times requests itself.
 * Returns the agent and the function that stops the sweep.
 */
function closeWhenIdle<A extends http.Agent>(agent: A, idleMs: number): { agent: A; stop: () => void } {
  if (!(idleMs > 0)) return { agent, stop: () => {} };
  const hooks = agent as unknown as PoolHooks;
  const keep = hooks.keepSocketAlive.bind(agent);
  let sweep: ReturnType<typeof setInterval> | undefined;
  const stop = (): void => {
    clearInterval(sweep);
    sweep = undefined;
  };
  const sweepIdle = (): void => {
    const now = performance.now();
    let free = 0;
    for (const sockets of Object.values(agent.freeSockets)) {
      for (const socket of sockets ?? []) {
        if (now - ((socket as IdleSocket)[FREE_SINCE] ?? now) >= idleMs) socket.destroy();
        else free++;
      }
    }
    if (free === 0) stop(); // Nothing left to watch: the next free connection starts it again.
  };
  hooks.keepSocketAlive = (socket) => {
    const kept = keep(socket);
    if (kept) {
      (socket as IdleSocket)[FREE_SINCE] = performance.now();
      if (sweep === undefined) {
        sweep = setInterval(sweepIdle, Math.max(1, Math.floor(idleMs / 4)));
        sweep.unref();
      }
    }
    return kept;
  };
  return { agent, stop };
}

/**
 * An answer from node:http. Its headers are made into an object only when read: node:http parses
 * them lazily too, and most successful calls never look at one (a Slack client reads a header or two
 * on an error), so the hot path skips building and lower-casing every header line.
 */
class NodeResponse implements TransportResponse {
  readonly status: number;
  readonly body: Buffer;
  #res: http.IncomingMessage | undefined;
  #headers: Record<string, string | undefined> | undefined;

  constructor(res: http.IncomingMessage, body: Buffer) {
    this.status = res.statusCode ?? 0;
    this.body = body;
    this.#res = res;
  }

  get headers(): Record<string, string | undefined> {
    if (this.#headers === undefined) {
      // Node joins repeated headers with ", " already; only set-cookie stays a list.
      const out = this.#res!.headers as Record<string, string | string[] | undefined>;
      const cookies = out['set-cookie'];
      if (cookies !== undefined) out['set-cookie'] = Array.isArray(cookies) ? cookies.join(', ') : cookies;
      this.#headers = out as Record<string, string | undefined>;
      this.#res = undefined;
    }
    return this.#headers;
  }

  header(name: string): string | undefined {
    const res = this.#res;
    if (res === undefined) return this.#headers![name];
    // The raw lines, names as sent: one match is the value; a repeated header is left to node's
    // rules for joining or dropping repeats, through `headers`.
    const raw = res.rawHeaders;
    let found: string | undefined;
    for (let i = 0; i < raw.length; i += 2) {
      const line = raw[i]!;
      if (line.length !== name.length || line.toLowerCase() !== name) continue;
      if (found !== undefined) return this.headers[name];
      found = raw[i + 1];
    }
    return found;
  }
}

// The connection was closed under a request that had been written into it: a reset or broken pipe.
const CLOSED_UNDER_US = new Set(['ECONNRESET', 'EPIPE']);

export function nodeTransport(options: NodeTransportOptions = {}): Transport {
  const maxSockets = options.maxSockets ?? 64;
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE;
  const idleMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const pool = { keepAlive: true, maxSockets, scheduling: 'lifo' } as const;
  // https is loaded on the first https request: importing the client costs less, and a client that
  // only talks to a local emulator never loads TLS.
  const http = loadHttp();
  const Readable = loadReadable();
  const stops: (() => void)[] = [];
  const idleClosing = <A extends http.Agent>(agent: A): A => {
    const watched = closeWhenIdle(agent, idleMs);
    stops.push(watched.stop);
    return watched.agent;
  };
  const httpAgent = options.httpAgent ?? idleClosing(new http.Agent(pool));
  let httpsAgent = options.httpsAgent;

  return {
    send({ url, method, headers, body, timeoutMs, signal }) {
      return new Promise<TransportResponse>((resolve, reject) => {
        if (signal?.aborted) return reject(failure('aborted', signal.reason, false));
        const secure = url.protocol === 'https:';
        // One timer and at most one abort listener per request, and no AbortSignal handed to
        // node:http: on the hot path this is measurably cheaper than a controller per attempt.
        let settled = false;
        const settle = (err: RequestError | undefined, response?: TransportResponse): void => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          stopListening?.();
          if (err) reject(err);
          else resolve(response!);
        };
        // Only once the whole request has left us is a failure no proof that Slack did not act on it.
        let answered = false;
        const drop = (reason: FailureReason, err: unknown): void => {
          const written = req.writableFinished;
          // A pooled connection that the server closed while our request was still going into it,
          // before any answer: the server dropped it idle, and a request it never got whole it never
          // processed. (Once the request is all written, a reset is no proof: the server may have acted
          // on it and then failed, so only the retry rules for reads and never-sent calls apply.)
          const stale =
            reason === 'network' &&
            !written &&
            req.reusedSocket &&
            !answered &&
            CLOSED_UNDER_US.has(errorCode(err) ?? '');
          settle(failure(reason, err, written, stale));
          req.destroy();
        };
        const timer = setTimeout(() => drop('timeout', new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        const stopListening = signal && onAbort(signal, () => drop('aborted', signal.reason));
        let req: http.ClientRequest;
        // node:http frames a body by itself only for verbs that usually carry one; a DELETE (SCIM)
        // or GET with a body needs its length said, or the server reads the body as the next request.
        let sent = headers;
        if ((method === 'DELETE' || method === 'GET') && body !== undefined && !(body instanceof Readable)) {
          if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-length')) {
            sent = { ...headers, 'content-length': String(Buffer.byteLength(body)) };
          }
        }
        try {
          const lib = secure ? loadHttps() : http;
          if (secure) httpsAgent ??= idleClosing(new (lib as typeof https).Agent(pool));
          req = lib.request(
            {
              protocol: url.protocol,
              hostname: url.hostname,
              port: url.port,
              path: url.pathname + url.search,
              method,
              headers: sent,
              agent: secure ? httpsAgent : httpAgent,
            },
            (res) => {
              answered = true;
              const chunks: Buffer[] = [];
              let size = 0;
              res.on('data', (chunk: Buffer) => {
                size += chunk.length;
                if (size > maxBytes) return drop('body_too_large', new Error(`response over ${maxBytes} bytes`));
                chunks.push(chunk);
              });
              res.on('end', () => {
                if (!res.complete) return drop('network', new Error('response truncated'));
                settle(undefined, new NodeResponse(res, Buffer.concat(chunks, size)));
              });
              res.on('error', (err) => drop('network', err));
            },
          );
        } catch (err) {
          // Refused before anything was sent (an invalid header value, say).
          return settle(failure('network', err, false));
        }
        req.on('error', (err) => drop('network', err));
        if (body instanceof Readable) {
          body.on('error', (err) => req.destroy(err));
          body.pipe(req);
        } else {
          req.end(body);
        }
      });
    },
    close() {
      // Only the agents made here: one the caller passed in is the caller's to close.
      for (const stop of stops) stop();
      if (httpAgent !== options.httpAgent) httpAgent.destroy();
      if (httpsAgent !== options.httpsAgent) httpsAgent?.destroy();
    },
  };
}

// Connection errors that prove nothing was sent: nobody listened, or the name did not resolve.
export const NEVER_CONNECTED: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * A transport over any WHATWG `fetch` (Bun, Deno, Workers, or a test's in-process handler).
 * Redirects are never followed: a 3xx comes back as the answer (the client then reports an
 * HTTPError), because following one would re-send the body, tokens and all, to wherever the
 * `Location` points. The size cap is enforced while reading (after decompression), so a small
 * compressed answer cannot inflate into gigabytes first.
 */
export function fetchTransport(fetchImpl: typeof fetch, maxResponseBytes = DEFAULT_MAX_RESPONSE): Transport {
  const Readable = loadReadable();
  return {
    async send({ url, method, headers, body, timeoutMs, signal: outer }) {
      const signal = outer ? AbortSignal.any([outer, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs);
      const reasonOf = (): FailureReason => (outer?.aborted ? 'aborted' : signal.aborted ? 'timeout' : 'network');
      let response: Response;
      try {
        const init: RequestInit & { duplex?: 'half' } = { method, headers, signal, redirect: 'manual' };
        if (body instanceof Readable) {
          init.body = Readable.toWeb(body) as ReadableStream<Uint8Array>;
          init.duplex = 'half';
        } else if (body !== undefined) {
          init.body = body;
        }
        response = await fetchImpl(url, init);
      } catch (err) {
        // fetch cannot tell whether the request left, unless the connection itself was refused.
        const cause = (err as { cause?: unknown } | null)?.cause;
        const neverSent = reasonOf() === 'network' && NEVER_CONNECTED.has(errorCode(cause) ?? '');
        throw failure(reasonOf(), neverSent ? cause : err, !neverSent);
      }
      const buf = await readCapped(response, maxResponseBytes, reasonOf);
      const out: Record<string, string | undefined> = {};
      response.headers.forEach((v, k) => {
        out[k] = v;
      });
      return { status: response.status, headers: out, body: buf };
    },
    close() {},
  };
}

/** Reads a fetch body, failing with `body_too_large` the moment it passes `max` bytes. */
async function readCapped(response: Response, max: number, reasonOf: () => FailureReason): Promise<Buffer> {
  const tooLarge = () => failure('body_too_large', new Error(`response over ${max} bytes`), true);
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > max) {
    await response.body?.cancel().catch(() => {});
    throw tooLarge();
  }
  if (response.body === null) return Buffer.alloc(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > max) {
        await reader.cancel().catch(() => {});
        throw tooLarge();
      }
      chunks.push(value);
    }
  } catch (err) {
    if (err instanceof RequestError) throw err;
    throw failure(reasonOf(), err, true);
  }
  return Buffer.concat(chunks, size);
}
