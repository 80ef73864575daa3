// The node adapter hands the events handler the node request itself (no WHATWG Request in between):
// what the handler reads of it must be what a Request would have given. Headers are read from the raw
// header list as `Headers.get` reads them, repeats joined with ", ", so a signature sent twice is
// refused exactly as on the web path, and a body is read whole under the same limits.
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { signSlackRequest } from '../../src/events/verify.js';
import { startServer } from '../../src/server/index.js';

const SECRET = 'canary-signing-secret-raw';

/** Sends one raw HTTP/1.1 request and resolves with the status line's code. */
function send(port: number, head: string[], body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (d: Buffer) => {
      answer += d.toString('latin1');
      if (answer.includes('\r\n\r\n')) {
        socket.destroy();
        resolve(Number(answer.slice(9, 12)));
      }
    });
    socket.on('error', reject);
    socket.write(`${head.join('\r\n')}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  });
}

test('through serve, the events handler reads repeated headers as a Request would, and a split body whole', async () => {
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    env: { SLACK_BOT_TOKEN: 'xoxb-canary-raw', SLACK_SIGNING_SECRET: SECRET, SLACKLINE_DATABASE_URL: 'memory:' },
  });
  try {
    const ts = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ type: 'url_verification', challenge: 'raw-canary' });
    const signature = signSlackRequest(SECRET, ts, body);
    const head = [
      'POST /slack/events HTTP/1.1',
      'Host: x',
      'Content-Type: application/json',
      `X-Slack-Request-Timestamp: ${ts}`,
    ];
    assert.equal(await send(server.port, [...head, `X-Slack-Signature: ${signature}`], body), 200, 'signed once');
    assert.equal(
      await send(server.port, [...head, `X-Slack-Signature: ${signature}`, `x-slack-signature: ${signature}`], body),
      401,
      'the signature twice is "v0=..., v0=...": malformed, as Headers.get gives it',
    );
    // A body that arrives in pieces is verified whole.
    const split = await new Promise<number>((resolve, reject) => {
      const socket = net.connect(server.port, '127.0.0.1');
      socket.on('data', (d: Buffer) => {
        socket.destroy();
        resolve(Number(d.toString('latin1').slice(9, 12)));
      });
      socket.on('error', reject);
      socket.write(
        `${[...head, `X-Slack-Signature: ${signature}`].join('\r\n')}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 10)}`,
      );
      setTimeout(() => socket.write(body.slice(10)), 50);
    });
    assert.equal(split, 200, 'a body in two packets');
  } finally {
    await server.close();
  }
});
