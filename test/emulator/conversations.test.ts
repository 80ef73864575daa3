import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { api, apiJson, channelId, userId } from './helpers.js';

type Channel = { id: string; name: string; is_member: boolean; is_private: boolean; is_im?: boolean };

describe('emulator: conversations, users, team, bots, views', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator();
  });
  beforeEach(() => emu.reset());
  after(async () => {
    await emu.close();
  });

  it('lists public channels by default, private ones with types, with is_member for the caller', async () => {
    const pub = await api(emu, 'conversations.list', {});
    const names = (pub.body.channels as Channel[]).map((c) => c.name);
    assert.deepEqual(names, ['general', 'random', 'ops']);
    assert.equal((pub.body.channels as Channel[]).find((c) => c.name === 'ops')?.is_member, false);
    assert.deepEqual(pub.body.response_metadata, { next_cursor: '' });
    const asAlice = await api(emu, 'conversations.list', { types: 'public_channel,private_channel' }, emu.tokens.user);
    assert.ok((asAlice.body.channels as Channel[]).some((c) => c.name === 'secret' && c.is_private));
    const asBot = await api(emu, 'conversations.list', { types: 'private_channel' });
    assert.deepEqual(asBot.body.channels, [], 'the bot does not see private channels it is not in');
    assert.equal((await api(emu, 'conversations.list', { types: 'nope' })).body.error, 'invalid_types');
  });

  it('answers conversations.info and hides private channels from non-members', async () => {
    const info = await api(emu, 'conversations.info', { channel: channelId(emu, 'general') });
    assert.equal((info.body.channel as Channel).name, 'general');
    assert.equal(
      (await api(emu, 'conversations.info', { channel: channelId(emu, 'secret') })).body.error,
      'channel_not_found',
    );
    assert.equal((await api(emu, 'conversations.info', { channel: 'C0NOPE' })).body.error, 'channel_not_found');
  });

  it('creates channels, refusing taken and invalid names', async () => {
    const created = await api(emu, 'conversations.create', { name: 'project-x' });
    assert.equal(created.body.ok, true);
    const channel = created.body.channel as Channel;
    assert.match(channel.id, /^C/);
    assert.equal(channel.is_member, true);
    assert.equal((await api(emu, 'conversations.create', { name: 'project-x' })).body.error, 'name_taken');
    assert.equal((await api(emu, 'conversations.create', { name: 'Has Space' })).body.error, 'invalid_name_specials');
    assert.equal((await api(emu, 'conversations.create', { name: '' })).body.error, 'invalid_name_required');
    assert.equal(
      (await api(emu, 'conversations.create', { name: 'x'.repeat(81) })).body.error,
      'invalid_name_maxlength',
    );
    const priv = await api(emu, 'conversations.create', { name: 'hidden', is_private: true });
    assert.equal((priv.body.channel as Channel).is_private, true);
  });

  it('joins public channels and lists members', async () => {
    const ops = channelId(emu, 'ops');
    const joined = await api(emu, 'conversations.join', { channel: ops });
    assert.equal(joined.body.ok, true);
    assert.equal((joined.body.channel as Channel).is_member, true);
    const again = await api(emu, 'conversations.join', { channel: ops });
    assert.equal(again.body.warning, 'already_in_channel');
    const members = await api(emu, 'conversations.members', { channel: ops });
    assert.ok((members.body.members as string[]).includes(emu.workspace.botUserId));
    const secret = await api(emu, 'conversations.join', { channel: channelId(emu, 'secret') }, emu.tokens.user);
    assert.equal(secret.body.error, 'method_not_supported_for_channel_type');
  });

  it('opens DMs and group DMs, reusing an open one', async () => {
    const bob = userId(emu, 'bob');
    const first = await api(emu, 'conversations.open', { users: bob });
    const id = (first.body.channel as Channel).id;
    assert.match(id, /^D/);
    assert.equal(first.body.already_open, undefined);
    const second = await api(emu, 'conversations.open', { users: bob, return_im: true });
    assert.equal((second.body.channel as Channel).id, id);
    assert.equal(second.body.already_open, true);
    assert.equal((second.body.channel as Channel).is_im, true);
    const group = await api(emu, 'conversations.open', { users: `${bob},${userId(emu, 'carol')}` });
    assert.match((group.body.channel as Channel).id, /^G/);
    assert.equal((await api(emu, 'conversations.open', {})).body.error, 'users_list_not_supplied');
    assert.equal((await api(emu, 'conversations.open', { users: 'U0NOBODY' })).body.error, 'user_not_found');
  });

  it('answers users.list, users.info and users.lookupByEmail', async () => {
    const list = await api(emu, 'users.list', {});
    const members = list.body.members as { name: string; profile: { email?: string } }[];
    assert.deepEqual(
      members.map((m) => m.name),
      ['alice', 'bob', 'carol', 'dave', 'slackline'],
    );
    assert.equal(members[0]?.profile.email, 'alice@slackline-emulator.example.com');
    const info = await api(emu, 'users.info', { user: userId(emu, 'bob') });
    assert.equal((info.body.user as { real_name: string }).real_name, 'Bob Baker');
    assert.equal((await api(emu, 'users.info', { user: 'U0NOBODY' })).body.error, 'user_not_found');
    const byEmail = await api(emu, 'users.lookupByEmail', { email: 'carol@slackline-emulator.example.com' });
    assert.equal((byEmail.body.user as { name: string }).name, 'carol');
    assert.equal(
      (await api(emu, 'users.lookupByEmail', { email: 'nobody@example.com' })).body.error,
      'users_not_found',
    );
    const noEmail = emu.issueToken({ type: 'bot', scopes: ['users:read'] });
    const hidden = await api(emu, 'users.info', { user: userId(emu, 'bob') }, noEmail);
    assert.equal((hidden.body.user as { profile: { email?: string } }).profile.email, undefined);
  });

  it('answers team.info and bots.info', async () => {
    const team = await api(emu, 'team.info', {});
    assert.equal((team.body.team as { id: string }).id, emu.workspace.teamId);
    assert.equal((team.body.team as { domain: string }).domain, emu.workspace.domain);
    const bot = await api(emu, 'bots.info', { bot: emu.workspace.botId });
    assert.equal((bot.body.bot as { user_id: string }).user_id, emu.workspace.botUserId);
    assert.equal((await api(emu, 'bots.info', { bot: 'B0NOPE' })).body.error, 'bot_not_found');
  });

  it('opens modals and publishes home tabs', async () => {
    const modal = { type: 'modal', title: { type: 'plain_text', text: 'Hi' }, blocks: [] };
    // views.open takes only a trigger an interaction issued (here as a global shortcut would).
    const issued = await fetch(`${emu.url}_emulator/interactivity/trigger`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    const { trigger_id } = (await issued.json()) as { trigger_id: string };
    const opened = await apiJson(emu, 'views.open', { trigger_id, view: modal });
    assert.equal(opened.body.ok, true);
    assert.match((opened.body.view as { id: string }).id, /^V/);
    const bad = await apiJson(emu, 'views.open', { trigger_id: '12345.98765.abcd', view: { type: 'modal' } });
    assert.equal(bad.body.error, 'invalid_arguments');
    assert.deepEqual((bad.body.response_metadata as { messages: string[] }).messages, [
      '[ERROR] missing required field: title [json-pointer:/view]',
      '[ERROR] missing required field: blocks [json-pointer:/view]',
    ]);
    const home = { type: 'home', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'home' } }] };
    const published = await api(emu, 'views.publish', { user_id: emu.workspace.userId, view: JSON.stringify(home) });
    assert.equal(published.body.ok, true);
    const view = published.body.view as { id: string; hash: string; type: string };
    assert.equal(view.type, 'home');
    const stale = await api(emu, 'views.publish', {
      user_id: emu.workspace.userId,
      view: JSON.stringify(home),
      hash: 'stale',
    });
    assert.equal(stale.body.error, 'hash_conflict');
    const republished = await api(emu, 'views.publish', {
      user_id: emu.workspace.userId,
      view: JSON.stringify(home),
      hash: view.hash,
    });
    assert.equal((republished.body.view as { id: string }).id, view.id);
  });
});
