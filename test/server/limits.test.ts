// Slow and flooding clients against a real `startServer`: 200 connections that each send a
// nearly-complete 1 MiB body and stall (the attack that took serve from 53 to 280 MiB for Node's
// default 300 s), a client that never finishes its headers, a body past the limit without a
// Content-Length, and more connections than the cap.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer } from '../../src/server/index.js';
import { DEFAULT_MAX_PENDING_BODY_BYTES } from '../../src/server/node.js';

const MiB = 1024 * 1024;

interface Child {
  child: ChildProcess;
  port: number;
  mem(): Promise<number>;
}

async function spawnServer(): Promise<Child> {
  const child = spawn(process.execPath, ['--expose-gc', join(import.meta.dirname, 'slow-body-server.js')], {
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  const lines: Interface = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const nextLine = () =>
    new Promise<Record<string, number>>((resolve) => lines.once('line', (l) => resolve(JSON.parse(l))));
  const { port } = await nextLine();
  return {
    child,
    port: port as number,
    mem: async () => {
      const answer = nextLine();
      child.stdin?.write('mem\n');
      const { heapUsed, external } = await answer;
      return (heapUsed as number) + (external as number);
    },
  };
}

/** A connection that sends `head`, then `body` bytes, then stalls; resolves `closed` with the time it was closed. */
function stall(port: number, head: string, bodyBytes: number) {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => {});
  socket.resume(); // discard whatever the server answers
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now())));
  socket.write(head);
  if (bodyBytes > 0) socket.write(Buffer.alloc(bodyBytes, 0x20));
  return { socket, closed };
}

const eventsHead = (length: number) =>
  'POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
  `X-Slack-Request-Timestamp: ${Math.floor(Date.now() / 1000)}\r\nX-Slack-Signature: v0=${'0'.repeat(64)}\r\n` +
  `Content-Length: ${length}\r\n\r\n`;

test('200 stalled 1 MiB bodies: memory stays far below 1 MiB per connection and every connection is closed in seconds', {
  timeout: 120_000,
}, async (t) => {
  const server = await spawnServer();
  try {
    const before = await server.mem();
    const started = Date.now();
    const bodies = Array.from({ length: 200 }, () => stall(server.port, eventsHead(MiB), MiB - 1));
    const headers = stall(server.port, 'POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\n', 0);
    await sleep(3_000); // every byte that the server accepts has arrived by now
    const growth = (await server.mem()) - before;
    // The bug held ~200 MiB here (a whole body per connection); the fix holds at most its body budget
    // (32 MiB), plus what 200 connections themselves take.
    const bound = DEFAULT_MAX_PENDING_BODY_BYTES + 16 * MiB;
    assert.ok(growth < bound, `server memory grew by ${Math.round(growth / MiB)} MiB with 200 stalled bodies`);
    // The bug kept them for Node's 300 s request timeout (60 s for headers); now it is seconds.
    const deadline = new Promise<number>((resolve) => {
      setTimeout(() => resolve(Number.POSITIVE_INFINITY), 45_000).unref();
    });
    const closedAt = await Promise.all([...bodies, headers].map((c) => Promise.race([c.closed, deadline])));
    const slowest = Math.max(...closedAt) - started;
    assert.ok(slowest < 30_000, `a stalled connection stayed open ${Math.round(slowest / 1000)} s`);
    t.diagnostic(`memory growth ${(growth / MiB).toFixed(1)} MiB; last connection closed after ${slowest} ms`);
    const health = await fetch(`http://127.0.0.1:${server.port}/healthz`);
    assert.equal(health.status, 200, 'the server still answers afterwards');
  } finally {
    server.child.kill('SIGTERM');
    await new Promise((resolve) => server.child.once('exit', resolve));
  }
});

test('a body past the limit without Content-Length is refused (413) as the bytes arrive', async () => {
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    limits: { maxBodyBytes: 64 * 1024 },
    env: { SLACK_BOT_TOKEN: 'xoxb-canary-limits', SLACK_SIGNING_SECRET: 'canary-signing-secret-limits' },
  });
  try {
    for (const path of ['/slack/events', '/healthz']) {
      const socket = net.connect(server.port, '127.0.0.1');
      socket.on('error', () => {});
      let answer = '';
      socket.on('data', (d: Buffer) => {
        answer += d.toString('latin1');
      });
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.write(`POST ${path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n`);
      const chunk = Buffer.alloc(16 * 1024, 0x20);
      let sent = 0;
      // Keep sending until the server has answered and closed (at most 64 MiB: the bug is unbounded).
      while (!socket.destroyed && socket.writable && sent < 64 * MiB && answer === '') {
        socket.write(`${chunk.length.toString(16)}\r\n`);
        socket.write(chunk);
        socket.write('\r\n');
        sent += chunk.length;
        await sleep(1);
      }
      await Promise.race([closed, sleep(5_000)]);
      if (path === '/slack/events')
        assert.match(answer, /^HTTP\/1\.1 413 /, `${path}: ${answer.slice(0, 200)} after ${sent}`);
      assert.ok(socket.destroyed, `${path}: the connection was left open after the limit`);
      assert.ok(sent < 8 * MiB, `${path}: ${sent} bytes were read before the refusal`);
    }
  } finally {
    await server.close();
  }
});

test('connections past the cap are closed as they arrive', async () => {
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    limits: { maxConnections: 5 },
    env: { SLACK_BOT_TOKEN: 'xoxb-canary-limits' },
  });
  try {
    const sockets = Array.from({ length: 8 }, () => stall(server.port, '', 0));
    await sleep(500);
    const closed = sockets.filter((s) => s.socket.destroyed || s.socket.closed).length;
    assert.equal(closed, 3);
    for (const s of sockets) s.socket.destroy();
  } finally {
    await server.close();
  }
});
