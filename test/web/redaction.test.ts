// Redaction, proven: canary secrets of every kind are planted, the client runs at debug level through
// success and every failure path against the emulator, and no canary may appear anywhere a secret
// could leak: captured log records, err.message, err.stack, JSON.stringify(err), util.inspect(err)
// and util.inspect(client).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { inspect } from 'node:util';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { jsonLogger } from '../../src/http/logger.js';
import { WebClient } from '../../src/web/client.js';

let emu: Emulator;
let client: WebClient;
let token: string;
const lines: string[] = [];
const errors: unknown[] = [];

// Canaries in every shape Slack's secrets take. None is real; each is unique enough to search for.
const canaries = {
  clientSecret: 'canary0client0secret0d41d8cd98f00b204e9800998ecf',
  refresh: 'xoxe-1-canaryRefreshToken0000000000000000000000000000000000',
  rotated: 'xoxe.xoxb-1-canaryRotatedToken000000000000000000000000000000',
  userToken: 'xoxp-0000000000-0000000000-0000000000-canaryusertoken0000000000',
  appToken: 'xapp-1-A00CANARY-0000000000-canaryapptoken00000000000000000000',
  webhook: 'https://hooks.slack.com/services/T00CANARY/B00CANARY/canaryWebhookSecret000',
  code: 'canary-oauth-code-4b6f2c1e9a7d',
};

before(async () => {
  emu = await startEmulator({ port: 0 });
  token = emu.issueToken({ type: 'bot', scopes: ['chat:write', 'channels:read', 'users:read'] });
  // Without retries, so each fault below ends in its own error; one retried call comes at the end.
  client = new WebClient(token, {
    slackApiUrl: emu.apiUrl,
    timeoutMs: 500,
    retryHandlers: [],
    logger: jsonLogger('debug', (line) => lines.push(line)),
  });
});
after(async () => {
  client.core.close();
  await emu.close();
});

async function capture(call: Promise<unknown>): Promise<void> {
  try {
    await call;
  } catch (err) {
    errors.push(err);
  }
}

test('success and every failure path, at debug level', async () => {
  const list = await client.conversations.list();
  const general = list.channels?.find((c) => c.name === 'general')?.id ?? '';
  // Success, with secrets inside the arguments and the answer.
  await client.chat.postMessage({ channel: general, text: `see ${canaries.webhook} and ${canaries.refresh}` });
  // ok:false, with secrets in the arguments.
  await capture(
    client.apiCall('oauth.v2.access', { client_id: '1.2', client_secret: canaries.clientSecret, code: canaries.code }),
  );
  await capture(client.apiCall('oauth.v2.access', { refresh_token: canaries.refresh, grant_type: 'refresh_token' }));
  await capture(client.auth.test({ token: canaries.userToken }));
  await capture(client.auth.test({ token: canaries.rotated }));
  await capture(client.apiCall('apps.connections.open', { token: canaries.appToken }));
  // A proxy page and a malformed body that echo secrets back.
  const echo = `<html>Authorization: Bearer ${token} ${canaries.clientSecret} ${canaries.webhook}</html>`;
  emu.addFault({ kind: 'status', status: 502, body: echo, contentType: 'text/html', times: 1 });
  await capture(client.auth.test());
  emu.addFault({ kind: 'malformed', body: `{"ok":tru ${token} ${canaries.refresh}`, times: 1 });
  await capture(client.auth.test());
  // Rate limited, timed out, dropped, truncated, refused.
  for (const kind of ['ratelimit', 'hang', 'drop', 'truncated'] as const) {
    emu.addFault({ kind, times: 1 });
    await capture(client.auth.test());
  }
  const refused = new WebClient(canaries.userToken, { slackApiUrl: 'http://127.0.0.1:9/api/', retryHandlers: [] });
  await capture(refused.auth.test());
  // A retry (default handlers) after a proxy page that echoes the token: the retry's log line too.
  const retrying = new WebClient(token, {
    slackApiUrl: emu.apiUrl,
    logger: jsonLogger('debug', (line) => lines.push(line)),
  });
  emu.addFault({ kind: 'status', status: 503, body: echo, contentType: 'text/html', times: 1 });
  await retrying.auth.test();
  retrying.core.close();
  assert.ok(
    lines.some((l) => l.includes('"level":"warn"') && l.includes('503')),
    'the retry was not logged',
  );
  // A bad method name carrying a secret.
  await capture(client.apiCall(`chat/${canaries.code}`));
  assert.ok(errors.length >= 10, `only ${errors.length} failures were produced`);
  assert.ok(lines.length >= 20, `only ${lines.length} log records at debug level`);
});

test('no canary appears in logs, errors or inspected objects', () => {
  const secrets = [token, ...Object.values(canaries)];
  const places: [string, string][] = [['inspect(client)', inspect(client, { depth: 10, showHidden: true })]];
  places.push(['JSON.stringify(client)', JSON.stringify(client)]);
  for (const [i, line] of lines.entries()) places.push([`log line ${i}`, line]);
  for (const [i, err] of errors.entries()) {
    const e = err as Error;
    places.push([`error ${i} message`, e.message]);
    places.push([`error ${i} stack`, e.stack ?? '']);
    places.push([`error ${i} JSON`, JSON.stringify(e)]);
    places.push([`error ${i} inspect`, inspect(e, { depth: 10 })]);
  }
  const leaks = places.flatMap(([where, text]) =>
    secrets.filter((secret) => text.includes(secret)).map((secret) => `${where} holds ${secret.slice(0, 12)}…`),
  );
  assert.deepEqual(leaks, []);
  // The records are still useful: they name the method and the outcome.
  assert.ok(lines.some((l) => l.includes('"method":"auth.test"') && l.includes('"status":502')));
});

test('a secret straddling the 512-byte snippet cut leaves no part of itself in the error', async () => {
  const secrets = [token, canaries.clientSecret, canaries.refresh, canaries.webhook];
  // The client secret is registered by the oauth.v2.access call above; the rest have a shape.
  for (const secret of secrets) {
    const body = `<html>${'a'.repeat(490)}${secret} tail</html>`;
    emu.addFault({ kind: 'status', status: 502, body, contentType: 'text/html', times: 1 });
    const error = await client.auth.test().then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof Error);
    const printed = `${error.message} ${JSON.stringify(error)} ${inspect(error, { depth: 5 })}`;
    // The secret starts at byte 496: the part that would sit before the cut, past its prefix.
    const before = secret.slice(6, 512 - 496);
    assert.ok(before.length >= 4 && !printed.includes(before), `${secret.slice(0, 8)}…: ${before}`);
  }
});
