// The commands as users run them: `slackline dev --headless`, `serve` in single-workspace mode,
// `installations`, and the refusals that protect tokens.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { KeyRing } from '../../src/crypto/index.js';
import { runCli, spawnCli, stop } from '../e2e/helpers.js';

test('slackline dev --headless installs through the real flow; installations list/show/delete never print a token', {
  timeout: 60_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'slackline-cli-'));
  const database = `sqlite:${join(dir, 'dev.db')}`;
  const dev = await spawnCli(['dev', '--port', '0', '--emulator-port', '0', '--headless', '--json'], {
    SLACKLINE_DATABASE_URL: database,
  });
  try {
    const info = JSON.parse(dev.line) as { headlessInstall: string; teamId: string; apiUrl: string };
    assert.equal(info.headlessInstall, 'completed');
    assert.equal(statSync(join(dir, 'dev.db.key')).mode & 0o777, 0o600); // the embedded-default key
    const env = { SLACKLINE_DATABASE_URL: database, SLACK_SCOPES: 'chat:write,reactions:write' };
    const listed = await runCli(['installations', 'list', '--json'], env);
    assert.equal(listed.code, 0, listed.stderr);
    const row = JSON.parse(listed.stdout.trim()) as { teamId: string; missingScopes: string[]; hasBotToken: boolean };
    assert.equal(row.teamId, info.teamId);
    assert.deepEqual(row.missingScopes, ['reactions:write']);
    const text = await runCli(['installations', 'list'], env);
    assert.match(text.stdout, /missing: reactions:write/);
    // Key rotation: a new key first, the generated one after it; reseal; then the old key can go.
    const oldKey = readFileSync(join(dir, 'dev.db.key'), 'utf8').trim();
    const newKey = KeyRing.generateSpec('rotated');
    const resealed = await runCli(['installations', 'reseal'], {
      ...env,
      SLACKLINE_ENCRYPTION_KEYS: `${newKey},${oldKey}`,
    });
    assert.equal(resealed.code, 0, resealed.stderr);
    assert.match(resealed.stdout, /resealed 1 row\(s\) under key 'rotated'/);
    const onlyNew = await runCli(['installations', 'show', info.teamId], { ...env, SLACKLINE_ENCRYPTION_KEYS: newKey });
    assert.equal(onlyNew.code, 0, onlyNew.stderr);
    assert.match(onlyNew.stdout, /"version": 2/);
    const onlyOld = await runCli(['installations', 'show', info.teamId], { ...env, SLACKLINE_ENCRYPTION_KEYS: oldKey });
    assert.equal(onlyOld.code, 1);
    assert.match(onlyOld.stderr, /no key 'rotated'/);

    const refused = await runCli(['installations', 'delete', info.teamId], env);
    assert.equal(refused.code, 2);
    const deleted = await runCli(['installations', 'delete', info.teamId, '--yes'], env);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.equal((await runCli(['installations', 'show', info.teamId], env)).code, 1);
    for (const out of [listed, text, refused, deleted]) assert.doesNotMatch(out.stdout + out.stderr, /xox[bpe]-/);
  } finally {
    await stop(dev.child);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('serve with SLACK_BOT_TOKEN only: install routes say OAuth is not configured; /healthz answers', {
  timeout: 30_000,
}, async () => {
  const serve = await spawnCli(['serve', '--port', '0', '--host', '127.0.0.1'], {
    SLACK_BOT_TOKEN: 'xoxb-canary-single',
    SLACK_CLIENT_ID: '',
    SLACKLINE_DATABASE_URL: 'memory:',
  });
  try {
    const port = /port (\d+)/.exec(serve.line)?.[1];
    const install = await fetch(`http://127.0.0.1:${port}/slack/install`);
    assert.equal(install.status, 404);
    assert.match(await install.text(), /OAuth is not configured/);
    assert.equal(await (await fetch(`http://127.0.0.1:${port}/healthz`)).text(), 'ok\n');
    const events = await fetch(`http://127.0.0.1:${port}/slack/events`, { method: 'POST', body: '{}' });
    assert.equal(events.status, 404); // no signing secret: no events endpoint
  } finally {
    await stop(serve.child);
  }
});

test('serve refuses PostgreSQL without SLACKLINE_ENCRYPTION_KEYS', async () => {
  const res = await runCli(['serve', '--port', '0'], {
    SLACK_CLIENT_ID: '1.2',
    SLACK_CLIENT_SECRET: 'canary',
    SLACK_BOT_TOKEN: '',
    SLACKLINE_DATABASE_URL: 'postgres://127.0.0.1:1/none',
    SLACKLINE_ENCRYPTION_KEYS: '',
  });
  assert.equal(res.code, 1);
  assert.match(res.stderr, /SLACKLINE_ENCRYPTION_KEYS is required/);
});
