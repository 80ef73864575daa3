// What goes on the wire, seen by a real local server: methods, bodies, where the token travels.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { InvalidArgumentError, PlatformError } from '../../src/http/errors.js';
import { WebClient } from '../../src/web/client.js';
import { startServer, type TestServer } from '../helpers/server.js';

const TOKEN = 'xoxb-wire-canary-0001';
let server: TestServer;
let client: WebClient;
before(async () => {
  server = await startServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(req.headers.authorization ? '{"ok":true}' : '{"ok":false,"error":"not_authed"}');
  });
  client = new WebClient(TOKEN, { slackApiUrl: `${server.url}api/` });
});
after(async () => {
  client.core.close();
  await server.close();
});
const last = () => server.requests.at(-1)!;

test('a JSON method is POSTed as JSON with the token only in the Authorization header', async () => {
  await client.chat.postMessage({ channel: 'C1', text: 'hi', blocks: [{ type: 'divider' }] });
  const req = last();
  assert.equal(req.method, 'POST');
  assert.equal(req.url, '/api/chat.postMessage');
  assert.equal(req.headers.authorization, `Bearer ${TOKEN}`);
  assert.match(String(req.headers['content-type']), /^application\/json/);
  assert.deepEqual(JSON.parse(req.body), { channel: 'C1', text: 'hi', blocks: [{ type: 'divider' }] });
  assert.ok(!req.body.includes(TOKEN) && !req.url.includes(TOKEN));
});

test('a form method is form-encoded, with objects and arrays JSON-encoded inside', async () => {
  await client.apiCall('conversations.list', { limit: 5, exclude_archived: true, extra: { a: [1] }, skip: undefined });
  const req = last();
  assert.match(String(req.headers['content-type']), /^application\/x-www-form-urlencoded/);
  const form = new URLSearchParams(req.body);
  assert.equal(form.get('limit'), '5');
  assert.equal(form.get('exclude_archived'), 'true');
  assert.equal(form.get('extra'), '{"a":[1]}');
  assert.equal(form.has('skip'), false);
  assert.equal(form.has('token'), false);
});

test('a per-call token overrides the client token and still travels only in the header', async () => {
  await client.auth.test({ token: 'xoxp-other-canary-0002' });
  assert.equal(last().headers.authorization, 'Bearer xoxp-other-canary-0002');
  assert.ok(!last().body.includes('xoxp-other'));
});

test('oauth.v2.access sends client credentials with HTTP Basic, not in the body', async () => {
  const anonymous = new WebClient(undefined, { slackApiUrl: `${server.url}api/`, core: client.core });
  await anonymous.oauth.v2.access({ client_id: '123.456', client_secret: 'canary-client-secret', code: 'c0de' });
  const req = last();
  const expected = `Basic ${Buffer.from('123.456:canary-client-secret').toString('base64')}`;
  assert.equal(req.headers.authorization, expected);
  assert.equal(new URLSearchParams(req.body).get('code'), 'c0de');
  assert.ok(!req.body.includes('canary-client-secret') && !req.body.includes('client_id'));
});

test('hostile method names are refused before any request is made', async () => {
  const before = server.requests.length;
  for (const name of [
    '../auth.test',
    'chat/postMessage',
    'http://evil.example/x',
    'a:b',
    'chat..x',
    '',
    ' x',
    'x?y=1',
  ]) {
    await assert.rejects(client.apiCall(name), InvalidArgumentError, name);
  }
  assert.equal(server.requests.length, before);
});

test('an empty or whitespace token is a typed error; a missing one is Slack’s not_authed', async () => {
  assert.throws(() => new WebClient(''), InvalidArgumentError);
  await assert.rejects(client.auth.test({ token: '' }), InvalidArgumentError);
  await assert.rejects(client.auth.test({ token: 'xoxb-a\r\nx-injected: 1' }), InvalidArgumentError);
  const anonymous = new WebClient(undefined, { slackApiUrl: `${server.url}api/`, core: client.core });
  await assert.rejects(anonymous.auth.test(), (e: unknown) => e instanceof PlatformError && e.error === 'not_authed');
});
