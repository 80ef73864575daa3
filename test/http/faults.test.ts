// The HTTP core's fault fixes, each against a real node:http server on loopback: Retry-After that
// would overflow a timer, redirects and decompression bombs through fetch, a secret across the
// snippet cut, retries per verb, stale keep-alive connections and the idle timeout.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { createGzip } from 'node:zlib';
import type { CallSpec } from '../../src/http/call.js';
import { MAX_TIMER_MS, sleep, systemClock } from '../../src/http/clock.js';
import type { RetryEvent } from '../../src/http/core.js';
import { HttpCore } from '../../src/http/core.js';
import { HTTPError, RateLimitedError, RequestError } from '../../src/http/errors.js';
import { Redactor } from '../../src/http/redact.js';
import type { HttpMethod } from '../../src/http/retry.js';
import { retryServerErrors } from '../../src/http/retry-handlers.js';
import { slackCore } from '../../src/http/slack-defaults.js';
import { fetchTransport, nodeTransport, type TransportResponse } from '../../src/http/transport.js';
import { WebClient } from '../../src/web/client.js';

interface Server {
  url: string;
  server: http.Server;
  seen: { method: string; url: string; body: string; port: number }[];
  close(): Promise<void>;
}

async function serve(handler: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<Server> {
  const seen: Server['seen'] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      seen.push({ method: req.method ?? '', url: req.url ?? '', body, port: req.socket.remotePort ?? 0 });
    });
    handler(req, res);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    server,
    seen,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const ok = (core: HttpCore, method: string) => (r: TransportResponse) => {
  if (r.status < 200 || r.status >= 300) throw core.httpError(method, r);
  return r.body.toString();
};

function spec(url: string, extra: Partial<CallSpec> = {}): CallSpec {
  return { method: 'test.call', url: new URL(url), httpMethod: 'POST', headers: {}, body: () => 'x', ...extra };
}

/** Counts process warnings (TimeoutOverflowWarning...) while `fn` runs. */
async function warningsDuring(fn: () => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  const listener = (w: Error) => seen.push(w.name);
  process.on('warning', listener);
  try {
    await fn();
    await new Promise((r) => setTimeout(r, 50));
  } finally {
    process.off('warning', listener);
  }
  return seen;
}

describe('Retry-After that no timer can hold', () => {
  let s: Server;
  before(async () => {
    s = await serve((req, res) => {
      req.resume();
      const wait = req.url?.includes('huge') ? '1000000000000' : req.url?.includes('long') ? '200' : '30';
      req.on('end', () =>
        res
          .writeHead(429, { 'retry-after': wait, 'content-type': 'application/json' })
          .end('{"ok":false,"error":"ratelimited"}'),
      );
    });
  });
  after(() => s.close());

  it('10^12 seconds fails at once with RateLimitedError, limiter on, without timer warnings', {
    timeout: 20_000,
  }, async () => {
    const client = new WebClient('xoxb-canary-retry-after', { slackApiUrl: `${s.url}huge/` });
    const t0 = performance.now();
    const warnings = await warningsDuring(async () => {
      await assert.rejects(
        client.conversations.list(),
        (e: unknown) => e instanceof RateLimitedError && e.retryAfter === 1e12,
      );
    });
    assert.ok(performance.now() - t0 < 5_000, 'failed at once');
    assert.deepEqual(warnings, []);
    client.close();
  });

  it('the same through a bare Slack-defaults core (no limiter)', { timeout: 20_000 }, async () => {
    const core = slackCore();
    const warnings = await warningsDuring(async () => {
      await assert.rejects(core.call(spec(`${s.url}huge`, { read: true }), ok(core, 'test.call')), RateLimitedError);
    });
    assert.deepEqual(warnings, []);
    core.close();
  });

  it('a Retry-After over the cap (120 s) but inside the deadline fails at once', { timeout: 20_000 }, async () => {
    const core = slackCore();
    const t0 = performance.now();
    await assert.rejects(
      core.call(spec(`${s.url}long`, { read: true }), ok(core, 'test.call')),
      (e: unknown) => e instanceof RateLimitedError && e.retryAfter === 200,
    );
    assert.ok(performance.now() - t0 < 2_000);
    core.close();
  });

  it('a Retry-After past the deadline fails at once', async () => {
    const core = slackCore({ deadlineMs: 5_000 });
    const t0 = performance.now();
    await assert.rejects(core.call(spec(`${s.url}short`, { read: true }), ok(core, 'test.call')), RateLimitedError);
    assert.ok(performance.now() - t0 < 2_000);
    assert.equal(s.seen.filter((r) => r.url === '/short').length, 1, 'no retry');
    core.close();
  });

  it('sleep() waits past 2^31-1 ms without firing early, and still aborts', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const warnings = await warningsDuring(async () => {
      await assert.rejects(sleep(systemClock, MAX_TIMER_MS + 10_000, controller.signal, 'test'), { reason: 'aborted' });
    });
    assert.deepEqual(warnings, []);
  });
});

describe('fetch transport', () => {
  let origin: Server;
  let elsewhere: Server;
  before(async () => {
    elsewhere = await serve((req, res) => req.on('end', () => res.end('stolen')).resume());
    origin = await serve((req, res) => {
      req.resume();
      if (req.url === '/redirect') {
        return void req.on('end', () => res.writeHead(307, { location: `${elsewhere.url}steal` }).end());
      }
      if (req.url === '/bomb') {
        // An endless gzip stream of zeros: tiny on the wire, unbounded once inflated.
        res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'application/json' });
        const zeros = Buffer.alloc(1 << 20);
        const endless = new Readable({ read: () => void endless.push(zeros) });
        const gzip = createGzip();
        endless.pipe(gzip).pipe(res);
        res.on('close', () => endless.destroy());
        return;
      }
      res.end('ok');
    });
  });
  after(async () => {
    await origin.close();
    await elsewhere.close();
  });

  it('never follows a redirect: the body (refresh token and all) stays home', async () => {
    const core = new HttpCore({ transport: fetchTransport(fetch) });
    const body = 'grant_type=refresh_token&refresh_token=canary-refresh';
    await assert.rejects(
      core.call(spec(`${origin.url}redirect`, { body: () => body }), ok(core, 'oauth.v2.access')),
      (e: unknown) => e instanceof HTTPError && e.status === 307,
    );
    assert.equal(elsewhere.seen.length, 0, 'the other origin got nothing');
  });

  it('enforces the response cap while reading, after decompression', { timeout: 20_000 }, async () => {
    const core = new HttpCore({ transport: fetchTransport(fetch, 1 << 20), timeoutMs: 10_000 });
    await assert.rejects(
      core.call(spec(`${origin.url}bomb`, { httpMethod: 'GET', body: undefined }), ok(core, 'test.call')),
      (e: unknown) => e instanceof RequestError && e.reason === 'body_too_large',
    );
  });
});

describe('snippets and verbs', () => {
  let s: Server;
  const secret = `shapeless-canary-${'s'.repeat(40)}`;
  before(async () => {
    s = await serve((req, res) => {
      req.resume();
      req.on('end', () => {
        if (req.url === '/straddle') {
          // The secret starts 20 characters before the 512-character snippet cut.
          return void res.writeHead(502, { 'content-type': 'text/html' }).end(`${'a'.repeat(492)}${secret} tail`);
        }
        const n = s.seen.filter((r) => r.url === req.url).length;
        if (n < 3) return void res.writeHead(503).end('busy');
        res.end('done');
      });
    });
  });
  after(() => s.close());

  it('redacts a secret that straddles the snippet cut before cutting', async () => {
    const redactor = new Redactor();
    redactor.addSecret(secret);
    const core = new HttpCore({ redactor });
    const err = await core.call(spec(`${s.url}straddle`), ok(core, 'test.call')).catch((e: unknown) => e);
    assert.ok(err instanceof HTTPError);
    assert.ok(!err.bodySnippet.includes(secret.slice(0, 12)), err.bodySnippet.slice(480));
    assert.ok(err.bodySnippet.includes('[REDACTED]'), err.bodySnippet.slice(480));
    core.close();
  });

  const verbs: [HttpMethod, boolean][] = [
    ['GET', true],
    ['PUT', true],
    ['DELETE', true],
    ['POST', false],
    ['PATCH', false],
  ];
  for (const [verb, repeatable] of verbs) {
    it(`${verb} after two 503s: ${repeatable ? 'retried to success' : 'not repeated (may have been received)'}`, async () => {
      const core = new HttpCore({ retryHandlers: [retryServerErrors({ baseMs: 5 })] });
      const path = `${s.url}verb-${verb}`;
      const call = core.call(
        spec(path, { httpMethod: verb, body: verb === 'GET' ? undefined : () => 'x' }),
        ok(core, 'test.call'),
      );
      if (repeatable) assert.equal(await call, 'done');
      else await assert.rejects(call, (e: unknown) => e instanceof HTTPError && e.status === 503);
      const seen = s.seen.filter((r) => r.url === `/verb-${verb}`);
      assert.equal(seen.length, repeatable ? 3 : 1);
      assert.ok(seen.every((r) => r.method === verb));
      core.close();
    });
  }
});

describe('keep-alive connections', () => {
  it('a pooled connection closes itself after the idle timeout', async () => {
    let closed = 0;
    const s = await serve((req, res) => req.on('end', () => res.end('ok')).resume());
    s.server.on('connection', (socket) => socket.on('close', () => closed++));
    const core = new HttpCore({ transport: nodeTransport({ idleTimeoutMs: 100 }) });
    try {
      await core.call(spec(s.url), ok(core, 'test.call'));
      await new Promise((r) => setTimeout(r, 1_000));
      assert.equal(closed, 1, 'the client closed the idle connection');
    } finally {
      core.transport.close();
      s.server.closeAllConnections();
      await s.close();
    }
  });

  it("closing the transport leaves an agent the caller passed in open: it is the caller's to close", async () => {
    let closed = 0;
    const s = await serve((req, res) => req.on('end', () => res.end('ok')).resume());
    s.server.on('connection', (socket) => socket.on('close', () => closed++));
    const agent = new http.Agent({ keepAlive: true });
    const core = new HttpCore({ transport: nodeTransport({ httpAgent: agent }) });
    try {
      await core.call(spec(s.url), ok(core, 'test.call'));
      core.transport.close();
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(closed, 0, "the pooled connection of the caller's agent is still open");
      assert.equal(Object.values(agent.freeSockets).flat().length, 1);
      agent.destroy();
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(closed, 1, 'the caller closes it');
    } finally {
      agent.destroy();
      s.server.closeAllConnections();
      await s.close();
    }
  });

  // node:http only: undici hands a body to the socket whole, so it cannot prove a write unfinished
  // (undici-transport.ts); there the race is avoided by closing idle connections first.
  it('a write that meets a connection the server closed, before it was all sent, is retried at once (node:http)', async () => {
    const sockets = new Set<unknown>();
    // The second request on a connection is reset as soon as its headers arrive (an idle close
    // racing our write); a request on a new connection is answered.
    const s = await serve((req, res) => {
      if (sockets.has(req.socket)) return void req.socket.resetAndDestroy();
      sockets.add(req.socket);
      req.on('end', () => res.end('ok')).resume();
    });
    const transport = nodeTransport();
    const core = slackCore({ transport });
    const retries: RetryEvent[] = [];
    core.events.on('retry', (e) => retries.push(e));
    await core.call(spec(s.url), ok(core, 'test.call'));
    // Large enough that the write is still going when the reset arrives.
    const big = Buffer.alloc(32 << 20, 97);
    assert.equal(await core.call(spec(s.url, { body: () => big }), ok(core, 'chat.postMessage')), 'ok');
    assert.equal(retries.length, 1);
    assert.match(retries[0]!.reason, /stale keep-alive/);
    assert.equal(retries[0]!.delayMs, 0);
    transport.close();
    core.close();
    await s.close();
  });
});
