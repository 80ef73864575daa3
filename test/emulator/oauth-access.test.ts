import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WebClient } from '@slack/web-api';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { api, channelId } from './helpers.js';
import { access, codeFor, REDIRECT } from './oauth-helpers.js';

describe('emulator: oauth.v2.access', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator();
  });
  after(async () => {
    await emu.close();
  });

  it("exchanges a code for a bot token and a user token shaped like Slack's answer", async () => {
    const code = await codeFor(emu, { scope: 'chat:write,channels:read', user_scope: 'search:read', state: 's' });
    const res = await access(emu, { code });
    assert.deepEqual(Object.keys(res), [
      'ok',
      'access_token',
      'token_type',
      'scope',
      'bot_user_id',
      'app_id',
      'team',
      'enterprise',
      'is_enterprise_install',
      'authed_user',
    ]);
    assert.equal(res.ok, true);
    assert.match(String(res.access_token), /^xoxb-\d+-\d+-[A-Za-z0-9]+$/);
    assert.equal(res.token_type, 'bot');
    assert.equal(res.scope, 'chat:write,channels:read');
    assert.equal(res.bot_user_id, emu.workspace.botUserId);
    assert.equal(res.app_id, emu.workspace.appId);
    assert.deepEqual(res.team, { id: emu.workspace.teamId, name: emu.workspace.teamName });
    assert.equal(res.enterprise, null);
    assert.equal(res.is_enterprise_install, false);
    const user = res.authed_user as Record<string, unknown>;
    assert.deepEqual(Object.keys(user), ['id', 'scope', 'access_token', 'token_type']);
    assert.equal(user.id, emu.workspace.userId);
    assert.equal(user.scope, 'search:read');
    assert.match(String(user.access_token), /^xoxp-/);
    assert.equal(user.token_type, 'user');

    // The bot token works and posts as the app's bot; the user token acts as the installing user.
    const general = channelId(emu, 'general');
    const post = await api(emu, 'chat.postMessage', { channel: general, text: 'installed' }, String(res.access_token));
    assert.equal(post.body.ok, true);
    assert.equal(emu.messages(general).at(-1)?.bot_id, emu.workspace.botId);
    const me = await api(emu, 'auth.test', {}, String(user.access_token));
    assert.equal(me.body.user_id, emu.workspace.userId);
    const missing = await api(emu, 'users.list', {}, String(res.access_token));
    assert.equal(missing.body.error, 'missing_scope');
  });

  it('accepts client credentials by HTTP Basic or as form fields', async () => {
    assert.equal((await access(emu, { code: await codeFor(emu, { scope: 'chat:write' }), auth: 'basic' })).ok, true);
    assert.equal((await access(emu, { code: await codeFor(emu, { scope: 'chat:write' }), auth: 'form' })).ok, true);
  });

  it('works for the official @slack/web-api client', async () => {
    const code = await codeFor(emu, { scope: 'chat:write', redirect_uri: REDIRECT });
    const client = new WebClient(undefined, { slackApiUrl: emu.apiUrl, retryConfig: { retries: 0 } });
    const res = await client.oauth.v2.access({
      client_id: emu.clientId,
      client_secret: emu.clientSecret,
      code,
      redirect_uri: REDIRECT,
    });
    assert.equal(res.ok, true);
    assert.equal(res.team?.id, emu.workspace.teamId);
  });

  it('answers invalid_client_id and bad_client_secret', async () => {
    const code = await codeFor(emu, { scope: 'chat:write' });
    const cases: [Parameters<typeof access>[1]['auth'], string][] = [
      [{ client_secret: emu.clientSecret }, 'invalid_client_id'],
      [{ client_id: '1.2', client_secret: emu.clientSecret }, 'invalid_client_id'],
      [{ client_id: emu.clientId }, 'bad_client_secret'],
      [{ client_id: emu.clientId, client_secret: `${emu.clientSecret}x` }, 'bad_client_secret'],
    ];
    for (const [auth, error] of cases) assert.deepEqual(await access(emu, { code, auth }), { ok: false, error });
    const res = await fetch(`${emu.apiUrl}oauth.v2.access`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Basic !!!' },
      body: new URLSearchParams({ code }),
    });
    assert.deepEqual(await res.json(), { ok: false, error: 'invalid_client_id' });
    // None of those used the code up.
    assert.equal((await access(emu, { code })).ok, true);
  });

  it('answers invalid_code for a missing or unknown code and code_already_used for a reused one', async () => {
    assert.deepEqual(await access(emu, {}), { ok: false, error: 'invalid_code' });
    assert.deepEqual(await access(emu, { code: '1.2.3' }), { ok: false, error: 'invalid_code' });
    const code = await codeFor(emu, { scope: 'chat:write' });
    assert.equal((await access(emu, { code })).ok, true);
    assert.deepEqual(await access(emu, { code }), { ok: false, error: 'code_already_used' });
  });

  it('codes expire after 10 minutes of emulator time', async () => {
    const fresh = await codeFor(emu, { scope: 'chat:write' });
    const stale = await codeFor(emu, { scope: 'chat:write' });
    try {
      emu.state.clock.offsetMs += 9 * 60 * 1000;
      assert.equal((await access(emu, { code: fresh })).ok, true);
      emu.state.clock.offsetMs += 60 * 1000 + 1;
      assert.deepEqual(await access(emu, { code: stale }), { ok: false, error: 'invalid_code' });
    } finally {
      emu.state.clock.offsetMs = 0;
    }
  });

  it('answers bad_redirect_uri when redirect_uri differs from the authorize step', async () => {
    const other = `${REDIRECT}/other`;
    const withUri = await codeFor(emu, { scope: 'chat:write', redirect_uri: REDIRECT });
    assert.deepEqual(await access(emu, { code: withUri, redirect_uri: other }), {
      ok: false,
      error: 'bad_redirect_uri',
    });
    assert.deepEqual(await access(emu, { code: withUri }), { ok: false, error: 'bad_redirect_uri' });
    assert.equal((await access(emu, { code: withUri, redirect_uri: REDIRECT })).ok, true);
    const without = await codeFor(emu, { scope: 'chat:write' });
    assert.deepEqual(await access(emu, { code: without, redirect_uri: other }), {
      ok: false,
      error: 'bad_redirect_uri',
    });
    assert.equal((await access(emu, { code: without })).ok, true);
  });

  it('answers invalid_grant_type, and a code of another app is invalid_code', async () => {
    const code = await codeFor(emu, { scope: 'chat:write' });
    assert.deepEqual(await access(emu, { code, grant_type: 'password' }), { ok: false, error: 'invalid_grant_type' });
    const other = emu.install.registerApp({ name: 'Other' });
    const res = await access(emu, { code, auth: { client_id: other.clientId, client_secret: other.clientSecret } });
    assert.deepEqual(res, { ok: false, error: 'invalid_code' });
  });

  it('keeps the bot token on reinstall and adds scopes', async () => {
    const first = await access(emu, { code: await codeFor(emu, { scope: 'chat:write' }) });
    const second = await access(emu, { code: await codeFor(emu, { scope: 'users:read' }) });
    assert.equal(second.access_token, first.access_token);
    assert.deepEqual(String(second.scope).split(',').sort(), ['chat:write', 'channels:read', 'users:read'].sort());
    const users = await api(emu, 'users.list', {}, String(second.access_token));
    assert.equal(users.body.ok, true);
  });

  it('user-only installs carry no bot token', async () => {
    const res = await access(emu, { code: await codeFor(emu, { user_scope: 'search:read' }) });
    assert.equal(res.ok, true);
    assert.equal(res.access_token, undefined);
    assert.equal(res.bot_user_id, undefined);
    assert.equal((res.authed_user as Record<string, unknown>).token_type, 'user');
  });

  it('logs every exchange for the control API', async () => {
    const before = emu.install.exchanges().length;
    await access(emu, { code: 'nope' });
    const res = await fetch(`${emu.url}_emulator/oauth/exchanges`);
    const body = (await res.json()) as { exchanges: { ok: boolean; error: string | null }[] };
    assert.equal(body.exchanges.length, before + 1);
    assert.deepEqual(body.exchanges.at(-1)?.error, 'invalid_code');
  });
});
