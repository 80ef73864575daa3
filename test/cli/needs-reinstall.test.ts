// `slackline installations list` shows an installation whose token refresh Slack refused.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { KeyRing } from '../../src/crypto/index.js';
import { SqliteInstallationStore } from '../../src/stores/sqlite/index.js';
import { runCli } from '../e2e/helpers.js';

test('installations list marks an installation that needs installing again, with the reason', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'slackline-reinstall-'));
  try {
    const db = join(dir, 'app.db');
    const spec = KeyRing.generateSpec('k1');
    const store = new SqliteInstallationStore(db, { keys: KeyRing.parse(spec) });
    const base = {
      appId: 'A1',
      enterpriseId: null,
      enterpriseName: undefined,
      enterpriseUrl: undefined,
      teamName: 'Team',
      isEnterpriseInstall: false,
      tokenType: 'bot',
      user: { id: 'U2', token: undefined, scopes: [], refreshToken: undefined, expiresAt: undefined },
      incomingWebhook: undefined,
    };
    const bot = { id: 'B1', userId: 'U1', scopes: ['chat:write'], refreshToken: 'xoxe-1-canary-r', expiresAt: 1 };
    await store.save({ ...base, teamId: 'T0MARKED1', bot: { ...bot, token: 'xoxe.xoxb-1-canary-a' } });
    await store.save({ ...base, teamId: 'T0HEALTHY', bot: { ...bot, token: 'xoxe.xoxb-1-canary-b' } });
    const q = { enterpriseId: null, teamId: 'T0MARKED1', isEnterpriseInstall: false };
    assert.equal(await store.markNeedsReinstall(q, undefined, { reason: 'invalid_refresh_token', at: 0 }), true);
    await store.close();
    const env = { SLACKLINE_DATABASE_URL: `sqlite:${db}`, SLACKLINE_ENCRYPTION_KEYS: spec };
    const listed = await runCli(['installations', 'list'], env);
    assert.equal(listed.code, 0, listed.stderr);
    const lines = listed.stdout.trim().split('\n');
    assert.match(lines.find((l) => l.startsWith('T0MARKED1')) ?? '', /NEEDS REINSTALL \(invalid_refresh_token at 1970/);
    assert.doesNotMatch(lines.find((l) => l.startsWith('T0HEALTHY')) ?? 'missing', /NEEDS REINSTALL/);
    const json = await runCli(['installations', 'list', '--json'], env);
    const rows = json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { teamId: string; needsReinstall?: unknown });
    assert.deepEqual(rows.find((r) => r.teamId === 'T0MARKED1')?.needsReinstall, {
      reason: 'invalid_refresh_token',
      at: 0,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
