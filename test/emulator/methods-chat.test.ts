// Scheduled messages, chat.meMessage, message metadata and team.preferences.list over real HTTP.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { api, apiJson, channelId, control } from './helpers.js';

type Scheduled = { id: string; channel_id: string; post_at: number; date_created: number; text: string };
type Msg = { text: string; ts: string; subtype?: string; metadata?: { event_type: string; event_payload: unknown } };

async function clockSeconds(emu: Emulator): Promise<number> {
  const res = await control(emu, 'GET', 'clock');
  return Math.floor((res.body.now as number) / 1000);
}

async function history(emu: Emulator, channel: string, extra: Record<string, string> = {}): Promise<Msg[]> {
  const res = await api(emu, 'conversations.history', { channel, ...extra });
  assert.equal(res.body.ok, true, JSON.stringify(res.body));
  return res.body.messages as Msg[];
}

describe('emulator methods: scheduled messages, meMessage, metadata, team preferences', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator();
  });
  beforeEach(() => emu.reset());
  after(async () => {
    await emu.close();
  });

  it('schedules a message, lists it, and posts it once the clock passes post_at', async () => {
    const general = channelId(emu, 'general');
    const postAt = (await clockSeconds(emu)) + 3600;
    const res = await api(emu, 'chat.scheduleMessage', { channel: general, text: 'later', post_at: postAt });
    assert.equal(res.body.ok, true, JSON.stringify(res.body));
    assert.equal(res.body.channel, general);
    assert.equal(res.body.post_at, postAt);
    assert.match(String(res.body.scheduled_message_id), /^Q/);
    assert.equal((res.body.message as { type: string }).type, 'delayed_message');
    const listed = await api(emu, 'chat.scheduledMessages.list', { channel: general });
    const items = listed.body.scheduled_messages as Scheduled[];
    assert.deepEqual(
      items.map((s) => [s.id, s.channel_id, s.post_at, s.text]),
      [[res.body.scheduled_message_id, general, postAt, 'later']],
    );
    assert.equal((await history(emu, general)).length, 0);
    await control(emu, 'POST', 'clock', { advance_ms: 3_590_000 });
    assert.equal((await history(emu, general)).length, 0, 'not before post_at');
    await control(emu, 'POST', 'clock', { advance_ms: 20_000 });
    const posted = await history(emu, general);
    assert.deepEqual(
      posted.map((m) => m.text),
      ['later'],
    );
    assert.equal(posted[0]?.ts.split('.')[0], String(postAt), 'dated at post_at');
    const after = await api(emu, 'chat.scheduledMessages.list', {});
    assert.deepEqual(after.body.scheduled_messages, []);
  });

  it('deletes a scheduled message so it never posts, with the documented errors', async () => {
    const general = channelId(emu, 'general');
    const now = await clockSeconds(emu);
    const res = await api(emu, 'chat.scheduleMessage', { channel: general, text: 'never', post_at: now + 60 });
    const id = String(res.body.scheduled_message_id);
    const random = channelId(emu, 'random');
    const wrong = await api(emu, 'chat.deleteScheduledMessage', { channel: random, scheduled_message_id: id });
    assert.equal(wrong.body.error, 'invalid_scheduled_message_id');
    const unknown = await api(emu, 'chat.deleteScheduledMessage', { channel: general, scheduled_message_id: 'Q0NOPE' });
    assert.equal(unknown.body.error, 'invalid_scheduled_message_id');
    const noChannel = await api(emu, 'chat.deleteScheduledMessage', { channel: 'C0NOPE', scheduled_message_id: id });
    assert.equal(noChannel.body.error, 'channel_not_found');
    const ok = await api(emu, 'chat.deleteScheduledMessage', { channel: general, scheduled_message_id: id });
    assert.equal(ok.body.ok, true);
    await control(emu, 'POST', 'clock', { advance_ms: 120_000 });
    assert.deepEqual(await history(emu, general), []);
    const again = await api(emu, 'chat.deleteScheduledMessage', { channel: general, scheduled_message_id: id });
    assert.equal(again.body.error, 'invalid_scheduled_message_id');
  });

  it('refuses bad times, unknown or foreign channels and a token without chat:write', async () => {
    const general = channelId(emu, 'general');
    const now = await clockSeconds(emu);
    const send = (args: Record<string, string | number>, token?: string) =>
      api(emu, 'chat.scheduleMessage', { text: 'x', ...args }, token);
    assert.equal((await send({ channel: general, post_at: now - 10 })).body.error, 'time_in_past');
    assert.equal((await send({ channel: general, post_at: 'soon' })).body.error, 'invalid_time');
    assert.equal((await send({ channel: general, post_at: now + 121 * 86400 })).body.error, 'time_too_far');
    assert.equal((await send({ channel: 'C0NOPE', post_at: now + 60 })).body.error, 'channel_not_found');
    assert.equal((await send({ channel: channelId(emu, 'ops'), post_at: now + 60 })).body.error, 'not_in_channel');
    const bare = emu.issueToken({ type: 'bot', scopes: ['channels:read'] });
    const scoped = await send({ channel: general, post_at: now + 60 }, bare);
    assert.equal(scoped.body.error, 'missing_scope');
    const list = await api(emu, 'chat.scheduledMessages.list', { channel: 'C0NOPE' });
    assert.equal(list.body.error, 'invalid_channel');
  });

  it('takes at most 30 messages posting within 5 minutes in one channel', async () => {
    const general = channelId(emu, 'general');
    const now = await clockSeconds(emu);
    for (let i = 0; i < 30; i++) {
      const res = await api(emu, 'chat.scheduleMessage', { channel: general, text: `m${i}`, post_at: now + 600 + i });
      assert.equal(res.body.ok, true, `message ${i}: ${JSON.stringify(res.body)}`);
    }
    const more = await api(emu, 'chat.scheduleMessage', { channel: general, text: 'one more', post_at: now + 640 });
    assert.equal(more.body.error, 'restricted_too_many');
    const later = await api(emu, 'chat.scheduleMessage', { channel: general, text: 'later', post_at: now + 1200 });
    assert.equal(later.body.ok, true, 'outside the window');
    const random = channelId(emu, 'random');
    const elsewhere = await api(emu, 'chat.scheduleMessage', { channel: random, text: 'x', post_at: now + 640 });
    assert.equal(elsewhere.body.ok, true, 'another channel');
  });

  it('pages scheduled messages with cursors, soonest first', async () => {
    const general = channelId(emu, 'general');
    const now = await clockSeconds(emu);
    for (const offset of [300, 100, 200]) {
      await api(emu, 'chat.scheduleMessage', { channel: general, text: `t${offset}`, post_at: now + offset });
    }
    const first = await api(emu, 'chat.scheduledMessages.list', { limit: 2 });
    assert.deepEqual(
      (first.body.scheduled_messages as Scheduled[]).map((s) => s.text),
      ['t100', 't200'],
    );
    const cursor = (first.body.response_metadata as { next_cursor: string }).next_cursor;
    const second = await api(emu, 'chat.scheduledMessages.list', { limit: 2, cursor });
    assert.deepEqual(
      (second.body.scheduled_messages as Scheduled[]).map((s) => s.text),
      ['t300'],
    );
    assert.equal((second.body.response_metadata as { next_cursor: string }).next_cursor, '');
  });

  it('posts a me_message and refuses empty text and channels the caller is not in', async () => {
    const general = channelId(emu, 'general');
    const res = await api(emu, 'chat.meMessage', { channel: general, text: 'waves' });
    assert.equal(res.body.ok, true);
    const [message] = await history(emu, general);
    assert.equal(message?.ts, res.body.ts);
    assert.equal(message?.subtype, 'me_message');
    assert.equal(message?.text, 'waves');
    assert.equal((await api(emu, 'chat.meMessage', { channel: general, text: '' })).body.error, 'no_text');
    const ops = await api(emu, 'chat.meMessage', { channel: channelId(emu, 'ops'), text: 'x' });
    assert.equal(ops.body.error, 'not_in_channel');
  });

  it('round-trips message metadata to conversations.history with include_all_metadata', async () => {
    const general = channelId(emu, 'general');
    const metadata = { event_type: 'task_created', event_payload: { id: 'T-1', tags: ['a'] } };
    const posted = await apiJson(emu, 'chat.postMessage', { channel: general, text: 'with metadata', metadata });
    assert.equal(posted.body.ok, true);
    const own = await history(emu, general);
    assert.deepEqual(own.find((m) => m.text === 'with metadata')?.metadata, metadata, 'the posting app sees it');
    const byUser = { channel: general, text: 'user metadata', metadata: { ...metadata, event_type: 'by_user' } };
    assert.equal((await apiJson(emu, 'chat.postMessage', byUser, emu.tokens.user)).body.ok, true);
    const plain = await history(emu, general);
    assert.equal(plain.find((m) => m.text === 'user metadata')?.metadata, undefined, 'hidden without the flag');
    const all = await history(emu, general, { include_all_metadata: 'true' });
    assert.equal(all.find((m) => m.text === 'user metadata')?.metadata?.event_type, 'by_user');
    assert.deepEqual(all.find((m) => m.text === 'with metadata')?.metadata, metadata);
    const ts = String(posted.body.ts);
    const changed = { event_type: 'task_closed', event_payload: { id: 'T-1' } };
    const updated = await apiJson(emu, 'chat.update', { channel: general, ts, text: 'closed', metadata: changed });
    assert.equal(updated.body.ok, true);
    const reread = await history(emu, general, { include_all_metadata: 'true' });
    assert.deepEqual(reread.find((m) => m.ts === ts)?.metadata, changed, 'chat.update replaces the metadata');
    const bad = await apiJson(emu, 'chat.postMessage', { channel: general, text: 'x', metadata: { event_type: 'a' } });
    assert.equal(bad.body.error, 'invalid_metadata_schema');
    const notJson = await api(emu, 'chat.postMessage', { channel: general, text: 'x', metadata: '{nope' });
    assert.equal(notJson.body.error, 'invalid_metadata_format');
  });

  it('lists team preferences with allow_message_deletion, and needs team.preferences:read', async () => {
    const token = emu.issueToken({ type: 'bot', scopes: ['team.preferences:read'] });
    const res = await api(emu, 'team.preferences.list', {}, token);
    assert.equal(res.body.ok, true);
    assert.equal(res.body.allow_message_deletion, true);
    assert.equal(res.body.msg_edit_window_mins, -1);
    assert.equal(res.body.who_can_post_general, 'everyone');
    assert.equal((await api(emu, 'team.preferences.list', {})).body.error, 'missing_scope');
  });
});
