// Serves the emulator on node:http. Requests are wrapped, not converted: the body stays the
// IncomingMessage stream, so the hot path builds no web Request and uploads stream straight through.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EmulatorContext } from '../context.js';
import { handle } from './router.js';
import type { EmuRequest, Outcome } from './transport.js';

function wrap(req: IncomingMessage, fallbackHost: string): EmuRequest {
  const raw = req.url ?? '/';
  const q = raw.indexOf('?');
  const host = req.headers.host ?? fallbackHost;
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

function write(outcome: Outcome, req: IncomingMessage, res: ServerResponse): void {
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

export interface Listening {
  server: Server;
  port: number;
  close(): Promise<void>;
}

export async function listen(core: EmulatorContext, port: number, host: string): Promise<Listening> {
  // Only HTTP/1.0 clients omit Host; they get the address the server is bound to.
  let fallbackHost = host;
  const server = createServer({ keepAliveTimeout: 10_000, requestTimeout: 0 }, (req, res) => {
    // Unread request bodies and client aborts must not surface as unhandled errors.
    req.on('error', () => {});
    res.on('error', () => {});
    handle(core, wrap(req, fallbackHost)).then(
      (outcome) => write(outcome, req, res),
      () => req.socket.destroy(),
    );
  });
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
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
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
