// Serves the emulator on node:http. Requests are wrapped, not converted: the body stays the
// IncomingMessage stream, so the hot path builds no web Request and uploads stream straight through.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { EmulatorContext } from '../context.js';
import { hostName } from '../model/hosts.js';
import { handle } from './router.js';
import { type EmuRequest, type Outcome, writableOutcome } from './transport.js';

function wrap(req: IncomingMessage, fallbackHost: string): EmuRequest {
  const raw = req.url ?? '/';
  const q = raw.indexOf('?');
  // Answers carry URLs built on Host, so a Host that is not a plain authority is not used.
  const given = req.headers.host;
  const host = given !== undefined && hostName(given) !== undefined ? given : fallbackHost;
  return {
    method: req.method ?? 'GET',
    path: q < 0 ? raw : raw.slice(0, q),
    query: q < 0 ? '' : raw.slice(q + 1),
    header: (name) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value.join(', ') : value;
    },
    body: req,
    transport: 'socket',
    baseUrl: `http://${host}/`,
  };
}

function write(given: Outcome, req: IncomingMessage, res: ServerResponse): void {
  const outcome = writableOutcome(given);
  switch (outcome.kind) {
    case 'hang':
      // Never answer; close() destroys the socket.
      return;
    case 'drop':
      req.socket.destroy();
      return;
    case 'truncated':
      res.writeHead(outcome.status, { ...outcome.headers, 'content-length': String(outcome.declaredLength) });
      res.write(outcome.body, () => req.socket.destroy());
      return;
    case 'reply': {
      const body = outcome.body;
      const length = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
      res.writeHead(outcome.status, { ...outcome.headers, 'content-length': String(length) });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
  }
}

/** Takes over an HTTP upgrade (Socket Mode's WebSocket); answers false when the path is not its own. */
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean;

export interface Listening {
  server: Server;
  port: number;
  /** Adds a handler for upgrade requests; the first that answers true owns the socket. */
  onUpgrade(handler: UpgradeHandler): void;
  close(): Promise<void>;
}

/** Deadlines: the whole request (headers and body) must arrive in time; a slow sender cannot hold a socket. */
export const REQUEST_TIMEOUT_MS = 120_000;
export const HEADERS_TIMEOUT_MS = 20_000;

function deadlines(requestMs: number) {
  return {
    requestTimeout: requestMs,
    headersTimeout: Math.min(HEADERS_TIMEOUT_MS, requestMs),
    // Node checks the deadlines on this interval (30 s by default): a fraction of the deadline keeps them honest.
    connectionsCheckingInterval: Math.max(50, Math.min(30_000, Math.floor(requestMs / 4))),
  };
}

export async function listen(
  core: EmulatorContext,
  port: number,
  host: string,
  requestTimeoutMs = REQUEST_TIMEOUT_MS,
): Promise<Listening> {
  // Only HTTP/1.0 clients omit Host; they get the address the server is bound to.
  let fallbackHost = host;
  const upgrades: UpgradeHandler[] = [];
  const server = createServer({ keepAliveTimeout: 10_000, ...deadlines(requestTimeoutMs) }, (req, res) => {
    // Unread request bodies and client aborts must not surface as unhandled errors.
    req.on('error', () => {});
    res.on('error', () => {});
    handle(core, wrap(req, fallbackHost)).then(
      (outcome) => write(outcome, req, res),
      () => req.socket.destroy(),
    );
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {});
    for (const handler of upgrades) if (handler(req, socket, head)) return;
    // Not a Socket Mode connect (the only upgrade served): refuse plainly.
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
  server.on('clientError', (error: Error & { code?: string }, socket) => {
    const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  fallbackHost = `${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  return {
    server,
    port: address.port,
    onUpgrade: (handler) => {
      upgrades.push(handler);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
