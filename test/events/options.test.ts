// Options are checked at construction: a bad option is an InvalidArgumentError (a SlacklineError)
// that names it, never a handler that constructs fine and then answers 401 to everything. Every
// error of the events door is a SlacklineError with an exported code.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createEventsHandler,
  type EventsHandlerOptions,
  SignatureError,
  SignatureErrorCode,
} from '../../src/events/index.js';
import { ErrorCode, InvalidArgumentError, SlacklineError } from '../../src/http/errors.js';
import { Installer, type InstallerOptions } from '../../src/oauth/installer.js';
import { MemoryInstallationStore } from '../../src/oauth/memory-store.js';
import { startServer } from '../../src/server/index.js';
import { WebClient } from '../../src/web/client.js';

const invalid = (fn: () => unknown, name: RegExp) =>
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof InvalidArgumentError, String(err));
    assert.ok(err instanceof SlacklineError);
    assert.equal(err.code, ErrorCode.InvalidArgument);
    assert.match(err.message, name);
    return true;
  });

test('createEventsHandler refuses each bad option by name', () => {
  const bad: [Partial<EventsHandlerOptions>, RegExp][] = [
    [{ signingSecret: [] }, /signingSecret/],
    [{ signingSecret: '' }, /signingSecret/],
    [{ signingSecret: ['a', 'b', 'c'] }, /signingSecret/],
    [{ signingSecret: ['ok', ''] }, /signingSecret/],
    [{ maxBodyBytes: 0 }, /maxBodyBytes/],
    [{ maxBodyBytes: 1.5 }, /maxBodyBytes/],
    [{ dedupeSize: -1 }, /dedupeSize/],
    [{ dedupeTtlMs: 60_000 }, /dedupeTtlMs.*600000/],
    [{ ackDeadlineMs: Number.NaN }, /ackDeadlineMs/],
    [{ clock: (() => 0) as never }, /clock/],
    [{ logger: { info() {} } as never }, /logger/],
    [{ onEvent: 'nope' as never }, /onEvent/],
    [{ dedupe: {} as never }, /dedupe/],
  ];
  for (const [over, name] of bad) {
    invalid(
      () => createEventsHandler({ signingSecret: 'canary-signing-secret', ...over } as EventsHandlerOptions),
      name,
    );
  }
  assert.equal(typeof createEventsHandler({ signingSecret: ['old-canary', 'new-canary'] }), 'function');
});

test('SignatureError is a SlacklineError whose codes are exported constants', async () => {
  const handler = createEventsHandler({ signingSecret: 'canary-signing-secret' });
  const res = await handler(new Request('https://app.example/slack/events', { method: 'POST', body: '{}' }));
  assert.equal(res.status, 401);
  const err = new SignatureError(SignatureErrorCode.Mismatch, 'x');
  assert.ok(err instanceof SlacklineError);
  assert.equal(err.code, 'signature_mismatch');
  assert.equal(err.status, 401);
  assert.equal(new SignatureError(SignatureErrorCode.BodyTooLarge, 'x').status, 413);
  assert.deepEqual(Object.values(SignatureErrorCode).sort(), [
    'body_too_large',
    'signature_malformed',
    'signature_mismatch',
    'signature_missing',
    'timestamp_malformed',
    'timestamp_out_of_window',
  ]);
});

test('Installer refuses each bad option by name', () => {
  const client = new WebClient();
  const good: InstallerOptions = {
    clientId: '1.2',
    clientSecret: 'canary-client-secret',
    scopes: ['chat:write'],
    redirectUri: 'https://app.example/slack/oauth_redirect',
    installationStore: new MemoryInstallationStore(),
    client,
  };
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ clientId: '' }, /clientId/],
    [{ clientSecret: undefined }, /clientSecret/],
    [{ scopes: 'chat:write' }, /scopes/],
    [{ scopes: ['chat:write,users:read'] }, /scopes/],
    [{ userScopes: [1] }, /userScopes/],
    [{ redirectUri: 'not a url' }, /redirectUri/],
    [{ redirectUri: 'http://app.example/cb' }, /redirectUri must be https/],
    [{ installationStore: {} }, /installationStore/],
    [{ stateStore: { put() {} } }, /stateStore/],
    [{ stateTtlMs: 5 }, /stateTtlMs/],
    [{ clock: () => 0 }, /clock/],
    [{ logger: console.log }, /logger/],
    [{ onInstalled: true }, /onInstalled/],
    [{ successUrl: 'https://evil.example/' }, /successUrl/],
    [{ authorizeUrl: 'ftp://slack.example/' }, /authorizeUrl/],
    [{ client: {} }, /client/],
  ];
  try {
    for (const [over, name] of bad) invalid(() => new Installer({ ...good, ...over } as InstallerOptions), name);
    invalid(() => new Installer({ botToken: '', client }), /botToken/);
    assert.ok(new Installer(good).oauthConfigured);
  } finally {
    client.core.close();
  }
});

test('startServer refuses bad limits and a missing configuration with InvalidArgumentError', async () => {
  for (const [options, name] of [
    [{ limits: { maxConnections: 0 } }, /maxConnections/],
    [{ limits: { headersTimeoutMs: 20_000, requestTimeoutMs: 10_000 } }, /headersTimeoutMs/],
    [{ port: 70_000 }, /port/],
    [{ env: {} }, /SLACK_CLIENT_ID/],
  ] as const) {
    await assert.rejects(
      startServer({ host: '127.0.0.1', port: 0, env: { SLACK_BOT_TOKEN: 'xoxb-canary-options' }, ...options }),
      (err: unknown) => err instanceof InvalidArgumentError && name.test(err.message),
    );
  }
});
