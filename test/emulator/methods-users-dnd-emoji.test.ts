// users.profile.get/set, users.setPresence/getPresence, dnd.*, emoji.list and admin.emoji.* over real HTTP.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { api, apiJson, control, userId } from './helpers.js';

type Profile = {
  real_name: string;
  display_name: string;
  first_name: string;
  last_name: string;
  title: string;
  status_text: string;
  status_emoji: string;
  status_expiration: number;
};

describe('emulator methods: profiles, presence, dnd, emoji', () => {
  let emu: Emulator;
  let writer: string;
  before(async () => {
    // Time stands still but for the control API's advances: a snooze's remaining seconds are read
    // exactly, never one short because a real second ticked between two calls.
    const started = Date.now();
    emu = await startEmulator({ clock: () => started });
  });
  beforeEach(() => {
    emu.reset();
    writer = emu.issueToken({
      type: 'user',
      scopes: [
        'users.profile:read',
        'users.profile:write',
        'users:read',
        'users:write',
        'dnd:read',
        'dnd:write',
        'emoji:read',
        'admin.teams:write',
        'admin.teams:read',
      ],
    });
  });
  after(async () => {
    await emu.close();
  });

  it('sets profile fields and a status, read back by users.profile.get and users.info', async () => {
    const fields = { Xf01: { value: 'ignored', alt: '' } };
    const profile = { display_name: 'ally', title: 'Captain', status_text: 'sailing', status_emoji: ':boat:', fields };
    const set = await apiJson(emu, 'users.profile.set', { profile }, writer);
    assert.equal(set.body.ok, true, JSON.stringify(set.body));
    const byName = await api(emu, 'users.profile.set', { name: 'first_name', value: 'Alicia' }, writer);
    assert.equal((byName.body.profile as Profile).real_name, 'Alicia Archer');
    const got = (await api(emu, 'users.profile.get', {}, writer)).body.profile as Profile;
    assert.deepEqual(
      [got.display_name, got.title, got.status_text, got.status_emoji, got.first_name, got.last_name],
      ['ally', 'Captain', 'sailing', ':boat:', 'Alicia', 'Archer'],
    );
    const info = await api(emu, 'users.info', { user: emu.workspace.userId });
    const user = info.body.user as { real_name: string; profile: Profile };
    assert.equal(user.profile.status_text, 'sailing');
    assert.equal(user.real_name, 'Alicia Archer');
  });

  it('clears a status when its expiration passes on the emulator clock', async () => {
    const now = Math.floor(((await control(emu, 'GET', 'clock')).body.now as number) / 1000);
    const profile = { status_text: 'lunch', status_emoji: ':taco:', status_expiration: now + 600 };
    assert.equal((await apiJson(emu, 'users.profile.set', { profile }, writer)).body.ok, true);
    assert.equal(((await api(emu, 'users.profile.get', {}, writer)).body.profile as Profile).status_text, 'lunch');
    await control(emu, 'POST', 'clock', { advance_ms: 601_000 });
    const after = (await api(emu, 'users.profile.get', {}, writer)).body.profile as Profile;
    assert.deepEqual([after.status_text, after.status_emoji, after.status_expiration], ['', '', 0]);
  });

  it('answers the documented profile errors', async () => {
    const set = (args: Record<string, string>, token = writer) => api(emu, 'users.profile.set', args, token);
    assert.equal((await set({ profile: '{nope' })).body.error, 'invalid_profile');
    assert.equal((await set({ name: 'status_text', value: 'x'.repeat(101) })).body.error, 'too_long');
    assert.equal((await set({ name: 'status_emoji', value: 'taco' })).body.error, 'invalid_emoji_not_allowed');
    assert.equal((await set({ name: 'display_name', value: '@ally' })).body.error, 'invalid_starts_with_at');
    const bob = userId(emu, 'bob');
    const bobToken = emu.issueToken({ type: 'user', user: bob, scopes: ['users.profile:write'] });
    const other = await set({ user: emu.workspace.userId, name: 'title', value: 'x' }, bobToken);
    assert.equal(other.body.error, 'not_admin');
    assert.equal((await set({ user: bob, name: 'title', value: 'Baker' })).body.ok, true, 'an admin may edit others');
    assert.equal((await api(emu, 'users.profile.get', { user: 'U0NOPE' }, writer)).body.error, 'user_not_found');
    assert.equal((await set({ name: 'title', value: 'x' }, emu.tokens.bot)).body.error, 'not_allowed_token_type');
  });

  it('sets presence, read back by users.getPresence, and refuses unknown presence', async () => {
    const own = await api(emu, 'users.getPresence', {}, writer);
    assert.deepEqual([own.body.presence, own.body.manual_away], ['active', false]);
    assert.equal((await api(emu, 'users.setPresence', { presence: 'away' }, writer)).body.ok, true);
    const away = await api(emu, 'users.getPresence', {}, writer);
    assert.deepEqual([away.body.presence, away.body.manual_away, away.body.online], ['away', true, false]);
    const seenByBot = await api(emu, 'users.getPresence', { user: emu.workspace.userId });
    assert.deepEqual(seenByBot.body, { ok: true, presence: 'away' });
    assert.equal((await api(emu, 'users.setPresence', { presence: 'auto' }, writer)).body.ok, true);
    assert.equal((await api(emu, 'users.getPresence', {}, writer)).body.presence, 'active');
    assert.equal((await api(emu, 'users.setPresence', { presence: 'busy' }, writer)).body.error, 'invalid_presence');
  });

  it('snoozes notifications on the emulator clock, ends snoozes, and reports team DND', async () => {
    const off = await api(emu, 'dnd.info', {}, writer);
    assert.equal(off.body.snooze_enabled, false);
    const snooze = await api(emu, 'dnd.setSnooze', { num_minutes: 30 }, writer);
    assert.equal(snooze.body.snooze_enabled, true);
    assert.equal(snooze.body.snooze_remaining, 1800);
    await control(emu, 'POST', 'clock', { advance_ms: 600_000 });
    const on = await api(emu, 'dnd.info', {}, writer);
    assert.equal(on.body.snooze_enabled, true);
    assert.equal(on.body.snooze_remaining, 1200);
    await control(emu, 'POST', 'clock', { advance_ms: 1_200_000 });
    assert.equal((await api(emu, 'dnd.info', {}, writer)).body.snooze_enabled, false, 'the snooze ran out');
    assert.equal((await api(emu, 'dnd.endDnd', {}, writer)).body.error, 'not_in_dnd');
    await api(emu, 'dnd.setSnooze', { num_minutes: 5 }, writer);
    assert.equal((await api(emu, 'dnd.endSnooze', {}, writer)).body.snooze_enabled, false);
    assert.equal((await api(emu, 'dnd.info', {}, writer)).body.snooze_enabled, false);
    assert.equal((await api(emu, 'dnd.endSnooze', {}, writer)).body.error, 'snooze_end_failed');
    assert.equal((await api(emu, 'dnd.setSnooze', { num_minutes: 0 }, writer)).body.error, 'missing_duration');
    const team = await api(emu, 'dnd.teamInfo', { users: `${emu.workspace.userId},${userId(emu, 'bob')}` });
    assert.deepEqual(Object.keys(team.body.users as object).sort(), [emu.workspace.userId, userId(emu, 'bob')].sort());
    assert.equal((await api(emu, 'dnd.teamInfo', { users: 'U0NOPE' })).body.error, 'user_not_visible');
    assert.equal((await api(emu, 'dnd.info', { user: 'U0NOPE' })).body.error, 'user_not_found');
  });

  it('lists custom emoji added, aliased, renamed and removed by an admin', async () => {
    assert.deepEqual((await api(emu, 'emoji.list', {})).body.emoji, {});
    const add = (name: string) => api(emu, 'admin.emoji.add', { name, url: `https://img.test/${name}.png` }, writer);
    assert.equal((await add('party')).body.ok, true);
    assert.equal(
      (await api(emu, 'admin.emoji.addAlias', { name: 'fiesta', alias_for: 'party' }, writer)).body.ok,
      true,
    );
    assert.deepEqual((await api(emu, 'emoji.list', {})).body.emoji, {
      party: 'https://img.test/party.png',
      fiesta: 'alias:party',
    });
    assert.equal(
      (await api(emu, 'admin.emoji.rename', { name: 'party', new_name: 'celebrate' }, writer)).body.ok,
      true,
    );
    assert.deepEqual((await api(emu, 'emoji.list', {})).body.emoji, {
      celebrate: 'https://img.test/party.png',
      fiesta: 'alias:celebrate',
    });
    const listed = await api(emu, 'admin.emoji.list', {}, writer);
    assert.deepEqual(Object.keys(listed.body.emoji as object), ['celebrate']);
    assert.equal((await add('celebrate')).body.error, 'error_name_taken');
    assert.equal((await add('Caps')).body.error, 'error_lower_case_names_only');
    assert.equal((await api(emu, 'admin.emoji.remove', { name: 'celebrate' }, writer)).body.ok, true);
    assert.deepEqual((await api(emu, 'emoji.list', {})).body.emoji, {}, 'aliases go with their emoji');
    assert.equal((await api(emu, 'admin.emoji.remove', { name: 'celebrate' }, writer)).body.error, 'emoji_not_found');
    const bobAdmin = emu.issueToken({ type: 'user', user: userId(emu, 'bob'), scopes: ['admin.teams:write'] });
    assert.equal(
      (await api(emu, 'admin.emoji.add', { name: 'x', url: 'https://i.test/x' }, bobAdmin)).body.error,
      'not_an_admin',
    );
  });
});
