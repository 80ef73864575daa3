// /scim/vN/Groups: search, read, create, replace (PUT), patch (members and displayName; v1 marks a
// removal with `operation: "delete"`, v2 sends PatchOp Operations), delete (permanent, as Slack's).
import { jsonReply, type Reply } from '../http/transport.js';
import { isObject } from '../model/json.js';
import type { Usergroup } from '../model/model.js';
import { listReply, type ScimCall, ScimFailure, str } from './request.js';
import { groupAttribute, groupResource, PATCH_OP_SCHEMA } from './resources.js';
import { filterItems } from './users.js';

const MAX_MEMBERS = 15_000;

function visibleGroups(call: ScimCall): Usergroup[] {
  return [...call.state.usergroups.values()].filter((g) => g.deleted === 0 && call.teams.has(g.teamId));
}

function findGroup(call: ScimCall, id: string): Usergroup {
  const group = call.state.usergroups.get(id);
  if (group === undefined || group.deleted !== 0 || !call.teams.has(group.teamId)) {
    throw new ScimFailure(404, 'group_not_found');
  }
  return group;
}

/** User ids of a `members` array: each must be a user of the org. */
function memberIds(call: ScimCall, members: unknown): string[] {
  if (!Array.isArray(members) || members.length > MAX_MEMBERS) throw new ScimFailure(400, 'invalid_members');
  return members.map((m) => {
    const id = isObject(m) ? m.value : undefined;
    const user = typeof id === 'string' ? call.state.users.get(id) : undefined;
    if (user === undefined || user.isBot || !call.teams.has(user.teamId)) throw new ScimFailure(400, 'invalid_members');
    return user.id;
  });
}

function displayName(call: ScimCall, value: unknown, self: Usergroup | undefined): string {
  const name = str(value, 'display_name');
  if (name === undefined || name.trim() === '') throw new ScimFailure(400, 'missing_display_name');
  if (visibleGroups(call).some((g) => g !== self && g.name.toLowerCase() === name.toLowerCase())) {
    throw new ScimFailure(409, 'group_name_taken');
  }
  return name;
}

function addMembers(group: Usergroup, ids: readonly string[]): void {
  for (const id of ids) if (!group.users.includes(id)) group.users.push(id);
}

function removeMembers(group: Usergroup, ids: readonly string[]): void {
  const gone = new Set(ids);
  group.users = group.users.filter((id) => !gone.has(id));
}

function patchV2(call: ScimCall, group: Usergroup, body: Record<string, unknown>): void {
  const ops = body.Operations;
  if (!Array.isArray(ops) || ops.length === 0 || ops.length > 100) throw new ScimFailure(400, 'invalid_operations');
  for (const op of ops) {
    if (!isObject(op) || typeof op.op !== 'string') throw new ScimFailure(400, 'invalid_operations');
    const kind = op.op.toLowerCase();
    const path = op.path;
    // `members[value eq "U123"]` removes one member by its id.
    const one = typeof path === 'string' ? /^members\[value eq "([A-Z0-9]{1,20})"\]$/.exec(path) : null;
    if (kind === 'remove' && one !== null) removeMembers(group, [one[1] ?? '']);
    else if (path === 'members' && kind === 'add') addMembers(group, memberIds(call, op.value));
    else if (path === 'members' && kind === 'remove') {
      if (op.value === undefined) group.users = [];
      else removeMembers(group, memberIds(call, op.value));
    } else if (path === 'members' && kind === 'replace') group.users = [...new Set(memberIds(call, op.value))];
    else if (path === 'displayName' && kind === 'replace') group.name = displayName(call, op.value, group);
    else if (path === undefined && (kind === 'replace' || kind === 'add') && isObject(op.value)) {
      if (op.value.displayName !== undefined) group.name = displayName(call, op.value.displayName, group);
      if (op.value.members !== undefined) addMembers(group, memberIds(call, op.value.members));
    } else throw new ScimFailure(400, 'unsupported_operation');
  }
}

function patchV1(call: ScimCall, group: Usergroup, body: Record<string, unknown>): void {
  if (body.displayName !== undefined) group.name = displayName(call, body.displayName, group);
  if (body.members === undefined) return;
  if (!Array.isArray(body.members) || body.members.length > MAX_MEMBERS) throw new ScimFailure(400, 'invalid_members');
  const removed = body.members.filter((m) => isObject(m) && m.operation === 'delete');
  const added = body.members.filter((m) => !(isObject(m) && m.operation === 'delete'));
  removeMembers(group, memberIds(call, removed));
  addMembers(group, memberIds(call, added));
}

export function handleGroups(
  call: ScimCall,
  method: string,
  id: string | undefined,
  body: Record<string, unknown> | undefined,
): Reply {
  const render = (g: Usergroup) => groupResource(call.state, g, call.version, call.baseUrl);
  const { state } = call;
  if (id === undefined) {
    if (method === 'GET') return listReply(call, filterItems(call, visibleGroups(call), groupAttribute), render);
    if (method !== 'POST' || body === undefined) throw new ScimFailure(405, 'method_not_allowed');
    const name = displayName(call, body.displayName, undefined);
    const members = body.members === undefined ? [] : memberIds(call, body.members);
    const now = state.clock.seconds();
    const group: Usergroup = {
      id: state.ids.next('S'),
      teamId: call.homeTeam,
      name,
      handle: name
        .toLowerCase()
        .replace(/[^a-z0-9._-]+/g, '-')
        .slice(0, 80),
      description: '',
      channels: [],
      users: [...new Set(members)],
      created: now,
      updated: now,
      createdBy: call.token.userId,
      updatedBy: call.token.userId,
      deleted: 0,
      deletedBy: undefined,
    };
    state.usergroups.set(group.id, group);
    return jsonReply(201, render(group));
  }
  const group = findGroup(call, id);
  switch (method) {
    case 'GET':
      return jsonReply(200, render(group));
    case 'PUT':
      if (body === undefined) throw new ScimFailure(400, 'invalid_json');
      group.name = displayName(call, body.displayName, group);
      group.users = body.members === undefined ? [] : [...new Set(memberIds(call, body.members))];
      break;
    case 'PATCH':
      if (body === undefined) throw new ScimFailure(400, 'invalid_json');
      if (call.version === 'v2' && Array.isArray(body.schemas) && body.schemas.includes(PATCH_OP_SCHEMA)) {
        patchV2(call, group, body);
      } else patchV1(call, group, body);
      break;
    case 'DELETE':
      state.usergroups.delete(group.id);
      return { kind: 'reply', status: 204, headers: {}, body: '' };
    default:
      throw new ScimFailure(405, 'method_not_allowed');
  }
  group.updated = state.clock.seconds();
  group.updatedBy = call.token.userId;
  return jsonReply(200, render(group));
}
