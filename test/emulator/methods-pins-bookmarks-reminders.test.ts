// pins.*, bookmarks.*, reminders.* over real HTTP: write, read back, the documented errors, scopes.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { api, channelId, control, userId } from './helpers.js';

type PinItem = {
  type: string;
  created_by: string;
  channel: string;
  message: { ts: string; text: string; permalink: string };
};
type BookmarkJson = {
  id: string;
  channel_id: string;
  title: string;
  link: string;
  emoji: string;
  type: string;
  date_updated: number;
};
type ReminderJson = { id: string; creator: string; user: string; text: string; time: number; complete_ts: number };

describe('emulator methods: pins, bookmarks, reminders', () => {
  let emu: Emulator;
  let general: string;
  let bookmarker: string;
  let reminderUser: string;
  before(async () => {
    emu = await startEmulator();
  });
  beforeEach(() => {
    emu.reset();
    general = channelId(emu, 'general');
    bookmarker = emu.issueToken({ type: 'bot', scopes: ['bookmarks:read', 'bookmarks:write'] });
    reminderUser = emu.issueToken({ type: 'user', scopes: ['reminders:read', 'reminders:write'] });
  });
  after(async () => {
    await emu.close();
  });

  it('pins a message, lists it newest first with its permalink, and unpins it', async () => {
    const first = String((await api(emu, 'chat.postMessage', { channel: general, text: 'one' })).body.ts);
    const second = String((await api(emu, 'chat.postMessage', { channel: general, text: 'two' })).body.ts);
    assert.equal((await api(emu, 'pins.add', { channel: general, timestamp: first })).body.ok, true);
    assert.equal((await api(emu, 'pins.add', { channel: general, timestamp: second })).body.ok, true);
    const listed = await api(emu, 'pins.list', { channel: general });
    const items = listed.body.items as PinItem[];
    assert.deepEqual(
      items.map((i) => [i.type, i.message.text, i.created_by, i.channel]),
      [
        ['message', 'two', emu.workspace.botUserId, general],
        ['message', 'one', emu.workspace.botUserId, general],
      ],
    );
    assert.match(items[0]?.message.permalink ?? '', new RegExp(`/archives/${general}/p${second.replace('.', '')}$`));
    const history = await api(emu, 'conversations.history', { channel: general });
    assert.equal(history.body.pin_count, 2);
    assert.equal((await api(emu, 'pins.remove', { channel: general, timestamp: first })).body.ok, true);
    const after = (await api(emu, 'pins.list', { channel: general })).body.items as PinItem[];
    assert.deepEqual(
      after.map((i) => i.message.ts),
      [second],
    );
  });

  it('answers the documented pin errors', async () => {
    const ts = String((await api(emu, 'chat.postMessage', { channel: general, text: 'x' })).body.ts);
    await api(emu, 'pins.add', { channel: general, timestamp: ts });
    const pin = (args: Record<string, string>, method = 'pins.add') => api(emu, method, args);
    assert.equal((await pin({ channel: general, timestamp: ts })).body.error, 'already_pinned');
    assert.equal((await pin({ channel: general })).body.error, 'no_item_specified');
    assert.equal((await pin({ channel: general, timestamp: 'abc' })).body.error, 'bad_timestamp');
    assert.equal((await pin({ channel: general, timestamp: '1.000001' })).body.error, 'message_not_found');
    assert.equal((await pin({ channel: 'C0NOPE', timestamp: ts })).body.error, 'channel_not_found');
    const other = String((await api(emu, 'chat.postMessage', { channel: general, text: 'y' })).body.ts);
    assert.equal((await pin({ channel: general, timestamp: other }, 'pins.remove')).body.error, 'not_pinned');
    const bare = emu.issueToken({ type: 'bot', scopes: ['pins:read'] });
    const scoped = await api(emu, 'pins.add', { channel: general, timestamp: other }, bare);
    assert.equal(scoped.body.error, 'missing_scope');
  });

  it('adds, edits, lists and removes bookmarks of a channel', async () => {
    const add = (title: string, link: string) =>
      api(emu, 'bookmarks.add', { channel_id: general, title, type: 'link', link, emoji: ':clap:' }, bookmarker);
    const made = await add('Docs', 'https://example.com/docs');
    assert.equal(made.body.ok, true, JSON.stringify(made.body));
    const bookmark = made.body.bookmark as BookmarkJson;
    assert.equal(bookmark.channel_id, general);
    await add('Wiki', 'https://example.com/wiki');
    const list = async () =>
      (await api(emu, 'bookmarks.list', { channel_id: general }, bookmarker)).body.bookmarks as BookmarkJson[];
    assert.deepEqual(
      (await list()).map((b) => [b.title, b.link, b.emoji]),
      [
        ['Docs', 'https://example.com/docs', ':clap:'],
        ['Wiki', 'https://example.com/wiki', ':clap:'],
      ],
    );
    const random = channelId(emu, 'random');
    assert.deepEqual((await api(emu, 'bookmarks.list', { channel_id: random }, bookmarker)).body.bookmarks, []);
    const edited = await api(
      emu,
      'bookmarks.edit',
      { channel_id: general, bookmark_id: bookmark.id, title: 'Manual' },
      bookmarker,
    );
    assert.equal((edited.body.bookmark as BookmarkJson).title, 'Manual');
    assert.ok((edited.body.bookmark as BookmarkJson).date_updated > 0);
    assert.equal((await list())[0]?.title, 'Manual');
    const removed = await api(emu, 'bookmarks.remove', { channel_id: general, bookmark_id: bookmark.id }, bookmarker);
    assert.equal(removed.body.ok, true);
    assert.deepEqual(
      (await list()).map((b) => b.title),
      ['Wiki'],
    );
  });

  it('answers the documented bookmark errors', async () => {
    const add = (args: Record<string, string>, token = bookmarker) =>
      api(
        emu,
        'bookmarks.add',
        { channel_id: general, title: 't', type: 'link', link: 'https://x.test/', ...args },
        token,
      );
    assert.equal((await add({ type: 'folder' })).body.error, 'invalid_bookmark_type');
    assert.equal((await add({ link: 'not a link' })).body.error, 'invalid_link');
    assert.equal((await add({ emoji: 'clap' })).body.error, 'invalid_emoji');
    assert.equal((await add({ channel_id: 'C0NOPE' })).body.error, 'channel_not_found');
    assert.equal((await add({ channel_id: channelId(emu, 'secret') })).body.error, 'channel_not_found');
    assert.equal((await add({}, emu.tokens.bot)).body.error, 'missing_scope');
    const edit = await api(
      emu,
      'bookmarks.edit',
      { channel_id: general, bookmark_id: 'Bk0NOPE', title: 'x' },
      bookmarker,
    );
    assert.equal(edit.body.error, 'not_found');
    const made = (await add({})).body.bookmark as BookmarkJson;
    const random = channelId(emu, 'random');
    const elsewhere = await api(emu, 'bookmarks.remove', { channel_id: random, bookmark_id: made.id }, bookmarker);
    assert.equal(elsewhere.body.error, 'not_found', 'a bookmark is removed only from its own channel');
  });

  it('adds reminders for the caller, lists, completes and deletes them', async () => {
    const now = Math.floor(((await control(emu, 'GET', 'clock')).body.now as number) / 1000);
    const inTen = await api(emu, 'reminders.add', { text: 'stand up', time: 'in 10 minutes' }, reminderUser);
    assert.equal(inTen.body.ok, true, JSON.stringify(inTen.body));
    const reminder = inTen.body.reminder as ReminderJson;
    assert.equal(reminder.user, emu.workspace.userId);
    assert.equal(reminder.creator, emu.workspace.userId);
    assert.ok(Math.abs(reminder.time - (now + 600)) <= 2, `${reminder.time} vs ${now + 600}`);
    const at = await api(emu, 'reminders.add', { text: 'ship', time: now + 86_400 * 3 }, reminderUser);
    assert.equal((at.body.reminder as ReminderJson).time, now + 86_400 * 3);
    const bob = userId(emu, 'bob');
    const forBob = await api(emu, 'reminders.add', { text: 'review', time: 60, user: bob }, reminderUser);
    assert.equal((forBob.body.reminder as ReminderJson).user, bob);
    const list = async () => (await api(emu, 'reminders.list', {}, reminderUser)).body.reminders as ReminderJson[];
    assert.deepEqual(
      (await list()).map((r) => r.text),
      ['stand up', 'ship', 'review'],
    );
    assert.equal((await api(emu, 'reminders.complete', { reminder: reminder.id }, reminderUser)).body.ok, true);
    const info = await api(emu, 'reminders.info', { reminder: reminder.id }, reminderUser);
    assert.ok((info.body.reminder as ReminderJson).complete_ts > 0);
    const others = await api(
      emu,
      'reminders.complete',
      { reminder: (forBob.body.reminder as ReminderJson).id },
      reminderUser,
    );
    assert.equal(others.body.error, 'cannot_complete_others');
    assert.equal((await api(emu, 'reminders.delete', { reminder: reminder.id }, reminderUser)).body.ok, true);
    assert.equal((await api(emu, 'reminders.info', { reminder: reminder.id }, reminderUser)).body.error, 'not_found');
    assert.deepEqual(
      (await list()).map((r) => r.text),
      ['ship', 'review'],
    );
  });

  it('answers the documented reminder errors and refuses bot tokens', async () => {
    const add = (args: Record<string, string | number>) =>
      api(emu, 'reminders.add', { text: 't', time: 60, ...args }, reminderUser);
    assert.equal((await add({ time: 'whenever' })).body.error, 'cannot_parse');
    assert.equal((await add({ user: 'U0NOPE' })).body.error, 'user_not_found');
    assert.equal((await add({ user: emu.workspace.botUserId })).body.error, 'cannot_add_bot');
    assert.equal((await add({ user: 'USLACKBOT' })).body.error, 'cannot_add_slackbot');
    assert.equal((await api(emu, 'reminders.delete', { reminder: 'Rm0NOPE' }, reminderUser)).body.error, 'not_found');
    assert.equal((await api(emu, 'reminders.list', {})).body.error, 'not_allowed_token_type');
    assert.equal((await api(emu, 'reminders.list', {}, emu.tokens.user)).body.error, 'missing_scope');
  });
});
