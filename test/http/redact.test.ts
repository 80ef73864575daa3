import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { HttpCore } from '../../src/http/core.js';
import { hasSecretShape, REDACTED, Redactor } from '../../src/http/redact.js';
import { hideSecrets } from '../../src/oauth/inspect.js';
import { WebClient } from '../../src/web/client.js';

// Canaries: shaped like real tokens, obviously fake.
const CANARIES = [
  'xoxb-canary-0000-REDACTME',
  'xoxp-canary-1111-REDACTME',
  'xoxe.xoxb-1-canaryREDACTME',
  'xoxe-1-canaryREDACTME',
  'xapp-1-canary-REDACTME',
  'https://hooks.slack.com/services/TCANARY/BCANARY/REDACTME',
];

test('tokens of every family are redacted by pattern, inside any text', () => {
  const r = new Redactor();
  for (const c of CANARIES) {
    const out = r.string(`before ${c} after`);
    assert.equal(out, `before ${REDACTED} after`, c);
  }
  assert.equal(r.string('Authorization: Bearer abc.def'), `Authorization: Bearer ${REDACTED}`);
});

test('secret keys are redacted whatever the value looks like; other keys are kept', () => {
  const r = new Redactor();
  const out = r.value({
    client_secret: 'plainvalue',
    code: '1234.5678',
    refresh_token: 'whatever',
    'Client-Secret': 'x',
    channel: 'C123',
    nested: [{ access_token: 'abc', ok: true }],
  });
  assert.deepEqual(out, {
    client_secret: REDACTED,
    code: REDACTED,
    refresh_token: REDACTED,
    'Client-Secret': REDACTED,
    channel: 'C123',
    nested: [{ access_token: REDACTED, ok: true }],
  });
});

test('registered secret values are redacted even without a known shape', () => {
  const r = new Redactor();
  r.addSecret('plain-canary-secret-value');
  assert.equal(r.string('x plain-canary-secret-value y'), `x ${REDACTED} y`);
});

test('copies, never mutates, and survives cycles and errors', () => {
  const r = new Redactor();
  const input: Record<string, unknown> = { token: 'xoxb-canary-0000-REDACTME' };
  input.self = input;
  const err = new Error('failed with xoxb-canary-0000-REDACTME');
  const out = r.value({ input, err }) as { input: Record<string, unknown>; err: Record<string, unknown> };
  assert.equal(input.token, 'xoxb-canary-0000-REDACTME');
  assert.equal(out.input.token, REDACTED);
  assert.equal(out.input.self, '[Circular]');
  assert.ok(!JSON.stringify(out).includes('REDACTME'));
});

test('URLs lose credentials and secret query parameters', () => {
  const r = new Redactor();
  const out = r.value(new URL('https://u:p@example.com/cb?code=abc&state=s1'));
  assert.equal(out, `https://example.com/cb?code=${encodeURIComponent(REDACTED)}&state=s1`);
});

// Every family Slack documents, built from parts so each is obviously a canary.
const X = 'xox';
const FAMILIES: Record<string, string> = {
  bot: `${X}b-000000000000-0000000000000-canaryBOTxxxxxxxxxxxxxxx`,
  user: `${X}p-000000000000-000000000000-0000000000000-canaryUSERxxxxxxxxxxxxxxxxxx`,
  legacyWorkspaceApp: `${X}a-2-canaryLEGACYAxxxxxxxx`,
  legacyRefresh: `${X}r-canaryLEGACYRxxxxxxxx`,
  legacyOther: `${X}o-canaryLEGACYOxxxxxxxx`,
  legacyS: `${X}s-canaryLEGACYSxxxxxxxx`,
  session: `${X}c-canarySESSIONxxxxxxxx`,
  sessionCookie: `${X}d-canaryCOOKIExxxxxxxx`,
  refresh: `${X}e-1-canaryREFRESHxxxxxxxxxxxxxxxxxx`,
  rotatedBot: `${X}e.${X}b-1-canaryROTATEDBOTxxxxxxxx`,
  configuration: `${X}e.${X}p-1-canaryCONFIGxxxxxxxx`,
  appLevel: 'xapp-1-A0CANARY-0000000000000-canaryAPPxxxxxxxx',
  workflow: 'xwfp-canaryWORKFLOWxxxxxxxxxxxx',
  webhook: 'https://hooks.slack.com/services/T0CANARY/B0CANARY/canaryWEBHOOKxxxxxx',
  responseUrl: 'https://hooks.slack.com/actions/T0CANARY/1234567890/canaryRESPONSExxxxxx',
  govWebhook: 'https://hooks.slack-gov.com/services/T0CANARY/B0CANARY/canaryGOVxxxxxx',
  emulatorWebhook: 'http://127.0.0.1:3000/services/T0000000001/B0000000001/canaryEMUxxxxxxxx',
  uploadUrl: 'https://files.slack.com/upload/v1/canaryUPLOADxxxxxxxxxxxx',
};

test('every token family is redacted by value, inside any text, with nothing registered', () => {
  const r = new Redactor();
  for (const [family, canary] of Object.entries(FAMILIES)) {
    const out = r.string(`before ${canary} after`);
    assert.equal(out, `before ${REDACTED} after`, family);
  }
});

test('secret keys are matched in camelCase, snake_case and kebab-case alike', () => {
  const r = new Redactor();
  const shapeless = 'canary-shapeless-value-0001';
  const names = [
    ['botToken', 'bot_token', 'bot-token', 'BotToken'],
    ['refreshToken', 'refresh_token', 'refresh-token'],
    ['accessToken', 'access_token', 'Access-Token'],
    ['webhookUrl', 'webhook_url', 'webhook-url'],
    ['clientSecret', 'client_secret', 'Client-Secret'],
    ['signingSecret', 'signing_secret', 'signing-secret'],
    ['userToken', 'user_token', 'user-token'],
    ['responseUrl', 'response_url', 'response-url'],
    ['codeVerifier', 'code_verifier', 'code-verifier'],
  ];
  for (const key of names.flat()) {
    const out = r.value({ nested: { [key]: shapeless }, list: [{ [key]: shapeless }] });
    assert.ok(!JSON.stringify(out).includes(shapeless), key);
  }
  assert.deepEqual(r.value({ teamId: 'T1', channel: 'C1' }), { teamId: 'T1', channel: 'C1' });
});

test('a secret straddling a truncation cut is redacted before the cut', () => {
  const r = new Redactor();
  const shapeless = 'canary0straddling0secret0value';
  r.addSecret(shapeless);
  for (const secret of [...Object.values(FAMILIES), shapeless]) {
    for (const at of [500, 505, 510]) {
      const text = `${'a'.repeat(at)}${secret} and more text after it`;
      const cut = r.truncated(text, 512);
      const snippet = r.snippet(Buffer.from(text), 512);
      for (const out of [cut, snippet]) {
        assert.ok(out.length <= 512);
        // Not even the secret's first characters past its prefix survive.
        const tail = secret.slice(-12);
        const head = secret.slice(0, Math.min(512 - at, secret.length));
        assert.ok(!out.includes(tail), `${secret.slice(0, 10)} at ${at}`);
        if (head.length >= 12) assert.ok(!out.includes(head), `${secret.slice(0, 10)} head at ${at}`);
      }
    }
  }
});

test('the registered set stays bounded: shaped secrets are never kept, shapeless ones are capped', () => {
  const r = new Redactor();
  r.addSecret('canary0client0secret0value');
  // What a million installations' clients register: bot, user and refresh tokens, webhook URLs.
  for (let i = 0; i < 1_000_000; i++) {
    r.addSecret(`${X}b-${i}-0000000000-canaryInstallation${i}`);
    r.addSecret(`${X}e-1-canaryRefresh${i}`);
    r.addSecret(`https://hooks.slack.com/services/T${i}/B${i}/canary${i}`);
  }
  assert.equal(r.size, 1);
  assert.equal(r.string('x canary0client0secret0value y'), `x ${REDACTED} y`);
  // A million OAuth codes seen: only the latest few are kept.
  for (let i = 0; i < 1_000_000; i++) r.addCode(`canary-code-${i}`);
  assert.ok(r.size <= 1 + 16, `size ${r.size}`);
  assert.equal(r.string('canary-code-999999'), REDACTED);
  // Shapeless secrets past the bound: the least recently registered goes, a secret in use stays.
  for (let i = 0; i < 1000; i++) {
    r.addSecret(`canary-shapeless-${i}`);
    r.addSecret('canary0client0secret0value');
  }
  assert.ok(r.size <= 256 + 16, `size ${r.size}`);
  assert.equal(r.string('canary0client0secret0value'), REDACTED);
});

test('hideSecrets prints camelCase secrets and tokens in text as [REDACTED]', () => {
  const row = hideSecrets({
    teamId: 'T1',
    botToken: 'canary-shapeless-bot-token',
    refreshToken: 'canary-shapeless-refresh',
    incomingWebhook: { url: FAMILIES.webhook, channel: '#general' },
    note: `made with ${FAMILIES.bot}`,
    installedAt: new Date(0),
  });
  const printed = inspect(row, { depth: 5 });
  for (const secret of ['canary-shapeless-bot-token', 'canary-shapeless-refresh', FAMILIES.webhook, FAMILIES.bot]) {
    assert.ok(!printed.includes(String(secret)), printed);
  }
  assert.match(printed, /T1/);
  assert.match(printed, /#general/);
  assert.match(printed, /1970-01-01/);
});

test("installations' clients register nothing that grows: 10,000 clients on one core", () => {
  const core = new HttpCore();
  const base = new WebClient(`${X}b-0-canaryBase`, { core });
  core.redactor.addSecret('canary0client0secret0value');
  for (let i = 0; i < 10_000; i++) base.withToken(`${X}b-${i}-0000000000-canaryInstallation${i}`);
  for (let i = 0; i < 10_000; i++) new WebClient(`${X}e.${X}p-1-canaryRotated${i}`, { core });
  assert.equal(core.redactor.size, 1);
  core.close();
});

test('hasSecretShape() answers what the value patterns do, through its one-token shortcut too', () => {
  const patternsOnly = new Redactor({ maxSecrets: 0, maxCodes: 0 });
  const values = [
    ...Object.values(FAMILIES).map(String),
    `${X}b-1-2-canaryPlain`,
    `${X}e.${X}b-1-canaryRotating`,
    `${X}e-1-canaryRefresh`,
    `${X}b-canary with a space`,
    `${X}b-canary"quoted`,
    `${X}b-canary\n`,
    `x${X}b-canaryPrefixed`,
    `${X}B-canaryUpper`,
    `${X}e.${X}-canaryNoLetter`,
    `xapp-1-${X}b-canaryInside`,
    'canary0client0secret0value',
    `Bearer ${X}b-canaryBearer`,
  ];
  for (const value of values) {
    assert.equal(hasSecretShape(value), patternsOnly.string(value) === REDACTED, JSON.stringify(value));
  }
  // The shortcut's cases are the ones the redactor never keeps.
  const r = new Redactor();
  r.addSecret(`${X}e.${X}b-1-canaryRotating`);
  r.addSecret(`${X}b-canary with a space`);
  assert.equal(r.size, 1);
});

test('registering a kept secret again keeps it, as the most recent', () => {
  const r = new Redactor({ maxSecrets: 2 });
  r.addSecret('canary0first0secret');
  r.addSecret('canary0second0secret');
  r.addSecret('canary0first0secret'); // again: now the most recent
  r.addSecret('canary0third0secret'); // past the bound: the least recent (second) goes
  assert.equal(
    r.string('canary0first0secret canary0second0secret canary0third0secret'),
    `${REDACTED} canary0second0secret ${REDACTED}`,
  );
});
