// Every error class, each produced by a real answer (or non-answer) of the emulator over real HTTP,
// and bad input of every kind: a clear typed error, never a crash or a hang.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, afterEach, before, describe, test } from 'node:test';
import * as undici from 'undici';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import {
  HTTPError,
  InvalidArgumentError,
  InvalidResponseError,
  PlatformError,
  RateLimitedError,
  RequestError,
} from '../../src/http/errors.js';
import type { Transport } from '../../src/http/transport.js';
import { undiciTransport } from '../../src/http/undici-transport.js';
import { WebClient } from '../../src/web/client.js';
import { startServer } from '../helpers/server.js';

let emu: Emulator;
let client: WebClient;

before(async () => {
  emu = await startEmulator({ port: 0 });
});
afterEach(() => emu.clearFaults());
after(async () => {
  await emu.close();
});

// The same answers through each transport: node:http (the default), WHATWG fetch and undici.
const TRANSPORTS: [string, () => { fetch?: typeof fetch; transport?: Transport }][] = [
  ['node:http', () => ({})],
  ['fetch', () => ({ fetch })],
  ['undici', () => ({ transport: undiciTransport(undici) })],
];

for (const [name, transport] of TRANSPORTS)
  describe(`through ${name}`, () => {
    before(() => {
      // No retries: each test looks at the error one failed attempt gives (retries are tested in test/http).
      client = new WebClient(emu.tokens.bot, {
        slackApiUrl: emu.apiUrl,
        timeoutMs: 2_000,
        retryHandlers: [],
        ...transport(),
      });
    });
    after(() => client.close());

    test('ok:false is a PlatformError with Slack’s code and the scopes it needed', async () => {
      await assert.rejects(client.conversations.info({ channel: 'C404NOPE' }), (e: unknown) => {
        assert.ok(e instanceof PlatformError);
        assert.equal(e.code, 'slack_platform_error');
        assert.equal(e.error, 'channel_not_found');
        assert.equal(e.method, 'conversations.info');
        return true;
      });
      const narrow = client.withToken(emu.issueToken({ type: 'bot', scopes: ['chat:write'] }));
      await assert.rejects(narrow.users.list(), (e: unknown) => {
        assert.ok(e instanceof PlatformError);
        assert.equal(e.error, 'missing_scope');
        assert.equal(e.needed, 'users:read');
        assert.equal(e.provided, 'chat:write');
        return true;
      });
      await assert.rejects(client.withToken('xoxb-canary-not-issued').auth.test(), { error: 'invalid_auth' });
      const revoked = emu.issueToken({ type: 'bot', scopes: ['chat:write'] });
      emu.revokeToken(revoked);
      await assert.rejects(client.withToken(revoked).auth.test(), { error: 'token_revoked' });
    });

    test('HTTP 429 is a RateLimitedError carrying Retry-After', async () => {
      emu.addFault({ kind: 'ratelimit', method: 'conversations.history', retryAfter: 17, times: 1 });
      await assert.rejects(client.conversations.history({ channel: 'C1' }), (e: unknown) => {
        assert.ok(e instanceof RateLimitedError);
        assert.equal(e.retryAfter, 17);
        assert.equal(e.status, 429);
        return true;
      });
    });

    test('a proxy’s HTML 502 page is an HTTPError with the status and a redacted snippet', async () => {
      emu.addFault({ kind: 'status', status: 502, method: 'auth.test', times: 1 });
      await assert.rejects(client.auth.test(), (e: unknown) => {
        assert.ok(e instanceof HTTPError);
        assert.equal(e.status, 502);
        assert.match(e.contentType ?? '', /text\/html/);
        assert.match(e.bodySnippet, /<html/i);
        return true;
      });
    });

    test('a malformed JSON body is an InvalidResponseError', async () => {
      emu.addFault({ kind: 'malformed', method: 'auth.test', times: 1 });
      await assert.rejects(client.auth.test(), InvalidResponseError);
    });

    test('a truncated body, a dropped connection and a hang are RequestErrors with the right reason', async () => {
      emu.addFault({ kind: 'truncated', method: 'auth.test', times: 1 });
      await assert.rejects(client.auth.test(), (e: unknown) => {
        assert.ok(e instanceof RequestError);
        assert.equal(e.reason, 'network');
        assert.equal(e.mayHaveBeenReceived, true);
        return true;
      });
      emu.addFault({ kind: 'drop', method: 'auth.test', times: 1 });
      await assert.rejects(client.auth.test(), { name: 'RequestError', reason: 'network' });
      emu.addFault({ kind: 'hang', method: 'auth.test', times: 1 });
      const started = Date.now();
      await assert.rejects(client.auth.test({}, { timeoutMs: 300 }), { reason: 'timeout' });
      assert.ok(Date.now() - started < 2_000, 'the timeout did not end the hung call');
      emu.addFault({ kind: 'hang', method: 'auth.test', times: 1 });
      await assert.rejects(client.auth.test({}, { deadlineMs: 200 }), { reason: 'deadline' });
      emu.addFault({ kind: 'hang', method: 'auth.test', times: 1 });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      await assert.rejects(client.auth.test({}, { signal: controller.signal }), { reason: 'aborted' });
      // After all of that the client still works.
      assert.equal((await client.auth.test()).ok, true);
    });

    test('nothing listens: connection refused proves the request never arrived', async () => {
      // A port just freed: nothing listens (port 9 would do for node:http, but fetch refuses it by rule).
      const probe = net.createServer();
      await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
      const { port } = probe.address() as net.AddressInfo;
      await new Promise<void>((r) => probe.close(() => r()));
      const dead = new WebClient('xoxb-canary-token', {
        slackApiUrl: `http://127.0.0.1:${port}/api/`,
        retryHandlers: [],
        ...transport(),
      });
      await assert.rejects(dead.auth.test(), (e: unknown) => {
        assert.ok(e instanceof RequestError);
        assert.equal(e.mayHaveBeenReceived, false);
        return true;
      });
    });
  });

test('hostile method names and bad tokens are refused before any request; the token stays home', async () => {
  const server = await startServer((_req, res) => void res.end('{"ok":true}'));
  const watched = new WebClient('xoxb-canary-token', { slackApiUrl: server.url });
  try {
    for (const name of ['../oauth.v2.access', 'chat/postMessage', 'http://evil.example/x', 'a:b', '', 'chat..x']) {
      await assert.rejects(watched.apiCall(name), InvalidArgumentError);
    }
    await assert.rejects(watched.auth.test({ token: '' }), InvalidArgumentError);
    await assert.rejects(watched.auth.test({ token: 'xoxb-a\r\nx-injected: 1' }), InvalidArgumentError);
    assert.equal(server.requests.length, 0);
  } finally {
    watched.core.close();
    await server.close();
  }
  assert.throws(() => new WebClient(' '), InvalidArgumentError);
  assert.throws(() => new WebClient('xoxb-x', { slackApiUrl: 'file:///etc/passwd' }), TypeError);
  await assert.rejects(new WebClient(undefined, { slackApiUrl: emu.apiUrl }).auth.test(), { error: 'not_authed' });
});
