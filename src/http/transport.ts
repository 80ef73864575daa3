// The transport sends one HTTP request and returns the whole answer. Nothing else: retries,
// timeouts, rate limits and Slack's `ok` live in layers above it.
//
// The default is node:http(s) with keep-alive agents: on Node 20 it runs several times faster than
// the built-in fetch at a fraction of the CPU (see bench/). `fetchTransport` serves other runtimes.
import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { onAbort } from './abort.js';
import { RequestError } from './errors.js';

export type Body = string | Uint8Array | Readable;

export interface TransportRequest {
  url: URL;
  method: 'GET' | 'POST';
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
}

export interface Transport {
  send(request: TransportRequest): Promise<TransportResponse>;
  /** Frees pooled connections. */
  close(): void;
}

export interface NodeTransportOptions {
  /** Connections kept per host (default 64). */
  maxSockets?: number;
  /** Largest response body accepted (default 64 MiB); a larger one fails with `body_too_large`. */
  maxResponseBytes?: number;
  /** Your own agents (proxies, TLS settings). */
  httpAgent?: http.Agent;
  httpsAgent?: https.Agent;
}

const DEFAULT_MAX_RESPONSE = 64 * 1024 * 1024;

type FailureReason = 'network' | 'aborted' | 'timeout' | 'body_too_large';

function failure(reason: FailureReason, err: unknown, written: boolean): RequestError {
  const code = (err as { code?: unknown } | null)?.code;
  const detail = typeof code === 'string' ? code : err instanceof Error ? err.message : String(err);
  return new RequestError(reason, detail, written, { cause: err });
}

export function nodeTransport(options: NodeTransportOptions = {}): Transport {
  const maxSockets = options.maxSockets ?? 64;
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE;
  const httpAgent = options.httpAgent ?? new http.Agent({ keepAlive: true, maxSockets, scheduling: 'lifo' });
  const httpsAgent = options.httpsAgent ?? new https.Agent({ keepAlive: true, maxSockets, scheduling: 'lifo' });

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
        const drop = (reason: FailureReason, err: unknown): void => {
          settle(failure(reason, err, req.writableFinished));
          req.destroy();
        };
        const timer = setTimeout(() => drop('timeout', new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        const stopListening = signal && onAbort(signal, () => drop('aborted', signal.reason));
        let req: http.ClientRequest;
        try {
          req = (secure ? https : http).request(
            {
              protocol: url.protocol,
              hostname: url.hostname,
              port: url.port,
              path: url.pathname + url.search,
              method,
              headers,
              agent: secure ? httpsAgent : httpAgent,
            },
            (res) => {
              const chunks: Buffer[] = [];
              let size = 0;
              res.on('data', (chunk: Buffer) => {
                size += chunk.length;
                if (size > maxBytes) return drop('body_too_large', new Error(`response over ${maxBytes} bytes`));
                chunks.push(chunk);
              });
              res.on('end', () => {
                if (!res.complete) return drop('network', new Error('response truncated'));
                // Node joins repeated headers with ", " already; only set-cookie stays a list.
                const out = res.headers as Record<string, string | string[] | undefined>;
                const cookies = out['set-cookie'];
                if (cookies !== undefined) out['set-cookie'] = Array.isArray(cookies) ? cookies.join(', ') : cookies;
                const responseHeaders = out as Record<string, string | undefined>;
                settle(undefined, {
                  status: res.statusCode ?? 0,
                  headers: responseHeaders,
                  body: Buffer.concat(chunks, size),
                });
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
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

/** A transport over any WHATWG `fetch` (Bun, Deno, Workers, or a test's in-process handler). */
export function fetchTransport(fetchImpl: typeof fetch, maxResponseBytes = DEFAULT_MAX_RESPONSE): Transport {
  return {
    async send({ url, method, headers, body, timeoutMs, signal: outer }) {
      const signal = outer ? AbortSignal.any([outer, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs);
      const reasonOf = (): FailureReason => (outer?.aborted ? 'aborted' : signal.aborted ? 'timeout' : 'network');
      let response: Response;
      try {
        const init: RequestInit & { duplex?: 'half' } = { method, headers, signal };
        if (body instanceof Readable) {
          init.body = Readable.toWeb(body) as ReadableStream<Uint8Array>;
          init.duplex = 'half';
        } else if (body !== undefined) {
          init.body = body;
        }
        response = await fetchImpl(url, init);
      } catch (err) {
        // fetch cannot tell whether the request left: assume it may have.
        throw failure(reasonOf(), err, true);
      }
      let buf: Buffer;
      try {
        buf = Buffer.from(await response.arrayBuffer());
      } catch (err) {
        throw failure(reasonOf(), err, true);
      }
      if (buf.length > maxResponseBytes) throw failure('body_too_large', new Error('response too large'), true);
      const out: Record<string, string | undefined> = {};
      response.headers.forEach((v, k) => {
        out[k] = v;
      });
      return { status: response.status, headers: out, body: buf };
    },
    close() {},
  };
}
