// SCIM resources over the emulator's model: a SCIM user is a Slack user of the org's workspaces, a SCIM
// group is a user group. Renders both versions' JSON (shapes from java-slack-sdk's recorded samples,
// data/scim-samples.json) and reads their attributes for filters.
import type { JsonObject } from '../model/json.js';
import type { User, Usergroup } from '../model/model.js';
import type { EmulatorState } from '../model/state.js';
import type { Scalar } from './filter.js';

export type ScimVersion = 'v1' | 'v2';

export const SCHEMAS = {
  v1: {
    user: ['urn:scim:schemas:core:1.0'],
    group: ['urn:scim:schemas:core:1.0'],
    list: ['urn:scim:schemas:core:1.0'],
  },
  v2: {
    user: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    group: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
    list: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
  },
} as const;

export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

export function profileOf(
  state: EmulatorState,
  user: User,
): { externalId: string; givenName: string; familyName: string } {
  let profile = state.scimProfiles.get(user.id);
  if (profile === undefined) {
    const [given = '', ...rest] = user.realName.split(' ');
    profile = { externalId: '', givenName: given, familyName: rest.join(' ') };
    state.scimProfiles.set(user.id, profile);
  }
  return profile;
}

export function groupsOfUser(state: EmulatorState, userId: string): Usergroup[] {
  return [...state.usergroups.values()].filter((g) => g.deleted === 0 && g.users.includes(userId));
}

export function userResource(state: EmulatorState, user: User, version: ScimVersion, baseUrl: string): JsonObject {
  const profile = profileOf(state, user);
  const domain = state.teams.get(user.teamId)?.domain ?? 'example';
  return {
    schemas: [...SCHEMAS[version].user],
    id: user.id,
    externalId: profile.externalId,
    meta: { created: iso(user.updated), location: `${baseUrl}scim/${version}/Users/${user.id}` },
    userName: user.name,
    nickName: user.displayName,
    name: { givenName: profile.givenName, familyName: profile.familyName },
    displayName: user.displayName,
    profileUrl: `https://${domain}.slack.com/team/${user.name}`,
    title: user.title,
    timezone: user.tz,
    active: !user.deleted,
    emails: user.email === undefined ? [] : [{ value: user.email, primary: true }],
    photos: [{ value: `https://avatars.slack-edge.com/emulator/${user.id}_192.png`, type: 'photo' }],
    groups: groupsOfUser(state, user.id).map((g) => ({ value: g.id, display: g.name })),
  };
}

export function groupResource(
  state: EmulatorState,
  group: Usergroup,
  version: ScimVersion,
  baseUrl: string,
): JsonObject {
  return {
    schemas: [...SCHEMAS[version].group],
    id: group.id,
    meta: { created: iso(group.created), location: `${baseUrl}scim/${version}/Groups/${group.id}` },
    displayName: group.name,
    members: group.users.map((id) => ({ value: id, display: state.users.get(id)?.name ?? '' })),
  };
}

/** A user's attribute values for a filter; undefined for an attribute Slack does not filter on. */
export function userAttribute(state: EmulatorState, user: User, attr: string): Scalar[] | undefined {
  const profile = profileOf(state, user);
  switch (attr.toLowerCase()) {
    case 'id':
      return [user.id];
    case 'username':
      return [user.name];
    case 'externalid':
      return [profile.externalId];
    case 'displayname':
      return [user.displayName];
    case 'nickname':
      return [user.displayName];
    case 'title':
      return [user.title];
    case 'active':
      return [!user.deleted];
    case 'name.givenname':
      return [profile.givenName];
    case 'name.familyname':
      return [profile.familyName];
    case 'emails':
    case 'emails.value':
    case 'email':
      return user.email === undefined ? [] : [user.email];
    case 'groups':
    case 'groups.value':
      return groupsOfUser(state, user.id).map((g) => g.id);
    default:
      return undefined;
  }
}

export function groupAttribute(group: Usergroup, attr: string): Scalar[] | undefined {
  switch (attr.toLowerCase()) {
    case 'id':
      return [group.id];
    case 'displayname':
      return [group.name];
    case 'members':
    case 'members.value':
      return [...group.users];
    default:
      return undefined;
  }
}
