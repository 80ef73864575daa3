// /scim/vN/Users: search, read, create, replace (PUT), patch (v1: a partial resource; v2: PatchOp
// Operations), delete (deactivates: `deleted: true` in users.list, as Slack does).
import { jsonReply, type Reply } from '../http/transport.js';
import { isObject } from '../model/json.js';
import type { User } from '../model/model.js';
import { matches, parseFilter, ScimFilterError } from './filter.js';
import { listReply, type ScimCall, ScimFailure, str } from './request.js';
import { PATCH_OP_SCHEMA, profileOf, userAttribute, userResource } from './resources.js';

const USER_NAME = /^[a-z0-9][a-z0-9._-]{0,79}$/i;

function visibleUsers(call: ScimCall): User[] {
  const out: User[] = [];
  for (const user of call.state.users.values()) if (!user.isBot && call.teams.has(user.teamId)) out.push(user);
  return out;
}

function findUser(call: ScimCall, id: string): User {
  const user = call.state.users.get(id);
  if (user === undefined || user.isBot || !call.teams.has(user.teamId)) throw new ScimFailure(404, 'user_not_found');
  return user;
}

export function filterItems<T>(
  call: ScimCall,
  items: T[],
  read: (item: T, attr: string) => ReturnType<typeof userAttribute>,
): T[] {
  const filter = call.query.get('filter');
  if (filter === null || filter.trim() === '') return items;
  try {
    const node = parseFilter(filter);
    return items.filter((item) => matches(node, (attr) => read(item, attr)));
  } catch (error) {
    if (error instanceof ScimFilterError) throw new ScimFailure(400, 'invalid_filter');
    throw error;
  }
}

interface UserFields {
  userName?: string;
  email?: string;
  givenName?: string;
  familyName?: string;
  displayName?: string;
  title?: string;
  externalId?: string;
  active?: boolean;
}

/** The attributes of a SCIM user body that the emulator keeps. */
function readFields(body: Record<string, unknown>): UserFields {
  const out: UserFields = {};
  const userName = str(body.userName, 'username', 80);
  if (userName !== undefined) {
    if (!USER_NAME.test(userName)) throw new ScimFailure(400, 'invalid_username');
    out.userName = userName.toLowerCase();
  }
  if (body.emails !== undefined) {
    if (!Array.isArray(body.emails)) throw new ScimFailure(400, 'invalid_emails');
    const primary = body.emails.find((e) => isObject(e) && e.primary === true) ?? body.emails[0];
    const email = isObject(primary) ? str(primary.value, 'email', 254) : undefined;
    if (email === undefined || !/^[^\s@]+@[^\s@]+$/.test(email)) throw new ScimFailure(400, 'invalid_email');
    out.email = email;
  }
  if (body.name !== undefined) {
    if (!isObject(body.name)) throw new ScimFailure(400, 'invalid_name');
    out.givenName = str(body.name.givenName, 'name');
    out.familyName = str(body.name.familyName, 'name');
  }
  out.displayName = str(body.displayName, 'display_name') ?? str(body.nickName, 'display_name');
  out.title = str(body.title, 'title');
  out.externalId = str(body.externalId, 'external_id');
  if (body.active !== undefined) {
    if (typeof body.active !== 'boolean') throw new ScimFailure(400, 'invalid_active');
    out.active = body.active;
  }
  return out;
}

function apply(call: ScimCall, user: User, fields: UserFields): void {
  const { state } = call;
  if (fields.userName !== undefined && fields.userName !== user.name) {
    if (visibleUsers(call).some((u) => u.name === fields.userName)) throw new ScimFailure(409, 'username_taken');
    user.name = fields.userName;
  }
  if (fields.email !== undefined && fields.email.toLowerCase() !== user.email?.toLowerCase()) {
    const email = fields.email.toLowerCase();
    if (visibleUsers(call).some((u) => u.email?.toLowerCase() === email)) throw new ScimFailure(409, 'email_taken');
    user.email = fields.email;
  }
  const profile = profileOf(state, user);
  if (fields.givenName !== undefined) profile.givenName = fields.givenName;
  if (fields.familyName !== undefined) profile.familyName = fields.familyName;
  if (fields.givenName !== undefined || fields.familyName !== undefined) {
    user.realName = `${profile.givenName} ${profile.familyName}`.trim() || user.name;
  }
  if (fields.displayName !== undefined) user.displayName = fields.displayName;
  if (fields.title !== undefined) user.title = fields.title;
  if (fields.externalId !== undefined) profile.externalId = fields.externalId;
  if (fields.active !== undefined) user.deleted = !fields.active;
  user.updated = state.clock.seconds();
}

/** A v2 PatchOp body as the partial resource it amounts to (add/replace with a simple path or none). */
function patchOpFields(body: Record<string, unknown>): Record<string, unknown> {
  const ops = body.Operations;
  if (!Array.isArray(ops) || ops.length === 0 || ops.length > 100) throw new ScimFailure(400, 'invalid_operations');
  const partial: Record<string, unknown> = {};
  for (const op of ops) {
    if (!isObject(op) || typeof op.op !== 'string') throw new ScimFailure(400, 'invalid_operations');
    const kind = op.op.toLowerCase();
    if (kind !== 'add' && kind !== 'replace') throw new ScimFailure(400, 'unsupported_operation');
    if (op.path === undefined) {
      if (!isObject(op.value)) throw new ScimFailure(400, 'invalid_operations');
      Object.assign(partial, op.value);
    } else if (typeof op.path === 'string' && /^name\.(givenName|familyName)$/.test(op.path)) {
      const name = isObject(partial.name) ? partial.name : {};
      name[op.path.slice(5)] = op.value;
      partial.name = name;
    } else if (typeof op.path === 'string' && /^[A-Za-z]{1,40}$/.test(op.path)) {
      partial[op.path] = op.value;
    } else {
      throw new ScimFailure(400, 'invalid_path');
    }
  }
  return partial;
}

export function handleUsers(
  call: ScimCall,
  method: string,
  id: string | undefined,
  body: Record<string, unknown> | undefined,
): Reply {
  const render = (u: User) => userResource(call.state, u, call.version, call.baseUrl);
  if (id === undefined) {
    if (method === 'GET') {
      return listReply(
        call,
        filterItems(call, visibleUsers(call), (u, a) => userAttribute(call.state, u, a)),
        render,
      );
    }
    if (method !== 'POST' || body === undefined) throw new ScimFailure(405, 'method_not_allowed');
    const fields = readFields(body);
    if (fields.userName === undefined) throw new ScimFailure(400, 'missing_username');
    if (fields.email === undefined) throw new ScimFailure(400, 'missing_email');
    const all = visibleUsers(call);
    if (all.some((u) => u.name === fields.userName)) throw new ScimFailure(409, 'username_taken');
    const email = fields.email.toLowerCase();
    if (all.some((u) => u.email?.toLowerCase() === email)) throw new ScimFailure(409, 'email_taken');
    const user = call.state.addUser(call.homeTeam, { name: fields.userName, email: fields.email });
    apply(call, user, { ...fields, userName: undefined, email: undefined });
    audit(call, 'user_created', user.id);
    return jsonReply(201, render(user));
  }
  const user = findUser(call, id);
  switch (method) {
    case 'GET':
      return jsonReply(200, render(user));
    case 'PUT': {
      if (body === undefined) throw new ScimFailure(400, 'invalid_json');
      const fields = readFields(body);
      if (fields.userName === undefined) throw new ScimFailure(400, 'missing_username');
      if (fields.email === undefined) throw new ScimFailure(400, 'missing_email');
      // A replace overwrites every attribute: what the body leaves out is cleared.
      apply(call, user, {
        givenName: '',
        familyName: '',
        displayName: fields.userName,
        title: '',
        externalId: '',
        active: true,
        ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)),
      });
      return jsonReply(200, render(user));
    }
    case 'PATCH': {
      if (body === undefined) throw new ScimFailure(400, 'invalid_json');
      const partial =
        call.version === 'v2' && Array.isArray(body.schemas) && body.schemas.includes(PATCH_OP_SCHEMA)
          ? patchOpFields(body)
          : body;
      apply(call, user, readFields(partial));
      return jsonReply(200, render(user));
    }
    case 'DELETE':
      if (!user.deleted) audit(call, 'user_deactivated', user.id);
      user.deleted = true;
      user.updated = call.state.clock.seconds();
      return { kind: 'reply', status: 204, headers: {}, body: '' };
    default:
      throw new ScimFailure(405, 'method_not_allowed');
  }
}

/** SCIM changes show in the audit log, as on Slack (the actor is the admin whose token made them). */
function audit(call: ScimCall, action: string, userId: string): void {
  call.state.onActivity?.({
    action,
    teamId: call.homeTeam,
    actorId: call.token.userId,
    entity: { type: 'user', id: userId },
  });
}
