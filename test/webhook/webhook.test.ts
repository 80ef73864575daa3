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
  await assert.rejects(
    new IncomingWebhook(`${server.url}limit/${secretPath}`).send('x'),
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
