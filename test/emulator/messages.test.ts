import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { api, apiJson, channelId, userId } from './helpers.js';

type Msg = { ts: string; text: string; thread_ts?: string; reply_count?: number; reactions?: unknown; user?: string };

describe('emulator: messages, threads and reactions', () => {
  let emu: Emulator;
  let general: string;
  before(async () => {
    emu = await startEmulator();
  });
  beforeEach(() => {
    emu.reset();
    general = channelId(emu, 'general');
  });
  after(async () => {
    await emu.close();
  });

  it('stores a posted message and returns it like Slack', async () => {
    const res = await api(emu, 'chat.postMessage', { channel: general, text: 'hello <world>' });
    assert.equal(res.body.ok, true);
    assert.equal(res.body.channel, general);
    const message = res.body.message as Msg & { bot_id: string };
    assert.equal(message.text, 'hello <world>');
    assert.equal(message.bot_id, emu.workspace.botId);
    assert.equal(message.user, emu.workspace.botUserId);
    assert.match(String(res.body.ts), /^\d{10}\.\d{6}$/);
    const stored = emu.messages(general);
    assert.equal(stored.length, 1);
    assert.equal(stored[0]?.text, 'hello <world>');
  });

  it('accepts a channel name and a JSON body with blocks', async () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*hi*' } }];
    const res = await apiJson(emu, 'chat.postMessage', { channel: '#random', text: 'fallback', blocks });
    assert.equal(res.body.ok, true);
    assert.deepEqual((res.body.message as { blocks: unknown }).blocks, blocks);
    const form = await api(emu, 'chat.postMessage', { channel: 'random', blocks: JSON.stringify(blocks) });
    assert.equal(form.body.ok, true);
    assert.deepEqual((await api(emu, 'chat.postMessage', { channel: 'random', blocks: '{nope' })).body, {
      ok: false,
      error: 'invalid_blocks_format',
    });
  });

  it('gives timestamps that are unique and increasing', async () => {
    const seen: string[] = [];
    for (let i = 0; i < 50; i++) {
      seen.push(String((await api(emu, 'chat.postMessage', { channel: general, text: `m${i}` })).body.ts));
    }
    const sorted = [...seen].sort();
    assert.deepEqual(seen, sorted);
    assert.equal(new Set(seen).size, seen.length);
  });

  it('answers the errors Slack gives for bad posts', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ channel: 'C999999999', text: 'x' }, 'channel_not_found'],
      [{ channel: channelId(emu, 'ops'), text: 'x' }, 'not_in_channel'],
      [{ channel: channelId(emu, 'secret'), text: 'x' }, 'channel_not_found'],
      [{ channel: general }, 'no_text'],
      [{ channel: general, text: '' }, 'no_text'],
      [{ channel: general, text: 'a', markdown_text: 'b' }, 'markdown_text_conflict'],
      [{ channel: general, text: 'x'.repeat(40_001) }, 'msg_too_long'],
    ];
    for (const [args, error] of cases) {
      assert.deepEqual((await api(emu, 'chat.postMessage', args)).body, { ok: false, error }, error);
    }
    assert.equal(emu.messages(general).length, 0);
  });

  it('lets the bot post to a public channel after joining it', async () => {
    const ops = channelId(emu, 'ops');
    assert.equal((await api(emu, 'conversations.join', { channel: ops })).body.ok, true);
    assert.equal((await api(emu, 'chat.postMessage', { channel: ops, text: 'in' })).body.ok, true);
  });

  it('keeps threads: replies, reply_count, conversations.replies and history without replies', async () => {
    const parent = String((await api(emu, 'chat.postMessage', { channel: general, text: 'parent' })).body.ts);
    const r1 = await api(emu, 'chat.postMessage', { channel: general, text: 'r1', thread_ts: parent });
    assert.equal((r1.body.message as Msg).thread_ts, parent);
    const r2 = await api(emu, 'chat.postMessage', { channel: general, text: 'r2', thread_ts: String(r1.body.ts) });
    assert.equal((r2.body.message as Msg).thread_ts, parent, 'a reply to a reply joins the parent thread');
    await api(emu, 'chat.postMessage', { channel: general, text: 'b', thread_ts: parent, reply_broadcast: true });

    const replies = await api(emu, 'conversations.replies', { channel: general, ts: parent });
    const texts = (replies.body.messages as Msg[]).map((m) => m.text);
    assert.deepEqual(texts, ['parent', 'r1', 'r2', 'b']);
    assert.equal((replies.body.messages as Msg[])[0]?.reply_count, 3);
    assert.equal(replies.body.has_more, false);

    const history = await api(emu, 'conversations.history', { channel: general });
    assert.deepEqual(
      (history.body.messages as Msg[]).map((m) => m.text),
      ['b', 'parent'],
      'newest first, replies only when broadcast',
    );
    assert.deepEqual((await api(emu, 'conversations.replies', { channel: general, ts: '1.000001' })).body, {
      ok: false,
      error: 'thread_not_found',
    });
  });

  it('updates and deletes only the caller’s own messages', async () => {
    const ts = String((await api(emu, 'chat.postMessage', { channel: general, text: 'v1' })).body.ts);
    const updated = await api(emu, 'chat.update', { channel: general, ts, text: 'v2' });
    assert.equal(updated.body.ok, true);
    assert.equal(updated.body.text, 'v2');
    assert.equal(emu.messages(general)[0]?.text, 'v2');
    assert.deepEqual((await api(emu, 'chat.update', { channel: general, ts, text: 'x' }, emu.tokens.user)).body, {
      ok: false,
      error: 'cant_update_message',
    });
    assert.deepEqual((await api(emu, 'chat.update', { channel: general, ts: '1.000002', text: 'x' })).body, {
      ok: false,
      error: 'message_not_found',
    });
    assert.deepEqual((await api(emu, 'chat.delete', { channel: general, ts }, emu.tokens.user)).body, {
      ok: false,
      error: 'cant_delete_message',
    });
    assert.deepEqual((await api(emu, 'chat.delete', { channel: general, ts })).body, {
      ok: true,
      channel: general,
      ts,
    });
    assert.equal(emu.messages(general).length, 0);
    assert.equal((await api(emu, 'chat.delete', { channel: general, ts })).body.error, 'message_not_found');
  });

  it('posts ephemeral messages only to members and builds permalinks', async () => {
    const alice = emu.workspace.userId;
    const res = await api(emu, 'chat.postEphemeral', { channel: general, user: alice, text: 'psst' });
    assert.equal(res.body.ok, true);
    assert.match(String(res.body.message_ts), /^\d+\.\d{6}$/);
    assert.equal(emu.messages(general).length, 0, 'ephemeral messages are not in the channel');
    const ops = channelId(emu, 'ops');
    await api(emu, 'conversations.join', { channel: ops });
    const carol = userId(emu, 'carol');
    assert.equal(
      (await api(emu, 'chat.postEphemeral', { channel: ops, user: carol, text: 'x' })).body.error,
      'user_not_in_channel',
    );

    const ts = String((await api(emu, 'chat.postMessage', { channel: general, text: 'p' })).body.ts);
    const link = await api(emu, 'chat.getPermalink', { channel: general, message_ts: ts });
    // The permalink leads to the emulator, never to a real Slack host.
    assert.equal(link.body.permalink, `${emu.url}archives/${general}/p${ts.replace('.', '')}`);
    assert.equal(
      (await api(emu, 'chat.getPermalink', { channel: general, message_ts: '1.000003' })).body.error,
      'message_not_found',
    );
  });

  it('posting to a user id opens the DM', async () => {
    const bob = userId(emu, 'bob');
    const res = await api(emu, 'chat.postMessage', { channel: bob, text: 'hi bob' });
    assert.equal(res.body.ok, true);
    assert.match(String(res.body.channel), /^D/);
  });

  it('adds, lists and removes reactions', async () => {
    const ts = String((await api(emu, 'chat.postMessage', { channel: general, text: 'react' })).body.ts);
    assert.deepEqual((await api(emu, 'reactions.add', { channel: general, timestamp: ts, name: 'thumbsup' })).body, {
      ok: true,
    });
    await api(emu, 'reactions.add', { channel: general, timestamp: ts, name: ':tada:' }, emu.tokens.user);
    assert.deepEqual((await api(emu, 'reactions.add', { channel: general, timestamp: ts, name: 'thumbsup' })).body, {
      ok: false,
      error: 'already_reacted',
    });
    assert.equal(
      (await api(emu, 'reactions.add', { channel: general, timestamp: ts, name: 'Bad Name' })).body.error,
      'invalid_name',
    );
    assert.equal(
      (await api(emu, 'reactions.add', { channel: general, timestamp: '1.000004', name: 'x' })).body.error,
      'message_not_found',
    );
    const got = await api(emu, 'reactions.get', { channel: general, timestamp: ts });
    assert.equal(got.body.type, 'message');
    assert.deepEqual((got.body.message as Msg).reactions, [
      { name: 'thumbsup', users: [emu.workspace.botUserId], count: 1 },
      { name: 'tada', users: [emu.workspace.userId], count: 1 },
    ]);
    assert.deepEqual((await api(emu, 'reactions.remove', { channel: general, timestamp: ts, name: 'thumbsup' })).body, {
      ok: true,
    });
    assert.equal(
      (await api(emu, 'reactions.remove', { channel: general, timestamp: ts, name: 'thumbsup' })).body.error,
      'no_reaction',
    );
  });
});
