import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { api, control } from './helpers.js';
import { access, codeFor } from './oauth-helpers.js';

describe('emulator: token rotation', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator({ app: { tokenRotation: true } });
  });
  after(async () => {
    await emu.close();
  });

  it('issues expiring xoxe. tokens with refresh tokens, in the documented shape', async () => {
    const res = await access(emu, { code: await codeFor(emu, { scope: 'chat:write', user_scope: 'search:read' }) });
    // Slack's rotation sample puts expires_in and refresh_token right after app_id.
    assert.deepEqual(Object.keys(res).slice(5, 8), ['app_id', 'expires_in', 'refresh_token']);
    assert.match(String(res.access_token), /^xoxe\.xoxb-1-[A-Za-z0-9]+$/);
    assert.match(String(res.refresh_token), /^xoxe-1-[A-Za-z0-9]+$/);
    assert.equal(res.expires_in, 43200);
    const user = res.authed_user as Record<string, unknown>;
    assert.match(String(user.access_token), /^xoxe\.xoxp-1-/);
    assert.equal(user.expires_in, 43200);
    assert.match(String(user.refresh_token), /^xoxe-1-/);
  });

  it('expires access tokens after 12 hours and refreshes them with grant_type=refresh_token', async () => {
    const res = await access(emu, { code: await codeFor(emu, { scope: 'chat:write' }) });
    const token = String(res.access_token);
    try {
      emu.state.clock.offsetMs = 43_200_000 - 1000;
      assert.equal((await api(emu, 'auth.test', {}, token)).body.ok, true);
      emu.state.clock.offsetMs = 43_200_000;
      assert.deepEqual((await api(emu, 'auth.test', {}, token)).body, { ok: false, error: 'token_expired' });
      const refreshed = await access(emu, { grant_type: 'refresh_token', refresh_token: String(res.refresh_token) });
      assert.equal(refreshed.ok, true);
      assert.equal(refreshed.token_type, 'bot');
      assert.equal(refreshed.expires_in, 43200);
      assert.equal(refreshed.bot_user_id, res.bot_user_id);
      assert.deepEqual(refreshed.team, res.team);
      assert.notEqual(refreshed.access_token, token);
      assert.notEqual(refreshed.refresh_token, res.refresh_token);
      assert.equal((await api(emu, 'auth.test', {}, String(refreshed.access_token))).body.ok, true);
      emu.state.clock.offsetMs += 31_000; // past the used refresh token's grace period
      const reused = await access(emu, { grant_type: 'refresh_token', refresh_token: String(res.refresh_token) });
      assert.deepEqual(reused, { ok: false, error: 'invalid_refresh_token' });
    } finally {
      emu.state.clock.offsetMs = 0;
    }
  });

  it('keeps at most 2 active tokens when refreshing early', async () => {
    const res = await access(emu, { code: await codeFor(emu, { scope: 'chat:write' }) });
    const first = String(res.access_token);
    const one = await access(emu, { grant_type: 'refresh_token', refresh_token: String(res.refresh_token) });
    assert.equal((await api(emu, 'auth.test', {}, first)).body.ok, true);
    const two = await access(emu, { grant_type: 'refresh_token', refresh_token: String(one.refresh_token) });
    assert.equal((await api(emu, 'auth.test', {}, first)).body.error, 'token_revoked');
    assert.equal((await api(emu, 'auth.test', {}, String(one.access_token))).body.ok, true);
    assert.equal((await api(emu, 'auth.test', {}, String(two.access_token))).body.ok, true);
  });

  it("refuses unknown refresh tokens, other apps' refresh tokens, and turning rotation off", async () => {
    assert.deepEqual(await access(emu, { grant_type: 'refresh_token' }), { ok: false, error: 'invalid_refresh_token' });
    const res = await access(emu, { code: await codeFor(emu, { scope: 'chat:write' }) });
    const other = emu.install.registerApp({ name: 'Other', tokenRotation: true });
    const stolen = await access(emu, {
      grant_type: 'refresh_token',
      refresh_token: String(res.refresh_token),
      auth: { client_id: other.clientId, client_secret: other.clientSecret },
    });
    assert.deepEqual(stolen, { ok: false, error: 'invalid_refresh_token' });
    const off = await control(emu, 'POST', `apps/${emu.clientId}`, { token_rotation: false });
    assert.equal(off.status, 400);
  });

  it('after apps.uninstall the refresh token is dead too', async () => {
    const res = await access(emu, { code: await codeFor(emu, { scope: 'chat:write' }) });
    const bot = String(res.access_token);
    const args = { client_id: emu.clientId, client_secret: emu.clientSecret };
    assert.equal((await api(emu, 'apps.uninstall', args, bot)).body.ok, true);
    const refreshed = await access(emu, { grant_type: 'refresh_token', refresh_token: String(res.refresh_token) });
    assert.deepEqual(refreshed, { ok: false, error: 'invalid_refresh_token' });
  });
});
