import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import {
  readLimitedBody,
  SignatureError,
  signSlackRequest,
  slackVerifier,
  verifySlackRequest,
} from '../../src/events/verify.js';
import type { Clock } from '../../src/http/clock.js';

// Slack's documented example (docs.slack.dev "Verifying requests from Slack"; also in slack_sdk's tests).
const KAT = {
  secret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: '1531420618',
  body: 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
};

/** A clock stopped at `seconds` (the signature check reads seconds from the millisecond clock). */
const at = (seconds: number): Clock => ({ now: () => seconds * 1000, scale: 1 });

const code = (fn: () => void) => {
  try {
    fn();
    return 'ok';
  } catch (err) {
    assert.ok(err instanceof SignatureError);
    return err.code;
  }
};

test("Slack's documented test vector verifies (known answer), and signSlackRequest reproduces it", () => {
  const now = Number(KAT.timestamp);
  assert.equal(
    code(() => verifySlackRequest({ signingSecret: KAT.secret, ...KAT, clock: at(now) })),
    'ok',
  );
  assert.equal(signSlackRequest(KAT.secret, now, KAT.body), KAT.signature);
  assert.equal(
    code(() => verifySlackRequest({ signingSecret: KAT.secret, ...KAT, body: `${KAT.body} `, clock: at(now) })),
    'signature_mismatch',
  );
});

test('the window is ±300 s in both directions', () => {
  const ts = Number(KAT.timestamp);
  for (const [now, want] of [
    [ts + 300, 'ok'],
    [ts - 300, 'ok'],
    [ts + 301, 'timestamp_out_of_window'],
    [ts - 301, 'timestamp_out_of_window'],
  ] as const) {
    assert.equal(
      code(() => verifySlackRequest({ signingSecret: KAT.secret, ...KAT, clock: at(now) })),
      want,
      String(now - ts),
    );
  }
});

test('formats are checked first; two secrets during rotation; the body limit comes before hashing', () => {
  const now = Number(KAT.timestamp);
  const base = { signingSecret: KAT.secret, ...KAT, clock: at(now) };
  assert.equal(
    code(() => verifySlackRequest({ ...base, signature: KAT.signature.toUpperCase() })),
    'signature_malformed',
  );
  assert.equal(
    code(() => verifySlackRequest({ ...base, signature: `v1=${KAT.signature.slice(3)}` })),
    'signature_malformed',
  );
  assert.equal(
    code(() => verifySlackRequest({ ...base, signature: undefined })),
    'signature_missing',
  );
  assert.equal(
    code(() => verifySlackRequest({ ...base, timestamp: '1531420618.5' })),
    'timestamp_malformed',
  );
  assert.equal(
    code(() => verifySlackRequest({ ...base, signingSecret: ['new-secret', KAT.secret] })),
    'ok',
  );
  assert.equal(
    code(() => verifySlackRequest({ ...base, signingSecret: ['new-secret', 'other'] })),
    'signature_mismatch',
  );
  assert.equal(
    code(() => verifySlackRequest({ ...base, maxBodyBytes: 10 })),
    'body_too_large',
  );
});

test('the bound verifier computes the HMAC createHmac does, for every key length and body size', () => {
  // Key blocks are derived once (keys past 64 bytes are hashed first) and small bodies hashed from a
  // reused buffer, large ones streamed: each path must give Node's HMAC, and nothing left from the
  // previous request may leak into the next.
  const now = Number(KAT.timestamp);
  const secrets = [
    'k',
    'x'.repeat(63),
    'y'.repeat(64),
    'z'.repeat(65),
    's\u00e9cr\u00e8t-\u{1F511}'.repeat(9),
    'w'.repeat(300),
  ];
  const sizes = [0, 1, 55, 64, 1000, 16 * 1024 - 20, 16 * 1024, 20_000];
  const hmac = (secret: string, body: Uint8Array) =>
    `v0=${createHmac('sha256', secret).update(`v0:${KAT.timestamp}:`).update(body).digest('hex')}`;
  const rotating = slackVerifier(['first-secret', 'second-secret'], 1 << 20, at(now));
  for (const size of [...sizes].reverse().concat(sizes)) {
    const body = new Uint8Array(size).map((_, i) => (i * 31 + size) & 0xff);
    for (const secret of secrets) {
      const verify = slackVerifier([secret], 1 << 20, at(now));
      assert.equal(
        code(() => verify(KAT.timestamp, hmac(secret, body), body)),
        'ok',
        `${secret.length}/${size}`,
      );
      const other = body.length === 0 ? new Uint8Array([1]) : body.map((b, i) => (i === body.length - 1 ? b ^ 1 : b));
      assert.equal(
        code(() => verify(KAT.timestamp, hmac(secret, other), body)),
        'signature_mismatch',
      );
    }
    assert.equal(
      code(() => rotating(KAT.timestamp, hmac('second-secret', body), body)),
      'ok',
    );
    assert.equal(
      code(() => rotating(KAT.timestamp, hmac('first-secret', body), body)),
      'ok',
    );
    assert.equal(
      code(() => rotating(KAT.timestamp, hmac('third-secret', body), body)),
      'signature_mismatch',
    );
  }
  const verify = slackVerifier([KAT.secret], 1 << 20, at(now));
  const hex = KAT.signature.slice(3);
  for (const bad of [
    `v0=${hex.slice(0, 63)}g`,
    `v0=${hex.slice(1)}`,
    `${KAT.signature}0`,
    `v0:${hex}`,
    `v0=${hex.slice(0, 62)}+0`,
  ]) {
    assert.equal(
      code(() => verify(KAT.timestamp, bad, KAT.body)),
      'signature_malformed',
      bad,
    );
  }
  assert.equal(
    code(() => verify(KAT.timestamp, KAT.signature, KAT.body)),
    'ok',
  );
});

test('readLimitedBody refuses an oversized body by Content-Length and while streaming', async () => {
  const big = new Request('http://x/', {
    method: 'POST',
    body: 'x'.repeat(2000),
    headers: { 'content-length': '2000' },
  });
  await assert.rejects(readLimitedBody(big, 1000), (e: unknown) => e instanceof SignatureError && e.status === 413);
  const stream = new ReadableStream({
    start(c) {
      for (let i = 0; i < 10; i++) c.enqueue(new Uint8Array(500));
      c.close();
    },
  });
  const chunked = new Request('http://x/', { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
  await assert.rejects(readLimitedBody(chunked, 1000), (e: unknown) => e instanceof SignatureError && e.status === 413);
});
