// The transport sends one HTTP request and returns the whole answer. Nothing else: retries,
// timeouts, rate limits and Slack's `ok` live in layers above it.
//
// The default is node:http(s) with keep-alive agents: on Node 20 it runs several times faster than
// the built-in fetch at a fraction of the CPU (see bench/). `fetchTransport` serves other runtimes.
import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { RequestError } from './errors.js';

export type Body = string | Uint8Array | Readable;

export interface TransportRequest {
  url: URL;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: Body;
  /** Fires on the attempt's timeout, the call's deadline or the caller's abort. */
  signal: AbortSignal;
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

function failure(reason: 'network' | 'aborted' | 'body_too_large', err: unknown, written: boolean): RequestError {
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
    send({ url, method, headers, body, signal }) {
      return new Promise<TransportResponse>((resolve, reject) => {
        const secure = url.protocol === 'https:';
        // "written" turns true once the whole request left us: only before that is a failure
        // proof that Slack cannot have acted on it.
        let written = false;
        let settled = false;
        const fail = (e: RequestError): void => {
          if (settled) return;
          settled = true;
          reject(e);
        };
        if (signal.aborted) return fail(failure('aborted', signal.reason, false));
        const req = (secure ? https : http).request(
          {
            protocol: url.protocol,
            hostname: url.hostname,
            port: url.port,
            path: url.pathname + url.search,
            method,
            headers,
            agent: secure ? httpsAgent : httpAgent,
            signal,
          },
          (res) => {
            const chunks: Buffer[] = [];
            let size = 0;
            res.on('data', (chunk: Buffer) => {
              size += chunk.length;
              if (size > maxBytes) {
                res.destroy();
                fail(failure('body_too_large', new Error(`response over ${maxBytes} bytes`), true));
                return;
              }
              chunks.push(chunk);
            });
            res.on('end', () => {
              if (settled) return;
              if (!res.complete) return fail(failure('network', new Error('response truncated'), true));
              settled = true;
              const out: Record<string, string | undefined> = {};
              for (const [k, v] of Object.entries(res.headers)) out[k] = Array.isArray(v) ? v.join(', ') : v;
              resolve({ status: res.statusCode ?? 0, headers: out, body: Buffer.concat(chunks, size) });
            });
            res.on('error', (err) => fail(failure(signal.aborted ? 'aborted' : 'network', err, true)));
            res.on('aborted', () => fail(failure('network', new Error('response truncated'), true)));
          },
        );
        req.on('finish', () => {
          written = true;
        });
        req.on('error', (err) => fail(failure(signal.aborted ? 'aborted' : 'network', err, written)));
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
    async send({ url, method, headers, body, signal }) {
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
        throw failure(signal.aborted ? 'aborted' : 'network', err, true);
      }
      let buf: Buffer;
      try {
        buf = Buffer.from(await response.arrayBuffer());
      } catch (err) {
        throw failure(signal.aborted ? 'aborted' : 'network', err, true);
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
