// usergroups.* and usergroups.users.* over real HTTP: create, read back, update, disable/enable, errors.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { api, channelId, userId } from './helpers.js';

type Group = {
  id: string;
  name: string;
  handle: string;
  description: string;
  date_delete: number;
  users?: string[];
  user_count?: number;
  prefs: { channels: string[] };
};

describe('emulator methods: usergroups', () => {
  let emu: Emulator;
  let token: string;
  before(async () => {
    emu = await startEmulator();
  });
  beforeEach(() => {
    emu.reset();
    token = emu.issueToken({ type: 'bot', scopes: ['usergroups:read', 'usergroups:write'] });
  });
  after(async () => {
    await emu.close();
  });

  const call = (method: string, args: Record<string, string | boolean> = {}) => api(emu, method, args, token);

  it('creates a group, sets its users, and reads both back', async () => {
    const general = channelId(emu, 'general');
    const created = await call('usergroups.create', {
      name: 'Ops Team',
      handle: 'ops-team',
      description: 'on call',
      channels: general,
    });
    assert.equal(created.body.ok, true, JSON.stringify(created.body));
    const group = created.body.usergroup as Group;
    assert.match(group.id, /^S/);
    assert.deepEqual(group.prefs.channels, [general]);
    const bob = userId(emu, 'bob');
    const carol = userId(emu, 'carol');
    const updated = await call('usergroups.users.update', { usergroup: group.id, users: `${bob},${carol}` });
    assert.deepEqual((updated.body.usergroup as Group).users, [bob, carol]);
    assert.deepEqual((await call('usergroups.users.list', { usergroup: group.id })).body.users, [bob, carol]);
    // Form clients (the official SDKs) send arrays as JSON text.
    await call('usergroups.users.update', { usergroup: group.id, users: JSON.stringify([carol]) });
    assert.deepEqual((await call('usergroups.users.list', { usergroup: group.id })).body.users, [carol]);
    await call('usergroups.users.update', { usergroup: group.id, users: `${bob},${carol}` });
    const list = await call('usergroups.list', { include_users: true, include_count: true });
    const listed = (list.body.usergroups as Group[]).map((g) => [g.handle, g.description, g.users, g.user_count]);
    assert.deepEqual(listed, [['ops-team', 'on call', [bob, carol], 2]]);
  });

  it('updates name and handle, and disables and enables a group', async () => {
    const group = (await call('usergroups.create', { name: 'Devs' })).body.usergroup as Group;
    const renamed = await call('usergroups.update', { usergroup: group.id, name: 'Developers', handle: 'devs' });
    assert.deepEqual(
      [(renamed.body.usergroup as Group).name, (renamed.body.usergroup as Group).handle],
      ['Developers', 'devs'],
    );
    const disabled = await call('usergroups.disable', { usergroup: group.id });
    assert.ok((disabled.body.usergroup as Group).date_delete > 0);
    assert.deepEqual((await call('usergroups.list')).body.usergroups, []);
    const all = await call('usergroups.list', { include_disabled: true });
    assert.deepEqual(
      (all.body.usergroups as Group[]).map((g) => g.name),
      ['Developers'],
    );
    assert.equal((await call('usergroups.users.list', { usergroup: group.id })).body.error, 'no_such_subteam');
    await call('usergroups.enable', { usergroup: group.id });
    assert.deepEqual(
      ((await call('usergroups.list')).body.usergroups as Group[]).map((g) => g.date_delete),
      [0],
    );
  });

  it('answers the documented errors and needs usergroups:write', async () => {
    await call('usergroups.create', { name: 'Alpha', handle: 'alpha' });
    assert.equal((await call('usergroups.create', { name: 'Alpha' })).body.error, 'name_already_exists');
    assert.equal(
      (await call('usergroups.create', { name: 'Beta', handle: 'alpha' })).body.error,
      'handle_already_exists',
    );
    assert.equal(
      (await call('usergroups.create', { name: 'Beta', handle: 'bob' })).body.error,
      'handle_already_exists',
    );
    assert.equal((await call('usergroups.create', { name: 'Beta', handle: 'Bad Handle' })).body.error, 'bad_handle');
    assert.equal((await call('usergroups.create', { name: 'Beta', handle: 'here' })).body.error, 'forbidden_handle');
    assert.equal(
      (await call('usergroups.create', { name: 'Beta', description: 'x'.repeat(141) })).body.error,
      'description_too_long',
    );
    assert.equal(
      (await call('usergroups.create', { name: 'Beta', channels: 'C0NOPE' })).body.error,
      'invalid_channel_provided',
    );
    assert.equal((await call('usergroups.users.list', { usergroup: 'S0NOPE' })).body.error, 'no_such_subteam');
    const group = ((await call('usergroups.list')).body.usergroups as Group[])[0];
    const users = await call('usergroups.users.update', { usergroup: group?.id ?? '', users: 'U0NOPE' });
    assert.equal(users.body.error, 'invalid_users');
    assert.equal((await api(emu, 'usergroups.create', { name: 'Gamma' })).body.error, 'missing_scope');
  });
});
