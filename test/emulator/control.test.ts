import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { api, control } from './helpers.js';

describe('emulator: control API', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator({ seed: { users: [{ name: 'erin', email: 'erin@example.org' }] } });
  });
  after(async () => {
    await emu.close();
  });

  it('seeds users, channels and threaded messages and returns their ids', async () => {
    const res = await control(emu, 'POST', 'seed', {
      users: [{ name: 'frank', real_name: 'Frank F' }],
      channels: [{ name: 'seeded', members: ['frank'], topic: 'hello' }],
      messages: [{ channel: 'seeded', text: 'first', user: 'frank' }],
    });
    assert.equal(res.status, 200);
    const [user] = res.body.users as { id: string; name: string }[];
    const [channel] = res.body.channels as { id: string; name: string }[];
    const [message] = res.body.messages as { channel: string; ts: string }[];
    assert.equal(user?.name, 'frank');
    assert.equal(channel?.name, 'seeded');
    assert.equal(message?.channel, channel?.id);
    const reply = await control(emu, 'POST', 'seed', {
      messages: [{ channel: channel?.id, text: 'reply', thread_ts: message?.ts, count: 3 }],
    });
    assert.equal((reply.body.messages as unknown[]).length, 3);
    const read = await control(emu, 'GET', `messages?channel=${channel?.id}`);
    const messages = read.body.messages as { text: string; user: string; thread_ts?: string }[];
    assert.deepEqual(
      messages.map((m) => m.text),
      ['first', 'reply 1', 'reply 2', 'reply 3'],
    );
    assert.equal(messages[0]?.user, user?.id);
    const history = await api(emu, 'conversations.history', { channel: channel?.id ?? '' });
    assert.equal((history.body.messages as { reply_count: number }[])[0]?.reply_count, 3);
  });

  it('refuses seed data it cannot apply', async () => {
    const res = await control(emu, 'POST', 'seed', { messages: [{ channel: 'no-such-channel', text: 'x' }] });
    assert.equal(res.status, 400);
    assert.equal((await control(emu, 'POST', 'seed', { users: 'many' })).status, 400);
  });

  it('creates more workspaces, each with its own bot token', async () => {
    const res = await control(emu, 'POST', 'seed', { workspaces: [{ name: 'Other Co' }] });
    const [ws] = res.body.workspaces as { id: string; bot_token: string; bot_user_id: string }[];
    const auth = await api(emu, 'auth.test', {}, ws?.bot_token ?? '');
    assert.equal(auth.body.team_id, ws?.id);
    assert.equal(auth.body.user_id, ws?.bot_user_id);
    const channels = await api(emu, 'conversations.list', {}, ws?.bot_token ?? '');
    assert.deepEqual(
      (channels.body.channels as { name: string }[]).map((c) => c.name),
      ['general'],
      'workspaces do not see each other',
    );
  });

  it('issues and revokes tokens', async () => {
    const issued = await control(emu, 'POST', 'tokens', { type: 'user', scopes: 'users:read,chat:write' });
    assert.equal(issued.status, 200);
    const token = String(issued.body.token);
    assert.match(token, /^xoxp-/);
    assert.deepEqual(issued.body.scopes, ['users:read', 'chat:write']);
    assert.equal((await api(emu, 'auth.test', {}, token)).body.ok, true);
    assert.equal((await control(emu, 'POST', 'tokens/revoke', { token })).status, 200);
    assert.equal((await api(emu, 'auth.test', {}, token)).body.error, 'token_revoked');
    assert.equal((await control(emu, 'POST', 'tokens/revoke', { token: 'nope' })).status, 400);
    assert.equal((await control(emu, 'POST', 'tokens', { type: 'root', scopes: [] })).status, 400);
  });

  it('moves the clock, which message timestamps follow', async () => {
    const year = 365 * 24 * 3600 * 1000;
    const moved = await control(emu, 'POST', 'clock', { advance_ms: year });
    assert.equal(moved.body.offset_ms, year);
    const res = await api(emu, 'chat.postMessage', { channel: 'general', text: 'future' });
    assert.ok(Number(res.body.ts) * 1000 > Date.now() + year - 60_000);
    await control(emu, 'POST', 'clock', { offset_ms: 0 });
  });

  it('lists state without token values and resets to the same workspace and tokens', async () => {
    const state = await control(emu, 'GET', 'state');
    assert.ok(!JSON.stringify(state.body).includes(emu.tokens.bot));
    assert.ok((state.body.users as { name: string }[]).some((u) => u.name === 'erin'));
    const before = emu.workspace;
    assert.deepEqual((await control(emu, 'POST', 'reset')).body, { ok: true });
    assert.deepEqual(emu.workspace, before);
    assert.equal(emu.messages('general').length, 0);
    assert.equal((await api(emu, 'auth.test')).body.ok, true);
    const after = await control(emu, 'GET', 'state');
    assert.ok(
      (after.body.users as { name: string }[]).some((u) => u.name === 'erin'),
      'the start seed is re-applied',
    );
    assert.ok(!(after.body.users as { name: string }[]).some((u) => u.name === 'frank'));
    const info = await control(emu, 'GET', 'info');
    assert.equal(info.body.apiUrl, emu.apiUrl);
  });
});

describe('emulator: fetch handler without a port', () => {
  it('serves the same app through fetch()', async () => {
    const emu = await startEmulator({ listen: false });
    try {
      const call = (method: string, body: URLSearchParams) =>
        emu.fetch(
          new Request(`${emu.apiUrl}${method}`, {
            method: 'POST',
            headers: { authorization: `Bearer ${emu.tokens.bot}`, 'content-type': 'application/x-www-form-urlencoded' },
            body,
          }),
        );
      const auth = await call('auth.test', new URLSearchParams());
      assert.equal(auth.headers.get('content-type'), 'application/json; charset=utf-8');
      assert.equal(((await auth.json()) as { ok: boolean }).ok, true);
      const posted = await call('chat.postMessage', new URLSearchParams({ channel: 'general', text: 'no port' }));
      assert.equal(((await posted.json()) as { ok: boolean }).ok, true);
      assert.deepEqual(
        emu.messages('general').map((m) => m.text),
        ['no port'],
      );
      const state = await emu.fetch(new Request(`${emu.url}_emulator/state`));
      assert.equal(state.status, 200);
    } finally {
      await emu.close();
    }
  });
});
