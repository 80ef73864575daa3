// `slackline keys generate` prints an entry the key ring accepts; `keys rotate` re-seals under the
// first key; a weak key stops the command with the reason, before any store is touched.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { KeyRing } from '../../src/crypto/index.js';
import { SqliteInstallationStore } from '../../src/stores/sqlite/index.js';
import { runCli } from '../e2e/helpers.js';
import { install } from './conformance.js';

test('keys generate prints fresh, accepted entries; keys rotate re-seals; a weak key is refused with why', {
  timeout: 60_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'slackline-keys-'));
  try {
    const a = await runCli(['keys', 'generate'], {});
    const b = await runCli(['keys', 'generate', '--id', 'next'], {});
    assert.equal(a.code, 0, a.stderr);
    assert.match(a.stdout, /^k\d{8}:[A-Za-z0-9+/]{43}=\n$/);
    assert.match(b.stdout, /^next:[A-Za-z0-9+/]{43}=\n$/);
    assert.notEqual(a.stdout.split(':')[1], b.stdout.split(':')[1]);
    const oldSpec = a.stdout.trim();
    const newSpec = b.stdout.trim();
    KeyRing.parse(`${newSpec},${oldSpec}`);

    const db = join(dir, 'keys.db');
    const before = new SqliteInstallationStore(db, { keys: KeyRing.parse(oldSpec) });
    await before.save(install({ team: 'T0K1', token: 'xoxb-canary-k1' }));
    await before.close();
    const env = { SLACKLINE_DATABASE_URL: `sqlite:${db}`, SLACKLINE_ENCRYPTION_KEYS: `${newSpec},${oldSpec}` };
    const rotated = await runCli(['keys', 'rotate'], env);
    assert.equal(rotated.code, 0, rotated.stderr);
    assert.match(rotated.stdout, /resealed 1 row\(s\) under key 'next'/);
    assert.match(rotated.stdout, /every row is sealed under 'next': the other keys can be dropped/);
    assert.match(rotated.stderr, /re-sealing: 1\/1 rows/);
    const again = await runCli(['keys', 'rotate'], env); // resumable: a second run finds nothing left
    assert.match(again.stdout, /resealed 0 row\(s\)/);
    const after = new SqliteInstallationStore(db, { keys: KeyRing.parse(newSpec) }); // the old key dropped
    assert.equal(
      (await after.findBot({ enterpriseId: null, teamId: 'T0K1', isEnterpriseInstall: false }))?.bot?.token,
      'xoxb-canary-k1',
    );
    await after.close();

    const zero = `z:${Buffer.alloc(32).toString('base64')}`;
    const weak = await runCli(['installations', 'list'], { ...env, SLACKLINE_ENCRYPTION_KEYS: zero });
    assert.notEqual(weak.code, 0);
    assert.match(weak.stderr, /key 'z' is too weak.*slackline keys generate/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
