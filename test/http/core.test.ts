// The core's HTTP cases, run through each transport: node:http (the default), WHATWG fetch and undici.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import * as undici from 'undici';
import { HttpCore, type HttpCoreOptions, parseRetryAfter } from '../../src/http/core.js';
import { RateLimitedError, RequestError } from '../../src/http/errors.js';
import type { RetryHandler } from '../../src/http/retry.js';
import { fetchTransport } from '../../src/http/transport.js';
import { undiciTransport } from '../../src/http/undici-transport.js';
import { startServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
before(async () => {
  server = await startServer((req, res, body) => {
    const path = req.url ?? '';
    if (path === '/slow') return void setTimeout(() => res.end('late'), 2_000).unref();
    if (path === '/429') {
      res.writeHead(429, { 'retry-after': '3' });
      return void res.end('{"ok":false,"error":"ratelimited"}');
    }
    if (path === '/truncated') {
      res.writeHead(200, { 'content-length': '100' });
      res.write('{"ok":');
      return void setTimeout(() => res.destroy(), 20);
    }
    if (path.startsWith('/flaky')) {
      const n = server.requests.filter((r) => r.url === path).length;
      if (n < 3) {
        res.writeHead(503);
        return void res.end('busy');
      }
    }
    res.writeHead(200, { 'content-type': 'text/plain', 'x-slack-req-id': 'req-1' });
    res.end(body || 'ok');
  });
});
after(() => server.close());

const spec = (path: string, extra: Partial<Parameters<HttpCore['call']>[0]> = {}) => ({
  method: 'test.method',
  read: true,
  url: new URL(path, server.url),
  httpMethod: 'POST' as const,
  headers: {},
  body: () => 'hello',
  ...extra,
});
const text = (r: { body: Buffer }) => r.body.toString();

const TRANSPORTS = {
  'node:http': (options: HttpCoreOptions = {}) => new HttpCore(options),
  fetch: (options: HttpCoreOptions = {}) => new HttpCore({ ...options, transport: fetchTransport(fetch) }),
  undici: (options: HttpCoreOptions = {}) => new HttpCore({ ...options, transport: undiciTransport(undici) }),
};

for (const [name, newCore] of Object.entries(TRANSPORTS))
  describe(`through ${name}`, () => {
    test('sends and returns the body', async () => {
      const core = newCore();
      assert.equal(await core.call(spec('/echo'), text), 'hello');
      core.close();
    });

    test('per-attempt timeout gives RequestError(timeout)', async () => {
      const core = newCore({ timeoutMs: 100 });
      const t0 = Date.now();
      await assert.rejects(core.call(spec('/slow'), text), (e: unknown) => {
        assert.ok(e instanceof RequestError);
        assert.equal(e.reason, 'timeout');
        assert.equal(e.mayHaveBeenReceived, true);
        return true;
      });
      assert.ok(Date.now() - t0 < 1_000);
      core.close();
    });

    test('a deadline shorter than the timeout gives RequestError(deadline)', async () => {
      const core = newCore();
      await assert.rejects(core.call(spec('/slow', { deadlineMs: 80 }), text), { reason: 'deadline' });
      core.close();
    });

    test("the caller's AbortSignal cancels in flight", async () => {
      const core = newCore();
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 50);
      const t0 = Date.now();
      await assert.rejects(core.call(spec('/slow', { signal: controller.signal }), text), { reason: 'aborted' });
      assert.ok(Date.now() - t0 < 500);
      core.close();
    });

    test('connection refused proves the request never arrived', async () => {
      const probe = net.createServer();
      await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
      const { port } = probe.address() as net.AddressInfo;
      await new Promise<void>((r) => probe.close(() => r()));
      const core = newCore();
      await assert.rejects(
        core.call({ ...spec('/'), url: new URL(`http://127.0.0.1:${port}/`) }, text),
        (e: unknown) => e instanceof RequestError && e.reason === 'network' && e.mayHaveBeenReceived === false,
      );
      core.close();
    });

    test('a truncated body is a network failure that may have been received', async () => {
      const core = newCore();
      await assert.rejects(
        core.call(spec('/truncated'), text),
        (e: unknown) => e instanceof RequestError && e.reason === 'network' && e.mayHaveBeenReceived,
      );
      core.close();
    });

    test('429 maps to RateLimitedError with Retry-After', async () => {
      const core = newCore();
      await assert.rejects(
        core.call(spec('/429'), (r) => {
          throw core.httpError('test.method', r);
        }),
        (e: unknown) => e instanceof RateLimitedError && e.retryAfter === 3 && e.status === 429,
      );
      core.close();
    });

    test('retry handlers decide, in order, and are bounded by the deadline', async () => {
      const asked: number[] = [];
      const handler: RetryHandler = {
        decide: ({ attempt, error }) => {
          asked.push(attempt);
          return error.status === 503 ? { retry: true, delayMs: 10, reason: 'test' } : undefined;
        },
      };
      const core = newCore({ retryHandlers: [handler] });
      const check = (r: { status: number; body: Buffer }) => {
        if (r.status !== 200) throw core.httpError('test.method', r as never);
        return text(r);
      };
      assert.equal(await core.call(spec(`/flaky-${name}`), check), 'hello');
      assert.deepEqual(asked, [1, 2]); // two 503s, then 200
      core.close();
    });
  });

test('parseRetryAfter reads delta-seconds and HTTP-dates', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(parseRetryAfter('30', now), 30);
  assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now), 5);
  assert.equal(parseRetryAfter(undefined, now), 1);
  assert.equal(parseRetryAfter('soon', now), 1);
});
