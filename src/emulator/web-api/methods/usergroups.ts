// usergroups.create, update, disable, enable, list and usergroups.users.list/update.

import type { JsonObject } from '../../model/json.js';
import type { Usergroup } from '../../model/model.js';
import type { Call, Handler } from '../call.js';
import { fail } from '../failure.js';
import { canSee } from './access.js';

const HANDLE = /^[a-z0-9][a-z0-9._-]{0,79}$/;
const RESERVED_HANDLES = new Set(['channel', 'here', 'everyone', 'group', 'all']);
const MAX_USERS = 1000;

function usergroupJson(call: Call, group: Usergroup, withUsers = call.args.bool('include_users')): JsonObject {
  const kinds = group.channels.map((id) => [id, call.state.channels.get(id)?.kind] as const);
  const body: JsonObject = {
    id: group.id,
    team_id: group.teamId,
    is_usergroup: true,
    is_subteam: true,
    name: group.name,
    description: group.description,
    handle: group.handle,
    is_external: false,
    date_create: group.created,
    date_update: group.updated,
    date_delete: group.deleted,
    auto_type: null,
    created_by: group.createdBy,
    updated_by: group.updatedBy,
    deleted_by: group.deletedBy ?? null,
    prefs: {
      channels: kinds.filter(([, k]) => k === 'public').map(([id]) => id),
      groups: kinds.filter(([, k]) => k !== 'public').map(([id]) => id),
    },
  };
  if (withUsers) body.users = [...group.users];
  if (call.args.bool('include_count')) body.user_count = group.users.length;
  return body;
}

function groupsOf(call: Call): Usergroup[] {
  return [...call.state.usergroups.values()].filter((g) => g.teamId === call.token.teamId);
}

/**
 * The group named by `usergroup`. usergroups.users.list documents no_such_subteam for an unknown or
 * disabled one; the methods that change a group document only permission_denied for it.
 */
function findGroup(call: Call, missing = 'permission_denied', allowDisabled = true): Usergroup {
  const group = call.state.usergroups.get(call.args.str('usergroup') ?? '');
  if (group === undefined || group.teamId !== call.token.teamId) throw fail(missing);
  if (!allowDisabled && group.deleted !== 0) throw fail(missing);
  return group;
}

/** The name, handle and description asked for, checked against the team's other groups. */
function identity(call: Call, self: Usergroup | undefined): { name?: string; handle?: string; description?: string } {
  const { args } = call;
  const name = args.str('name');
  if (name !== undefined) {
    if (name.trim() === '') throw fail('missing_subteam_name');
    if (name.length > 255) throw fail('name_too_long');
    if (groupsOf(call).some((g) => g !== self && g.name === name)) throw fail('name_already_exists');
  }
  const handle = args.text('handle');
  if (handle !== undefined) {
    if (!HANDLE.test(handle)) throw fail('bad_handle');
    if (RESERVED_HANDLES.has(handle)) throw fail('forbidden_handle');
    if (groupsOf(call).some((g) => g !== self && g.handle === handle)) throw fail('handle_already_exists');
    if (call.state.userByName(call.token.teamId, handle) !== undefined) throw fail('handle_already_exists');
  }
  const description = args.str('description');
  if (description !== undefined && description.length > 140) throw fail('description_too_long');
  return { name, handle, description };
}

function linkedChannels(call: Call): string[] | undefined {
  if (!call.args.has('channels')) return undefined;
  return call.args.list('channels').map((id) => {
    const channel = call.state.channels.get(id);
    if (channel === undefined || !canSee(channel, call.token.userId, call.token.teamId)) {
      throw fail('invalid_channel_provided');
    }
    return channel.id;
  });
}

export const usergroupHandlers: Record<string, Handler> = {
  'usergroups.create': (call) => {
    const { state, token } = call;
    const { name, handle, description } = identity(call, undefined);
    if (name === undefined) throw fail('missing_subteam_name');
    const now = state.clock.seconds();
    const group: Usergroup = {
      id: state.ids.next('S'),
      teamId: token.teamId,
      name,
      handle: handle ?? name.toLowerCase().replace(/[^a-z0-9._-]+/g, '-'),
      description: description ?? '',
      channels: linkedChannels(call) ?? [],
      users: [],
      created: now,
      updated: now,
      createdBy: token.userId,
      updatedBy: token.userId,
      deleted: 0,
      deletedBy: undefined,
    };
    state.usergroups.set(group.id, group);
    return { ok: true, usergroup: usergroupJson(call, group) };
  },

  'usergroups.update': (call) => {
    const group = findGroup(call);
    const { name, handle, description } = identity(call, group);
    const channels = linkedChannels(call);
    if (channels !== undefined && channels.length > 100) throw fail('too_many_linked_channels');
    if (name !== undefined) group.name = name;
    if (handle !== undefined) group.handle = handle;
    if (description !== undefined) group.description = description;
    if (channels !== undefined) group.channels = channels;
    group.updated = call.state.clock.seconds();
    group.updatedBy = call.token.userId;
    return { ok: true, usergroup: usergroupJson(call, group) };
  },

  'usergroups.disable': (call) => {
    const group = findGroup(call);
    if (group.deleted === 0) {
      group.deleted = call.state.clock.seconds();
      group.deletedBy = call.token.userId;
    }
    return { ok: true, usergroup: usergroupJson(call, group) };
  },

  'usergroups.enable': (call) => {
    const group = findGroup(call);
    group.deleted = 0;
    group.deletedBy = undefined;
    group.updated = call.state.clock.seconds();
    return { ok: true, usergroup: usergroupJson(call, group) };
  },

  'usergroups.list': (call) => {
    const withDisabled = call.args.bool('include_disabled');
    const groups = groupsOf(call).filter((g) => withDisabled || g.deleted === 0);
    return { ok: true, usergroups: groups.map((g) => usergroupJson(call, g)) };
  },

  'usergroups.users.list': (call) => {
    const group = findGroup(call, 'no_such_subteam', call.args.bool('include_disabled'));
    return { ok: true, users: [...group.users] };
  },

  'usergroups.users.update': (call) => {
    const group = findGroup(call);
    const ids = call.args.list('users');
    if (ids.length === 0) throw fail('no_users_provided');
    if (ids.length > MAX_USERS) throw fail('subteam_max_users_exceeded');
    const users = ids.map((id) => {
      const user = call.state.users.get(id);
      if (user === undefined || user.teamId !== call.token.teamId || user.deleted) throw fail('invalid_users');
      return user.id;
    });
    group.users = [...new Set(users)];
    group.updated = call.state.clock.seconds();
    group.updatedBy = call.token.userId;
    return { ok: true, usergroup: usergroupJson(call, group, true) };
  },
};
