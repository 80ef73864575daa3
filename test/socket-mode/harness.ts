// A local Slack for the Socket Mode client: `apps.connections.open` over real HTTP and the emulator's
// Socket Mode server over real WebSockets, on one loopback port.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as ws from 'ws';
import { SocketModeServer } from '../../src/emulator/socket-mode/server.js';

export const APP_ID = 'A0SOCKET01';
/** An obvious canary: the harness only compares it. */
export const APP_TOKEN = 'xapp-1-A0SOCKET01-canary-not-a-token';

export interface SocketSlack {
  apiUrl: string;
  server: SocketModeServer;
  /** apps.connections.open calls answered so far (any outcome). */
  opens: number;
  /** The next `n` apps.connections.open calls answer this HTTP status (429 with Retry-After: 1). */
  failOpens(n: number, status: number): void;
  close(): Promise<void>;
}

export async function socketSlack(
  options: { ackTimeoutMs?: number; warningGraceMs?: number } = {},
): Promise<SocketSlack> {
  const server = new SocketModeServer({
    ws,
    now: () => performance.timeOrigin + performance.now(),
    scale: () => 1,
    ...options,
  });
  let failures: { left: number; status: number } = { left: 0, status: 500 };
  const state = { opens: 0 };
  const http = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url !== '/api/apps.connections.open') {
        res.writeHead(404).end();
        return;
      }
      state.opens++;
      if (failures.left > 0) {
        failures.left--;
        res.writeHead(failures.status, { 'content-type': 'application/json', 'retry-after': '1' });
        res.end(JSON.stringify({ ok: false, error: failures.status === 429 ? 'ratelimited' : 'fatal_error' }));
        return;
      }
      const ok = req.headers.authorization === `Bearer ${APP_TOKEN}`;
      const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}/`;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(ok ? { ok: true, url: server.mint(APP_ID, base) } : { ok: false, error: 'invalid_auth' }));
    });
  });
  http.on('upgrade', (req, socket, head) => {
    if (!server.upgrade(req, socket, head)) socket.destroy();
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const port = (http.address() as AddressInfo).port;
  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    server,
    get opens() {
      return state.opens;
    },
    failOpens(n, status) {
      failures = { left: n, status };
    },
    close: async () => {
      server.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** Resolves when `predicate` holds, polling every 5 ms; rejects after `timeoutMs`. */
export async function until(predicate: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const start = performance.now();
  while (!predicate()) {
    if (performance.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
