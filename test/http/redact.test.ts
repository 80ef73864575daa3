import assert from 'node:assert/strict';
import { test } from 'node:test';
import { REDACTED, Redactor } from '../../src/http/redact.js';

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
