// conversations.rename/setTopic/setPurpose/archive/unarchive/invite/kick/leave/mark over real HTTP:
// each change read back with conversations.info or .members, and the documented errors.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { api, channelId, userId } from './helpers.js';

type Info = {
  name: string;
  is_archived: boolean;
  previous_names: string[];
  topic: { value: string; creator: string };
  purpose: { value: string };
  last_read?: string;
};

describe('emulator methods: conversations management', () => {
  let emu: Emulator;
  let mine: string;
  const info = async (channel: string, token?: string) =>
    (await api(emu, 'conversations.info', { channel }, token)).body.channel as Info;
  const members = async (channel: string) =>
    (await api(emu, 'conversations.members', { channel })).body.members as string[];
  before(async () => {
    emu = await startEmulator();
  });
  beforeEach(async () => {
    emu.reset();
    const created = await api(emu, 'conversations.create', { name: 'mine' });
    mine = (created.body.channel as { id: string }).id;
  });
  after(async () => {
    await emu.close();
  });

  it('renames, keeping previous names, and refuses taken, invalid and foreign channels', async () => {
    const res = await api(emu, 'conversations.rename', { channel: mine, name: 'renamed' });
    assert.equal(res.body.ok, true);
    const read = await info(mine);
    assert.equal(read.name, 'renamed');
    assert.deepEqual(read.previous_names, ['mine']);
    const rename = (channel: string, name: string) => api(emu, 'conversations.rename', { channel, name });
    assert.equal((await rename(mine, 'random')).body.error, 'name_taken');
    assert.equal((await rename(mine, 'Bad Name')).body.error, 'invalid_name_specials');
    assert.equal((await rename(mine, '---')).body.error, 'invalid_name_punctuation');
    assert.equal((await rename(mine, 'x'.repeat(81))).body.error, 'invalid_name_maxlength');
    assert.equal((await rename(channelId(emu, 'ops'), 'ops2')).body.error, 'not_in_channel');
    assert.equal((await rename('C0NOPE', 'x')).body.error, 'channel_not_found');
    const bare = emu.issueToken({ type: 'bot', scopes: ['channels:read'] });
    assert.equal(
      (await api(emu, 'conversations.rename', { channel: mine, name: 'y' }, bare)).body.error,
      'missing_scope',
    );
  });

  it('sets topic and purpose, read back by conversations.info', async () => {
    assert.equal((await api(emu, 'conversations.setTopic', { channel: mine, topic: 'the topic' })).body.ok, true);
    assert.equal((await api(emu, 'conversations.setPurpose', { channel: mine, purpose: 'the purpose' })).body.ok, true);
    const read = await info(mine);
    assert.equal(read.topic.value, 'the topic');
    assert.equal(read.topic.creator, emu.workspace.botUserId);
    assert.equal(read.purpose.value, 'the purpose');
    const long = await api(emu, 'conversations.setTopic', { channel: mine, topic: 'x'.repeat(251) });
    assert.equal(long.body.error, 'too_long');
    const ops = await api(emu, 'conversations.setTopic', { channel: channelId(emu, 'ops'), topic: 'x' });
    assert.equal(ops.body.error, 'not_in_channel');
  });

  it('archives and unarchives, with already_archived, not_archived and is_archived', async () => {
    assert.equal((await api(emu, 'conversations.archive', { channel: mine })).body.ok, true);
    assert.equal((await info(mine)).is_archived, true);
    assert.equal((await api(emu, 'conversations.archive', { channel: mine })).body.error, 'already_archived');
    const post = await api(emu, 'chat.postMessage', { channel: mine, text: 'x' });
    assert.equal(post.body.error, 'is_archived');
    const topic = await api(emu, 'conversations.setTopic', { channel: mine, topic: 'x' });
    assert.equal(topic.body.error, 'is_archived');
    assert.equal((await api(emu, 'conversations.unarchive', { channel: mine })).body.ok, true);
    assert.equal((await info(mine)).is_archived, false);
    assert.equal((await api(emu, 'conversations.unarchive', { channel: mine })).body.error, 'not_archived');
    const general = channelId(emu, 'general');
    assert.equal((await api(emu, 'conversations.archive', { channel: general })).body.error, 'cant_archive_general');
  });

  it('invites and kicks members, read back by conversations.members', async () => {
    const bob = userId(emu, 'bob');
    const carol = userId(emu, 'carol');
    const invited = await api(emu, 'conversations.invite', { channel: mine, users: `${bob},${carol}` });
    assert.equal(invited.body.ok, true);
    assert.deepEqual((await members(mine)).sort(), [emu.workspace.botUserId, bob, carol].sort());
    const again = await api(emu, 'conversations.invite', { channel: mine, users: bob });
    assert.equal(again.body.error, 'already_in_channel');
    const nobody = await api(emu, 'conversations.invite', { channel: mine, users: 'U0NOPE' });
    assert.equal(nobody.body.error, 'user_not_found');
    const kicked = await api(emu, 'conversations.kick', { channel: mine, user: bob });
    assert.deepEqual(kicked.body, { ok: true, errors: {} });
    assert.equal((await members(mine)).includes(bob), false);
    assert.equal((await api(emu, 'conversations.kick', { channel: mine, user: bob })).body.error, 'not_in_channel');
    const self = await api(emu, 'conversations.kick', { channel: mine, user: emu.workspace.botUserId });
    assert.equal(self.body.error, 'cant_kick_self');
    const general = channelId(emu, 'general');
    const fromGeneral = await api(emu, 'conversations.kick', { channel: general, user: carol });
    assert.equal(fromGeneral.body.error, 'cant_kick_from_general');
    const unknown = await api(emu, 'conversations.kick', { channel: mine, user: 'U0NOPE' });
    assert.equal(unknown.body.error, 'user_not_found');
  });

  it('leaves a channel, answering not_in_channel without an error when already out', async () => {
    assert.equal((await api(emu, 'conversations.leave', { channel: channelId(emu, 'random') })).body.ok, true);
    assert.equal((await members(channelId(emu, 'random'))).includes(emu.workspace.botUserId), false);
    const out = await api(emu, 'conversations.leave', { channel: channelId(emu, 'random') });
    assert.deepEqual(out.body, { ok: true, not_in_channel: true });
    const general = await api(emu, 'conversations.leave', { channel: channelId(emu, 'general') });
    assert.equal(general.body.error, 'cant_leave_general');
  });

  it('marks a conversation read, read back as last_read', async () => {
    const general = channelId(emu, 'general');
    const posted = await api(emu, 'chat.postMessage', { channel: general, text: 'read me' });
    const ts = String(posted.body.ts);
    assert.equal((await api(emu, 'conversations.mark', { channel: general, ts })).body.ok, true);
    assert.equal((await info(general)).last_read, ts);
    const bad = await api(emu, 'conversations.mark', { channel: general, ts: 'yesterday' });
    assert.equal(bad.body.error, 'invalid_timestamp');
    const ops = await api(emu, 'conversations.mark', { channel: channelId(emu, 'ops'), ts });
    assert.equal(ops.body.error, 'not_in_channel');
  });
});
