import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { api, channelId } from './helpers.js';

describe('emulator: authentication, scopes and method lookup', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator();
  });
  after(async () => {
    await emu.close();
  });

  it('answers not_authed without a token and invalid_auth for an unknown one', async () => {
    const none = await api(emu, 'auth.test', {}, null);
    assert.equal(none.status, 200);
    assert.deepEqual(none.body, { ok: false, error: 'not_authed' });
    const unknown = await api(emu, 'auth.test', {}, `${emu.tokens.bot}x`);
    assert.deepEqual(unknown.body, { ok: false, error: 'invalid_auth' });
  });

  it('answers token_revoked once a token is revoked', async () => {
    const token = emu.issueToken({ type: 'bot', scopes: ['chat:write'] });
    assert.equal((await api(emu, 'auth.test', {}, token)).body.ok, true);
    assert.equal(emu.revokeToken(token), true);
    assert.deepEqual((await api(emu, 'auth.test', {}, token)).body, { ok: false, error: 'token_revoked' });
  });

  it('issues tokens shaped like Slack tokens', () => {
    assert.match(emu.tokens.bot, /^xoxb-\d+-\d+-[A-Za-z0-9]{24}$/);
    assert.match(emu.tokens.user, /^xoxp-\d+-\d+-\d+-[0-9a-f]{32}$/);
    assert.match(emu.tokens.app, /^xapp-1-A[0-9A-Z]+-\d+-[0-9a-f]{64}$/);
  });

  it('reports missing_scope with needed and provided like Slack', async () => {
    const token = emu.issueToken({ type: 'bot', scopes: ['users:read', 'team:read'] });
    const res = await api(emu, 'chat.postMessage', { channel: channelId(emu, 'general'), text: 'x' }, token);
    assert.deepEqual(res.body, {
      ok: false,
      error: 'missing_scope',
      needed: 'chat:write',
      provided: 'users:read,team:read',
    });
    assert.equal(res.headers.get('x-oauth-scopes'), 'users:read,team:read');
    assert.equal(res.headers.get('x-accepted-oauth-scopes'), 'chat:write');
  });

  it('accepts any one listed scope, then checks the one the conversation type needs', async () => {
    const token = emu.issueToken({ type: 'bot', scopes: ['channels:history'] });
    const pub = await api(emu, 'conversations.history', { channel: channelId(emu, 'general') }, token);
    assert.equal(pub.body.ok, true);
    const dm = await api(emu, 'conversations.open', { users: emu.workspace.userId });
    const id = (dm.body.channel as { id: string }).id;
    const res = await api(emu, 'conversations.history', { channel: id }, token);
    assert.deepEqual(res.body, {
      ok: false,
      error: 'missing_scope',
      needed: 'im:history',
      provided: 'channels:history',
    });
  });

  it('answers not_allowed_token_type for a token type the method does not list', async () => {
    assert.deepEqual((await api(emu, 'admin.users.list', {})).body, { ok: false, error: 'not_allowed_token_type' });
    assert.deepEqual((await api(emu, 'chat.postMessage', { channel: 'x', text: 'y' }, emu.tokens.app)).body, {
      ok: false,
      error: 'not_allowed_token_type',
    });
    const open = await api(emu, 'apps.connections.open', {}, emu.tokens.app);
    assert.equal(open.body.ok, true);
  });

  it('answers unknown_method with HTTP 200 and req_method', async () => {
    const res = await api(emu, 'foo.bar', {});
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { ok: false, error: 'unknown_method', req_method: 'foo.bar' });
    assert.ok(res.headers.get('x-slack-req-id'));
  });

  it('answers method_deprecated for retired methods', async () => {
    const res = await api(emu, 'channels.list', {});
    assert.equal(res.body.ok, false);
    assert.equal(res.body.error, 'method_deprecated');
  });

  it('answers invalid_arguments naming an absent required argument', async () => {
    const res = await api(emu, 'conversations.info', {});
    assert.deepEqual(res.body, {
      ok: false,
      error: 'invalid_arguments',
      response_metadata: { messages: ['[ERROR] missing required field: channel'] },
    });
    // Present but empty is a lookup failure instead.
    assert.deepEqual((await api(emu, 'conversations.info', { channel: '' })).body, {
      ok: false,
      error: 'channel_not_found',
    });
  });

  it('serves api.test without a token and echoes its arguments', async () => {
    const res = await api(emu, 'api.test', { foo: 'bar' }, null);
    assert.deepEqual(res.body, { ok: true, args: { foo: 'bar' } });
    const err = await api(emu, 'api.test', { error: 'my_error' }, null);
    assert.deepEqual(err.body, { ok: false, error: 'my_error', args: { error: 'my_error' } });
  });

  it('takes the token from a form field or the query string, but not from a JSON body', async () => {
    const form = await fetch(`${emu.apiUrl}auth.test`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: emu.tokens.user }),
    });
    assert.equal(((await form.json()) as { user: string }).user, 'alice');
    const query = await fetch(`${emu.apiUrl}auth.test?token=${encodeURIComponent(emu.tokens.bot)}`);
    assert.equal(((await query.json()) as { ok: boolean }).ok, true);
    const json = await fetch(`${emu.apiUrl}auth.test`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: emu.tokens.bot }),
    });
    assert.deepEqual(await json.json(), { ok: false, error: 'not_authed' });
  });

  it('answers auth.test for bot and user tokens with the right identities', async () => {
    const bot = await api(emu, 'auth.test', {});
    assert.equal(bot.body.user_id, emu.workspace.botUserId);
    assert.equal(bot.body.bot_id, emu.workspace.botId);
    assert.equal(bot.body.team_id, emu.workspace.teamId);
    const user = await api(emu, 'auth.test', {}, emu.tokens.user);
    assert.equal(user.body.user_id, emu.workspace.userId);
    assert.equal(user.body.bot_id, undefined);
    assert.equal(user.headers.get('content-type'), 'application/json; charset=utf-8');
  });

  it('answers methods it does not model from the recorded samples after the checks', async () => {
    const res = await api(emu, 'emoji.list', {});
    assert.equal(res.body.ok, true);
    const shape = await api(
      emu,
      'admin.apps.approve',
      {},
      emu.issueToken({ type: 'user', scopes: ['admin.apps:write'] }),
    );
    assert.equal(shape.body.ok, true);
    assert.equal(shape.body.error, undefined);
  });
});
