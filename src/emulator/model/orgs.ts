// Enterprise Grid orgs: an enterprise with a few workspaces, for org-wide installs. The app is not
// installed in them: installing it is what they are for.
import type { Ctx } from '../context.js';
import type { JsonObject } from './json.js';
import type { Enterprise } from './oauth-state.js';

export interface EnterpriseSpec {
  name: string;
  /** Workspace names; default two. */
  workspaces?: readonly string[];
}

export class OrgError extends Error {}

function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'org'
  );
}

export function addEnterprise(core: Ctx<'state' | 'oauth'>, spec: EnterpriseSpec): Enterprise {
  const { state, oauth } = core;
  if (typeof spec.name !== 'string' || spec.name === '') throw new OrgError('an enterprise needs a name');
  const names = spec.workspaces ?? [`${spec.name} One`, `${spec.name} Two`];
  if (names.length === 0 || names.length > 50) throw new OrgError('an enterprise needs 1 to 50 workspaces');
  const org: Enterprise = { id: oauth.nextEnterpriseId(), name: spec.name, domain: slug(spec.name), teamIds: [] };
  for (const name of names) {
    const team = state.addTeam(String(name), `${org.domain}-${slug(String(name))}`);
    const owner = state.addUser(team.id, { name: 'admin', isAdmin: true, isOwner: true, isPrimaryOwner: true });
    const member = state.addUser(team.id, { name: 'member' });
    state.addChannel(team.id, {
      name: 'general',
      kind: 'public',
      creator: owner.id,
      members: [member.id],
      isGeneral: true,
    });
    org.teamIds.push(team.id);
    oauth.teamEnterprise.set(team.id, org.id);
  }
  oauth.enterprises.set(org.id, org);
  return org;
}

export function enterpriseJson(core: Ctx<'state' | 'oauth'>, org: Enterprise): JsonObject {
  return {
    id: org.id,
    name: org.name,
    teams: org.teamIds.map((id) => {
      const owner = core.state.usersOf(id).find((u) => u.isPrimaryOwner);
      return { id, name: core.state.teams.get(id)?.name ?? '', owner_id: owner?.id ?? null };
    }),
  };
}
