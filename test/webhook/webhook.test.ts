import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { inspect } from 'node:util';
import { HTTPError, PlatformError, RateLimitedError } from '../../src/http/errors.js';
import { IncomingWebhook, respond } from '../../src/webhook/index.js';
import { startServer, type TestServer } from '../helpers/server.js';

// A stand-in for hooks.slack.com: answers as Slack's webhooks do, by path.
let server: TestServer;
before(async () => {
  server = await startServer((req, res) => {
    const path = req.url ?? '';
    if (path.includes('/ok')) return void res.end('ok');
    if (path.includes('/archived')) return void res.writeHead(410).end('channel_is_archived');
    if (path.includes('/bad')) return void res.writeHead(400).end('invalid_payload');
    if (path.includes('/limit')) return void res.writeHead(429, { 'retry-after': '7' }).end('rate_limited');
    if (path.includes('/once-limited')) {
      // The first post to each such URL is rate limited for a second; the next is accepted.
      const n = server.requests.filter((r) => r.url === path).length;
      if (n === 1) return void res.writeHead(429, { 'retry-after': '1' }).end('rate_limited');
      return void res.end('ok');
    }
    if (path.includes('/proxy'))
      return void res.writeHead(502, { 'content-type': 'text/html' }).end('<html>bad</html>');
    if (path.includes('/respond')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end('{"ok":false,"error":"expired_url"}');
    }
    res.writeHead(404).end('no_service');
  });
});
after(() => server.close());
const secretPath = 'services/TCANARY/BCANARY/webhook-canary-secret';

test('send posts JSON and returns Slack’s "ok"', async () => {
  const hook = new IncomingWebhook(`${server.url}ok/${secretPath}`, { defaults: { unfurl_links: false } });
  const result = await hook.send('Deploy finished');
  assert.deepEqual(result, { text: 'ok', status: 200 });
  const req = server.requests.at(-1)!;
  assert.deepEqual(JSON.parse(req.body), { unfurl_links: false, text: 'Deploy finished' });
  assert.match(String(req.headers['content-type']), /application\/json/);
});

test('Slack’s error words become PlatformError; 429 RateLimitedError; a proxy page HTTPError', async () => {
  await assert.rejects(new IncomingWebhook(`${server.url}archived/${secretPath}`).send('x'), (e: unknown) => {
    assert.ok(e instanceof PlatformError);
    assert.equal(e.error, 'channel_is_archived');
    assert.equal(e.status, 410);
    return true;
  });
  await assert.rejects(new IncomingWebhook(`${server.url}bad/${secretPath}`).send('x'), { error: 'invalid_payload' });
  // A Retry-After that would end past the deadline fails at once, with the wait Slack asked for.
  await assert.rejects(
    new IncomingWebhook(`${server.url}limit/${secretPath}`, { deadlineMs: 3_000 }).send('x'),
    (e: unknown) => e instanceof RateLimitedError && e.retryAfter === 7,
  );
  await assert.rejects(new IncomingWebhook(`${server.url}proxy/${secretPath}`).send('x'), HTTPError);
});

test('respond() reads JSON answers from response_url', async () => {
  await assert.rejects(respond(`${server.url}respond/${secretPath}`, 'x'), { error: 'expired_url' });
});

test('the secret URL never appears in errors or inspect output', async () => {
  const hook = new IncomingWebhook(`${server.url}archived/${secretPath}`);
  assert.ok(!inspect(hook).includes('canary') && !JSON.stringify(hook).includes('canary'));
  const err = await hook.send('x').catch((e: unknown) => e);
  for (const text of [String(err), (err as Error).stack, JSON.stringify(err), inspect(err, { depth: 5 })]) {
    assert.ok(!String(text).includes('webhook-canary-secret'), String(text));
  }
});

test('a 429 is waited out and retried: IncomingWebhook and respond() have the Slack defaults', async () => {
  const hook = new IncomingWebhook(`${server.url}once-limited/a/${secretPath}`);
  const t0 = performance.now();
  assert.deepEqual(await hook.send('x'), { text: 'ok', status: 200 });
  assert.ok(performance.now() - t0 >= 1_000, 'waited the Retry-After');
  hook.close();
  assert.deepEqual(await respond(`${server.url}once-limited/b/${secretPath}`, 'x'), { text: 'ok', status: 200 });
  assert.equal(server.requests.filter((r) => r.url.includes('once-limited/b/')).length, 2);
});

test('respond() reuses one connection pool across calls', async () => {
  const ports = new Set<number | undefined>();
  for (let i = 0; i < 3; i++) {
    // undici (the default transport) pools a connection again one event-loop turn after its answer.
    await new Promise<void>((r) => setImmediate(r));
    await respond(`${server.url}ok/${secretPath}`, `reply ${i}`);
    ports.add(server.requests.at(-1)?.remotePort);
  }
  assert.equal(ports.size, 1, 'one keep-alive connection for three replies');
});

test('through a fetch transport too', async () => {
  const hook = new IncomingWebhook(`${server.url}ok/${secretPath}`, { fetch });
  assert.deepEqual(await hook.send('via fetch'), { text: 'ok', status: 200 });
  await assert.rejects(
    new IncomingWebhook(`${server.url}archived/${secretPath}`, { fetch }).send('x'),
    (e: unknown) => e instanceof PlatformError && e.error === 'channel_is_archived',
  );
});
