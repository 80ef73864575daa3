// What is the undici transport's own (the shared HTTP cases run through it in core.test.ts and
// test/web/errors.test.ts): no redirects even through a redirecting dispatcher, the cap while
// reading, verbs and bodies, what a failure proves about sending, the idle timeout, header reading.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import * as undici from 'undici';
import { RequestError } from '../../src/http/errors.js';
import type { HttpMethod } from '../../src/http/retry.js';
import { slackCore } from '../../src/http/slack-defaults.js';
import type { TransportRequest } from '../../src/http/transport.js';
import { undiciTransport } from '../../src/http/undici-transport.js';

interface Seen {
  method: string;
  url: string;
  body: string;
}

/** A loopback server: `handler` gets each request as its headers arrive; `seen` has whole bodies. */
async function serve(handler: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const seen: Seen[] = [];
  const closed: number[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () =>
      seen.push({ method: req.method ?? '', url: req.url ?? '', body: Buffer.concat(chunks).toString() }),
    );
    handler(req, res);
  });
  // Longer than the client's idle timeout, and said in each answer's Keep-Alive header.
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket) => socket.on('close', () => closed.push(performance.now())));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return { url, seen, closed, close };
}

const req = (url: string, extra: Partial<TransportRequest> = {}): TransportRequest => ({
  url: new URL(url),
  method: 'POST',
  headers: {},
  body: 'x',
  timeoutMs: 5_000,
  ...extra,
});

describe('undici transport', () => {
  let s: Awaited<ReturnType<typeof serve>>;
  let elsewhere: Awaited<ReturnType<typeof serve>>;
  const reused = new Set<unknown>();
  before(async () => {
    elsewhere = await serve((r, res) => r.on('end', () => res.end('stolen')));
    s = await serve((r, res) => {
      const path = r.url ?? '';
      if (path === '/redirect')
        return void r.on('end', () => res.writeHead(307, { location: `${elsewhere.url}x` }).end());
      if (path === '/endless') {
        const chunk = Buffer.alloc(64 * 1024, 97);
        const endless = new Readable({ read: () => void endless.push(chunk) });
        endless.pipe(res);
        res.on('close', () => endless.destroy());
        return;
      }
      if (path === '/gzip') {
        return void r.on('end', () => res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync('inflated')));
      }
      if (path === '/headers') {
        res.setHeader('X-Twice', ['one', 'two']);
        res.setHeader('X-Oauth-Scopes', 'chat:write');
        return void r.on('end', () => res.end('ok'));
      }
      if (path === '/slow') return void setTimeout(() => res.end('late'), 300);
      // Reset as soon as the body starts arriving: the request is never whole.
      if (path === '/reset-mid-body') return void r.once('data', () => r.socket.resetAndDestroy());
      // The second request on a connection is reset when its headers arrive.
      if (path === '/reset-reused') {
        if (reused.has(r.socket)) return void r.socket.resetAndDestroy();
        reused.add(r.socket);
      }
      r.on('end', () => res.end(`${r.method} ${path}`));
    });
  });
  after(async () => {
    await s.close();
    await elsewhere.close();
  });

  it('never follows a redirect, not even through a dispatcher with a redirect interceptor', async () => {
    const redirecting = new undici.Agent().compose(undici.interceptors.redirect({ maxRedirections: 3 }));
    for (const transport of [undiciTransport(undici), undiciTransport(redirecting)]) {
      const res = await transport.send(req(`${s.url}redirect`, { body: 'refresh_token=canary-refresh' }));
      assert.equal(res.status, 307);
      transport.close();
    }
    assert.equal(elsewhere.seen.length, 0, 'the other origin got nothing');
    await redirecting.close();
  });

  it('enforces the response cap while reading, and hands back gzip as sent (no inflating)', async () => {
    const transport = undiciTransport(undici, { maxResponseBytes: 1 << 20 });
    await assert.rejects(
      transport.send(req(`${s.url}endless`, { method: 'GET', body: undefined })),
      (e: unknown) => e instanceof RequestError && e.reason === 'body_too_large',
    );
    const res = await transport.send(req(`${s.url}gzip`));
    assert.deepEqual(res.body, gzipSync('inflated'));
    assert.equal(res.headers['content-encoding'], 'gzip');
    transport.close();
  });

  it('sends every verb with its body, framed so the connection stays usable', async () => {
    const transport = undiciTransport(undici, { maxSockets: 1 });
    const verbs: HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
    for (const method of verbs) {
      const body = method === 'GET' ? undefined : `body of ${method}`;
      const res = await transport.send(req(`${s.url}verb`, { method, body }));
      assert.equal(res.body.toString(), `${method} /verb`);
      const got = s.seen.at(-1)!;
      assert.deepEqual([got.method, got.body], [method, body ?? '']);
    }
    const bytes = await transport.send(req(`${s.url}bytes`, { body: new Uint8Array([104, 105]) }));
    assert.equal(bytes.status, 200);
    assert.equal(s.seen.at(-1)!.body, 'hi');
    transport.close();
  });

  it('reads one header without the rest, and joins repeated ones', async () => {
    const transport = undiciTransport(undici);
    const res = await transport.send(req(`${s.url}headers`));
    assert.equal(res.header?.('x-oauth-scopes'), 'chat:write');
    assert.equal(res.header?.('x-twice'), 'one, two');
    assert.equal(res.headers['x-twice'], 'one, two');
    assert.equal(res.headers['x-oauth-scopes'], 'chat:write');
    assert.equal(res.header?.('x-absent'), undefined);
    transport.close();
  });

  it('a stream cut before its end was never received whole', async () => {
    const transport = undiciTransport(undici);
    const chunk = Buffer.alloc(64 * 1024, 98);
    const body = Readable.from(
      (function* () {
        for (let i = 0; i < 512; i++) yield chunk;
      })(),
    );
    await assert.rejects(transport.send(req(`${s.url}reset-mid-body`, { body })), (e: unknown) => {
      assert.ok(e instanceof RequestError, String(e));
      assert.equal(e.reason, 'network');
      assert.equal(e.mayHaveBeenReceived, false);
      assert.equal(e.staleConnection, false);
      return true;
    });
    transport.close();
  });

  it('a body written whole into a connection that then resets may have been received: a POST is not repeated', async () => {
    const core = slackCore({ transport: undiciTransport(undici, { maxSockets: 1 }) });
    const spec = (body: string | Buffer) => ({
      method: 'chat.postMessage',
      url: new URL(`${s.url}reset-reused`),
      httpMethod: 'POST' as const,
      headers: {},
      body: () => body,
    });
    assert.equal(await core.call(spec('first'), (r) => r.body.toString()), 'POST /reset-reused');
    const before = s.seen.length;
    await assert.rejects(core.call(spec(Buffer.alloc(1 << 20, 97)), String), (e: unknown) => {
      assert.ok(e instanceof RequestError, String(e));
      assert.equal(e.mayHaveBeenReceived, true);
      assert.equal(e.staleConnection, false);
      return true;
    });
    assert.equal(core.events.stats.retries, 0, 'not repeated');
    assert.equal(s.seen.length, before, 'the reset request never completed on the server');
    core.close();
  });

  it('a call dropped while it waits for a connection is never sent', async () => {
    const transport = undiciTransport(undici, { maxSockets: 1 });
    const slow = transport.send(req(`${s.url}slow`));
    await assert.rejects(transport.send(req(`${s.url}queued`, { timeoutMs: 50 })), (e: unknown) => {
      assert.ok(e instanceof RequestError);
      assert.equal(e.reason, 'timeout');
      assert.equal(e.mayHaveBeenReceived, false);
      return true;
    });
    const controller = new AbortController();
    const aborted = transport.send(req(`${s.url}queued`, { signal: controller.signal }));
    controller.abort();
    await assert.rejects(aborted, { reason: 'aborted', mayHaveBeenReceived: false });
    assert.equal((await slow).body.toString(), 'late');
    // The connection is free again: a later request goes, the dropped ones never did.
    assert.equal((await transport.send(req(`${s.url}after`))).status, 200);
    assert.deepEqual(
      s.seen.filter((r) => ['/queued', '/after'].includes(r.url)).map((r) => r.url),
      ['/after'],
    );
    transport.close();
  });

  it('closes an idle connection after its idle timeout, whatever the server offers', async () => {
    const own = await serve((r, res) => r.on('end', () => res.end('ok')));
    const transport = undiciTransport(undici, { idleTimeoutMs: 100 });
    try {
      await transport.send(req(own.url));
      await new Promise((r) => setTimeout(r, 1_000));
      assert.equal(own.closed.length, 1, 'the client closed the idle connection (the server keeps 60 s)');
    } finally {
      transport.close();
      await own.close();
    }
  });

  it('a dispatcher you pass stays yours: close() leaves it open; refused still proves nothing sent', async () => {
    const agent = new undici.Agent();
    const transport = undiciTransport(agent);
    await transport.send(req(`${s.url}mine`));
    transport.close();
    assert.equal((await transport.send(req(`${s.url}mine`))).status, 200, 'still usable');
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((r) => probe.close(() => r()));
    await assert.rejects(transport.send(req(`http://127.0.0.1:${port}/`)), { mayHaveBeenReceived: false });
    await agent.close();
  });
});
