// `slackline installations refresh`: the background refresh as a cron job runs it, over a SQLite file
// shared with this process, against a rotation-enabled emulator.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startEmulator } from '../../src/emulator/index.js';
import { runCli } from '../e2e/helpers.js';
import { installInto, openStore, refreshCounter, spendRefreshToken } from './rotation-helpers.js';

test('installations refresh: only what is due (--ahead widens it); a refused token fails with its code', {
  timeout: 60_000,
}, async () => {
  const emu = await startEmulator({ app: { tokenRotation: true } });
  const open = await openStore('sqlite');
  try {
    const teamId = await installInto(emu, open.store);
    const q = { enterpriseId: null, teamId, isEnterpriseInstall: false };
    const before = await open.store.findBot(q);
    const refreshes = refreshCounter(emu);
    const env = {
      SLACKLINE_DATABASE_URL: `sqlite:${open.env.DB}`,
      SLACKLINE_ENCRYPTION_KEYS: open.env.SPEC,
      SLACK_CLIENT_ID: emu.clientId,
      SLACK_CLIENT_SECRET: emu.clientSecret,
      SLACK_API_URL: emu.apiUrl,
    };
    const idle = await runCli(['installations', 'refresh'], env);
    assert.equal(idle.code, 0, idle.stderr);
    assert.equal(idle.stdout.trim(), 'checked 1, refreshed 0, failed 0, not reached 0');
    const ahead = await runCli(['installations', 'refresh', '--ahead', '720'], env);
    assert.equal(ahead.code, 0, ahead.stderr);
    assert.equal(ahead.stdout.trim(), 'checked 1, refreshed 1, failed 0, not reached 0');
    // Slack unreachable while the token still works: nothing refreshed, and that is not a success.
    const unreachable = await runCli(['installations', 'refresh', '--ahead', '720'], {
      ...env,
      SLACK_API_URL: 'http://127.0.0.1:9/api/',
    });
    assert.equal(unreachable.code, 1, unreachable.stdout);
    assert.equal(unreachable.stdout.trim(), 'checked 1, refreshed 0, failed 0, not reached 1');
    assert.match(
      unreachable.stderr,
      new RegExp(`${teamId}: not refreshed, Slack at http://127.0.0.1:9/api/ was not reached`),
    );
    const after = await open.store.findBot(q);
    assert.notEqual(after?.bot?.token, before?.bot?.token);
    assert.equal(after?.version, (before?.version ?? 0) + 1);
    assert.equal(refreshes(true), 1);

    // Spend the stored refresh token elsewhere: the next refresh is refused and reported.
    await spendRefreshToken(emu, after?.bot?.refreshToken);
    emu.state.clock.offsetMs += 31_000; // past the spent refresh token's grace period
    const refused = await runCli(['installations', 'refresh', '--ahead', '720'], env);
    assert.equal(refused.code, 1);
    assert.equal(refused.stdout.trim(), 'checked 1, refreshed 0, failed 1, not reached 0');
    assert.equal(refused.stderr.trim(), `${teamId}: slackline_refresh_rejected`);
    const marked = await open.store.findBot(q);
    assert.equal(marked?.version, (after?.version ?? 0) + 1, 'only the needs-reinstall mark was written');
    assert.equal(marked?.needsReinstall?.reason, 'invalid_refresh_token');
    assert.equal(marked?.bot?.token, after?.bot?.token);
    for (const out of [idle, ahead, refused]) assert.doesNotMatch(out.stdout + out.stderr, /xox[bpe]/);
  } finally {
    await open.close();
    await emu.close();
  }
});
