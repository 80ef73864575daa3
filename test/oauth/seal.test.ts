import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { KeyRing, SealError, SealErrorCode } from '../../src/crypto/index.js';
import { SlacklineError } from '../../src/http/errors.js';

const code = (fn: () => unknown) => {
  try {
    fn();
    return 'ok';
  } catch (err) {
    assert.ok(err instanceof SealError);
    return err.code;
  }
};

test('AES-256-GCM sealing: key id in the value, row identity as AAD, rotation opens old values', () => {
  const old = KeyRing.generateSpec('old');
  const ring = KeyRing.parse(old);
  const sealed = ring.seal('xoxb-canary', 'installation::T1:');
  assert.equal(KeyRing.keyIdOf(sealed), 'old');
  assert.doesNotMatch(sealed, /canary/);
  assert.notEqual(ring.seal('xoxb-canary', 'installation::T1:'), sealed); // a fresh IV each time
  assert.equal(ring.open(sealed, 'installation::T1:'), 'xoxb-canary');
  assert.equal(
    code(() => ring.open(sealed, 'installation::T2:')),
    'seal_corrupt',
  ); // moved to another row
  // One character of the tag changed, whatever it was (comparing with the replaced one, not the last:
  // a replacement equal to the original left the value intact once in 64 runs).
  const replaced = sealed.at(-2);
  const tampered = `${sealed.slice(0, -2)}${replaced === 'A' ? 'B' : 'A'}${sealed.slice(-1)}`;
  assert.notEqual(tampered, sealed);
  assert.equal(
    code(() => ring.open(tampered, 'installation::T1:')),
    'seal_corrupt',
  );

  const rotated = KeyRing.parse(`${KeyRing.generateSpec('new')},${old}`);
  assert.equal(rotated.currentKeyId, 'new');
  assert.equal(rotated.open(sealed, 'installation::T1:'), 'xoxb-canary');
  assert.equal(KeyRing.keyIdOf(rotated.seal('x', 'a')), 'new');
  assert.equal(
    code(() => KeyRing.parse(KeyRing.generateSpec('other')).open(sealed, 'installation::T1:')),
    'seal_unknown_key',
  );
  const shown = inspect(rotated) + JSON.stringify(rotated);
  assert.ok(shown.includes('old') && !shown.includes(old.split(':')[1] ?? 'x'));
});

test('bad key specs are refused with a clear error', () => {
  assert.equal(
    code(() => KeyRing.parse('k1:c2hvcnQ=')),
    'seal_bad_key',
  );
  assert.equal(
    code(() => KeyRing.parse('nocolon')),
    'seal_bad_key',
  );
  assert.equal(
    code(() => KeyRing.parse('')),
    'seal_bad_key',
  );
  const spec = KeyRing.generateSpec('dup');
  assert.equal(
    code(() => KeyRing.parse(`${spec},${spec}`)),
    'seal_bad_key',
  );
});

test('weak or sloppy keys are refused, each with a message that says why and how to make one', () => {
  const refused = (spec: string, why: RegExp) => {
    try {
      KeyRing.parse(spec);
    } catch (err) {
      assert.ok(err instanceof SealError && err instanceof SlacklineError, String(err));
      assert.equal(err.code, SealErrorCode.BadKey);
      assert.match(err.message, why);
      assert.match(err.message, /slackline keys generate/);
      return;
    }
    assert.fail(`accepted ${spec}`);
  };
  const good = Buffer.from(KeyRing.generateSpec('g').split(':')[1] as string, 'base64');
  const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
  refused(`z:${b64(new Uint8Array(32))}`, /too weak.*distinct bytes/); // all zero
  refused(`z:${b64(new Uint8Array(32).fill(0xff))}`, /too weak/);
  refused(`z:${b64(Buffer.from('0123456789abcdef'.repeat(2)))}`, /too weak/); // a pattern
  refused(`p:${b64(Buffer.from('my company slack app secret 2026'))}`, /too weak.*printable/); // a passphrase
  // Words that happen to decode to 32 bytes:
  refused('h:correcthorsebatterystaplecorrecthorsebattes=', /too weak.*distinct characters/);
  refused('q:thequickbrownfoxjumpsoverthelazydogandthens=', /too weak.*one case/);
  refused(`j:${b64(good).slice(0, 10)}!!${b64(good).slice(10)}`, /not canonical base64/); // junk Node would skip
  refused(`w:${b64(good).replace(/=$/, '')}`, /not canonical base64/); // padding dropped
  refused(`s:${b64(good).slice(0, 20)}\n${b64(good).slice(20)}`, /not canonical base64/); // a line break inside
  refused(`l:${b64(Buffer.concat([good, good.subarray(0, 1)]))}`, /32 bytes/);
  assert.throws(() => new KeyRing([{ id: 'c', key: new Uint8Array(32) }]), /too weak/); // the constructor too
  // What `keys generate` prints is accepted, 1,000 times over.
  for (let i = 0; i < 1000; i++) KeyRing.parse(KeyRing.generateSpec(`k${i}`));
});

test('a malformed entry is refused without repeating it (it may be a secret pasted in the wrong place)', () => {
  for (const spec of ['my secret passphrase:abc', 'hunter2 hunter2:AAAA']) {
    try {
      KeyRing.parse(spec);
      assert.fail('accepted');
    } catch (err) {
      assert.ok(err instanceof SealError);
      assert.doesNotMatch(err.message, /secret|hunter2/);
    }
  }
});

test('every seal has its own IV, across the refills of the IV pool, and opens again', () => {
  const ring = KeyRing.parse(KeyRing.generateSpec('k'));
  const ivs = new Set<string>();
  for (let i = 0; i < 1_000; i++) {
    const sealed = ring.seal(`xoxb-canary-${i}`, 'installation::T1:');
    ivs.add(
      Buffer.from(sealed.split('.')[2] as string, 'base64url')
        .subarray(0, 12)
        .toString('hex'),
    );
    assert.equal(ring.open(sealed, 'installation::T1:'), `xoxb-canary-${i}`);
  }
  assert.equal(ivs.size, 1_000); // 256 IVs are drawn at a time: this crossed three refills
});
