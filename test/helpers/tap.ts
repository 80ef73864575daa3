// A TCP tap: a proxy in a worker thread, in front of a local server, that notes when each chunk
// passed and which way. It runs on its own event loop, so it sees bytes the moment they are written,
// also while the test's thread is busy (a test can tell "flushed during a long turn" from "flushed
// at its end"). `holdMs` holds the server's bytes that long and passes them on in one write, so that
// the client reads a burst at once.
import { Worker } from 'node:worker_threads';

export interface Chunk {
  /** performance.timeOrigin + performance.now() when the tap read it (comparable across threads). */
  at: number;
  /** 'up': client to server; 'down': server to client. */
  way: 'up' | 'down';
  bytes: number;
}

export interface Tap {
  port: number;
  /** Every chunk so far. */
  chunks(): Promise<Chunk[]>;
  close(): Promise<void>;
}

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const net = require('node:net');
const chunks = [];
const now = () => performance.timeOrigin + performance.now();
const server = net.createServer((client) => {
  client.setNoDelay(true);
  const upstream = net.connect(workerData.port, '127.0.0.1');
  upstream.setNoDelay(true);
  let held = [];
  client.on('data', (data) => {
    chunks.push({ at: now(), way: 'up', bytes: data.length });
    upstream.write(data);
  });
  upstream.on('data', (data) => {
    chunks.push({ at: now(), way: 'down', bytes: data.length });
    if (workerData.holdMs === 0) return void client.write(data);
    held.push(data);
    if (held.length === 1) setTimeout(() => { client.write(Buffer.concat(held)); held = []; }, workerData.holdMs);
  });
  const end = () => { client.destroy(); upstream.destroy(); };
  client.on('close', end); upstream.on('close', end);
  client.on('error', end); upstream.on('error', end);
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', () => parentPort.postMessage({ chunks }));
`;

/** Starts a tap in front of 127.0.0.1:`port`. */
export async function startTap(port: number, options: { holdMs?: number } = {}): Promise<Tap> {
  const worker = new Worker(WORKER, { eval: true, workerData: { port, holdMs: options.holdMs ?? 0 } });
  const next = <T>(): Promise<T> => new Promise((resolve) => worker.once('message', resolve));
  const { port: tapPort } = await next<{ port: number }>();
  return {
    port: tapPort,
    async chunks() {
      const answer = next<{ chunks: Chunk[] }>();
      worker.postMessage('chunks');
      return (await answer).chunks;
    },
    async close() {
      await worker.terminate();
    },
  };
}

/** Keeps this thread busy for `ms` (a listener or a Slack side doing slow synchronous work). */
export function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin
  }
}
