// @slack/web-api, unmodified, against every method the emulator gives real semantics beyond the basics:
// each one written, read back and (where documented) made to fail, through the SDK over real HTTP.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { LogLevel, WebClient } from '@slack/web-api';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';

/** Asserts the SDK call is refused with Slack's `error` code. */
async function refused(promise: Promise<unknown>, error: string): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.equal((e as { data?: { error?: string } }).data?.error, error);
    return true;
  });
}

describe('conformance: @slack/web-api against the emulator fidelity methods', () => {
  let emu: Emulator;
  let bot: WebClient;
  let user: WebClient;
  let general: string;
  const client = (token: string) => new WebClient(token, { slackApiUrl: emu.apiUrl, logLevel: LogLevel.ERROR });
  const clockSeconds = async () => {
    const res = await fetch(`${emu.url}_emulator/clock`);
    return Math.floor(((await res.json()) as { now: number }).now / 1000);
  };
  const advance = async (ms: number) => {
    await fetch(`${emu.url}_emulator/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advance_ms: ms }),
    });
  };
  before(async () => {
    emu = await startEmulator();
  });
  beforeEach(async () => {
    emu.reset();
    bot = client(
      emu.issueToken({
        type: 'bot',
        scopes: [
          'chat:write',
          'channels:read',
          'channels:history',
          'channels:manage',
          'pins:read',
          'pins:write',
          'bookmarks:read',
          'bookmarks:write',
          'files:read',
          'files:write',
          'remote_files:read',
          'remote_files:write',
          'remote_files:share',
          'team.preferences:read',
          'usergroups:read',
          'usergroups:write',
          'users:read',
          'users:write',
          'users.profile:read',
          'dnd:read',
          'emoji:read',
          'canvases:read',
          'canvases:write',
        ],
      }),
    );
    user = client(
      emu.issueToken({
        type: 'user',
        scopes: [
          'chat:write',
          'files:read',
          'files:write',
          'reminders:read',
          'reminders:write',
          'users.profile:read',
          'users.profile:write',
          'users:read',
          'users:write',
          'dnd:read',
          'dnd:write',
          'search:read',
          'admin.teams:read',
          'admin.teams:write',
        ],
      }),
    );
    const list = await bot.conversations.list();
    general = list.channels?.find((c) => c.name === 'general')?.id ?? '';
  });
  after(async () => {
    await emu.close();
  });

  it('chat.scheduleMessage, scheduledMessages.list, deleteScheduledMessage, meMessage, metadata', async () => {
    const now = await clockSeconds();
    const kept = await bot.chat.scheduleMessage({ channel: general, text: 'kept', post_at: now + 120 });
    const dropped = await bot.chat.scheduleMessage({ channel: general, text: 'dropped', post_at: now + 60 });
    const listed = await bot.chat.scheduledMessages.list({ channel: general });
    assert.deepEqual(
      listed.scheduled_messages?.map((s) => s.text),
      ['dropped', 'kept'],
    );
    await bot.chat.deleteScheduledMessage({
      channel: general,
      scheduled_message_id: dropped.scheduled_message_id ?? '',
    });
    await refused(bot.chat.scheduleMessage({ channel: general, text: 'x', post_at: now - 1 }), 'time_in_past');
    await advance(121_000);
    const me = await bot.chat.meMessage({ channel: general, text: 'waves' });
    const metadata = { event_type: 'ticket', event_payload: { id: 7 } };
    await bot.chat.postMessage({ channel: general, text: 'with metadata', metadata });
    const history = await bot.conversations.history({ channel: general, include_all_metadata: true });
    assert.deepEqual(
      history.messages?.map((m) => m.text),
      ['with metadata', 'waves', 'kept'],
    );
    assert.deepEqual(history.messages?.[0]?.metadata, metadata);
    assert.equal(history.messages?.find((m) => m.ts === me.ts)?.subtype, 'me_message');
    assert.equal(kept.scheduled_message_id?.startsWith('Q'), true);
  });

  it('team.preferences.list', async () => {
    const prefs = await bot.team.preferences.list();
    assert.equal(prefs.allow_message_deletion, true);
  });

  it('conversations.rename, setTopic, setPurpose, archive, unarchive, invite, kick, leave, mark', async () => {
    const made = await bot.conversations.create({ name: 'sdk-room' });
    const channel = made.channel?.id ?? '';
    await bot.conversations.rename({ channel, name: 'sdk-room-2' });
    await bot.conversations.setTopic({ channel, topic: 'topic' });
    await bot.conversations.setPurpose({ channel, purpose: 'purpose' });
    const info = await bot.conversations.info({ channel });
    assert.deepEqual(
      [info.channel?.name, info.channel?.topic?.value, info.channel?.purpose?.value],
      ['sdk-room-2', 'topic', 'purpose'],
    );
    await bot.conversations.invite({ channel, users: emu.workspace.userId });
    await bot.conversations.kick({ channel, user: emu.workspace.userId });
    assert.deepEqual((await bot.conversations.members({ channel })).members, [emu.workspace.botUserId]);
    const posted = await bot.chat.postMessage({ channel, text: 'm' });
    await bot.conversations.mark({ channel, ts: posted.ts ?? '' });
    assert.equal((await bot.conversations.info({ channel })).channel?.last_read, posted.ts);
    await bot.conversations.archive({ channel });
    await refused(bot.conversations.archive({ channel }), 'already_archived');
    await bot.conversations.unarchive({ channel });
    await bot.conversations.leave({ channel });
    await refused(bot.conversations.rename({ channel: 'C0NOPE', name: 'x' }), 'channel_not_found');
  });

  it('pins.add, pins.list, pins.remove', async () => {
    const posted = await bot.chat.postMessage({ channel: general, text: 'pin me' });
    await bot.pins.add({ channel: general, timestamp: posted.ts ?? '' });
    const pins = await bot.pins.list({ channel: general });
    assert.deepEqual(
      pins.items?.map((i) => (i as { message?: { text?: string } }).message?.text),
      ['pin me'],
    );
    await bot.pins.remove({ channel: general, timestamp: posted.ts ?? '' });
    await refused(bot.pins.remove({ channel: general, timestamp: posted.ts ?? '' }), 'not_pinned');
  });

  it('bookmarks.add, edit, list, remove', async () => {
    const added = await bot.bookmarks.add({
      channel_id: general,
      title: 'Docs',
      type: 'link',
      link: 'https://docs.test/',
    });
    const id = added.bookmark?.id ?? '';
    await bot.bookmarks.edit({ channel_id: general, bookmark_id: id, title: 'Manual' });
    assert.deepEqual(
      (await bot.bookmarks.list({ channel_id: general })).bookmarks?.map((b) => b.title),
      ['Manual'],
    );
    await bot.bookmarks.remove({ channel_id: general, bookmark_id: id });
    assert.deepEqual((await bot.bookmarks.list({ channel_id: general })).bookmarks, []);
    await refused(bot.bookmarks.remove({ channel_id: general, bookmark_id: id }), 'not_found');
  });

  it('reminders.add, info, list, complete, delete', async () => {
    const added = await user.reminders.add({ text: 'stretch', time: 'in 5 minutes' });
    const reminder = added.reminder?.id ?? '';
    assert.equal((await user.reminders.info({ reminder })).reminder?.text, 'stretch');
    assert.deepEqual(
      (await user.reminders.list()).reminders?.map((r) => r.id),
      [reminder],
    );
    await user.reminders.complete({ reminder });
    assert.ok(((await user.reminders.info({ reminder })).reminder?.complete_ts ?? 0) > 0);
    await user.reminders.delete({ reminder });
    await refused(user.reminders.info({ reminder }), 'not_found');
  });

  it('files.info, list, sharedPublicURL, revokePublicURL, delete (after uploadV2)', async () => {
    const uploaded = await user.filesUploadV2({ channel_id: general, filename: 'notes.txt', content: 'hello' });
    const file = (uploaded as unknown as { files: { files: { id: string }[] }[] }).files[0]?.files[0]?.id ?? '';
    assert.equal((await user.files.info({ file })).file?.name, 'notes.txt');
    assert.deepEqual(
      (await user.files.list({ channel: general })).files?.map((f) => f.id),
      [file],
    );
    assert.equal((await user.files.sharedPublicURL({ file })).file?.public_url_shared, true);
    assert.equal((await user.files.revokePublicURL({ file })).file?.public_url_shared, false);
    await user.files.delete({ file });
    await refused(user.files.info({ file }), 'file_deleted');
  });

  it('files.remote.add, info, update, share, list, remove', async () => {
    const added = await bot.files.remote.add({
      external_id: 'ext-1',
      external_url: 'https://docs.test/1',
      title: 'Spec',
    });
    const file = added.file?.id ?? '';
    await bot.files.remote.update({ file, title: 'Spec v2' });
    assert.equal((await bot.files.remote.info({ external_id: 'ext-1' })).file?.title, 'Spec v2');
    await bot.files.remote.share({ file, channels: general });
    assert.deepEqual(
      (await bot.files.remote.list({ channel: general })).files?.map((f) => f.id),
      [file],
    );
    await bot.files.remote.remove({ external_id: 'ext-1' });
    await refused(bot.files.remote.info({ file }), 'file_not_found');
  });

  it('users.profile.set/get, users.setPresence/getPresence', async () => {
    await user.users.profile.set({ profile: { status_text: 'focus', status_emoji: ':headphones:' } });
    const profile = await bot.users.profile.get({ user: emu.workspace.userId });
    assert.deepEqual([profile.profile?.status_text, profile.profile?.status_emoji], ['focus', ':headphones:']);
    await user.users.setPresence({ presence: 'away' });
    assert.equal((await bot.users.getPresence({ user: emu.workspace.userId })).presence, 'away');
    await refused(user.users.setPresence({ presence: 'busy' as 'away' }), 'invalid_presence');
  });

  it('dnd.setSnooze, info, endSnooze, endDnd, teamInfo', async () => {
    const snooze = await user.dnd.setSnooze({ num_minutes: 10 });
    assert.equal(snooze.snooze_enabled, true);
    assert.equal(((await user.dnd.info()) as { snooze_enabled?: boolean }).snooze_enabled, true);
    await user.dnd.endSnooze();
    assert.equal(((await user.dnd.info()) as { snooze_enabled?: boolean }).snooze_enabled, false);
    await refused(user.dnd.endDnd(), 'not_in_dnd');
    const team = await bot.dnd.teamInfo({ users: emu.workspace.userId });
    assert.deepEqual(Object.keys(team.users ?? {}), [emu.workspace.userId]);
  });

  it('admin.emoji.add, addAlias, rename, list, remove and emoji.list', async () => {
    await user.admin.emoji.add({ name: 'ship', url: 'https://img.test/ship.png' });
    await user.admin.emoji.addAlias({ name: 'shipit', alias_for: 'ship' });
    await user.admin.emoji.rename({ name: 'ship', new_name: 'launch' });
    assert.deepEqual((await bot.emoji.list()).emoji, { launch: 'https://img.test/ship.png', shipit: 'alias:launch' });
    assert.deepEqual(Object.keys((await user.admin.emoji.list()).emoji ?? {}), ['launch']);
    await user.admin.emoji.remove({ name: 'launch' });
    assert.deepEqual((await bot.emoji.list()).emoji, {});
  });

  it('usergroups.create, update, users.update, users.list, list, disable, enable', async () => {
    const created = await bot.usergroups.create({ name: 'SDK Team', handle: 'sdk-team' });
    const usergroup = created.usergroup?.id ?? '';
    await bot.usergroups.update({ usergroup, description: 'builds the SDK' });
    await bot.usergroups.users.update({ usergroup, users: emu.workspace.userId });
    assert.deepEqual((await bot.usergroups.users.list({ usergroup })).users, [emu.workspace.userId]);
    const listed = await bot.usergroups.list({ include_users: true });
    assert.deepEqual(
      listed.usergroups?.map((g) => [g.handle, g.description, g.users]),
      [['sdk-team', 'builds the SDK', [emu.workspace.userId]]],
    );
    await bot.usergroups.disable({ usergroup });
    assert.deepEqual((await bot.usergroups.list()).usergroups, []);
    await bot.usergroups.enable({ usergroup });
    assert.equal((await bot.usergroups.list()).usergroups?.length, 1);
    await refused(bot.usergroups.create({ name: 'SDK Team' }), 'name_already_exists');
  });

  it('canvases.create, edit, sections.lookup, access.set, access.delete, delete; conversations.canvases.create', async () => {
    const created = await bot.canvases.create({
      title: 'Runbook',
      document_content: { type: 'markdown', markdown: '# Steps\nfirst step' },
    });
    const canvas_id = created.canvas_id ?? '';
    const [heading] =
      (await bot.canvases.sections.lookup({ canvas_id, criteria: { section_types: ['h1'] } })).sections ?? [];
    await bot.canvases.edit({
      canvas_id,
      changes: [
        {
          operation: 'insert_after',
          section_id: heading?.id ?? '',
          document_content: { type: 'markdown', markdown: '## Rollback' },
        },
      ],
    });
    const found = await bot.canvases.sections.lookup({ canvas_id, criteria: { contains_text: 'Rollback' } });
    assert.equal(found.sections?.length, 1);
    await bot.canvases.access.set({ canvas_id, access_level: 'read', user_ids: [emu.workspace.userId] });
    await bot.canvases.access.delete({ canvas_id, user_ids: [emu.workspace.userId] });
    await bot.canvases.delete({ canvas_id });
    await refused(bot.canvases.sections.lookup({ canvas_id, criteria: { contains_text: 'x' } }), 'canvas_not_found');
    const channelCanvas = await bot.conversations.canvases.create({ channel_id: general });
    assert.match(channelCanvas.canvas_id ?? '', /^F/);
    await refused(bot.conversations.canvases.create({ channel_id: general }), 'channel_canvas_already_exists');
  });

  it('search.messages, search.files, search.all', async () => {
    await bot.chat.postMessage({ channel: general, text: 'quarterly numbers are in' });
    await user.filesUploadV2({ channel_id: general, filename: 'quarterly.csv', content: 'a,b' });
    const messages = await user.search.messages({ query: 'quarterly' });
    assert.deepEqual(
      messages.messages?.matches?.map((m) => m.text),
      ['quarterly numbers are in'],
    );
    const files = await user.search.files({ query: 'quarterly' });
    assert.deepEqual(
      files.files?.matches?.map((f) => f.name),
      ['quarterly.csv'],
    );
    const all = await user.search.all({ query: 'quarterly' });
    assert.equal(all.messages?.total, 1);
    assert.equal(all.files?.total, 1);
    await refused(user.search.messages({ query: '' }), 'no_query');
  });
});
