import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { KeyRing, SealError } from '../../src/crypto/index.js';

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
  const tampered = `${sealed.slice(0, -2)}${sealed.endsWith('A') ? 'B' : 'A'}${sealed.slice(-1)}`;
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
