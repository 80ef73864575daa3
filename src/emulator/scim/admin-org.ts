// The Enterprise org behind the default `admin` token: one workspace whose primary owner holds an org
// admin's user token with `admin` (SCIM) and `auditlogs:read` (Audit Logs). Re-created on every reset
// with the same token string.
import type { Ctx } from '../context.js';
import { addEnterprise } from '../model/orgs.js';

export const ADMIN_ORG_NAME = 'Slackline Org';
export const ADMIN_SCOPES: readonly string[] = ['admin', 'auditlogs:read'];

export function addAdminOrg(core: Ctx<'state' | 'oauth'>, tokenValue: string): void {
  const org = addEnterprise(core, { name: ADMIN_ORG_NAME, workspaces: [ADMIN_ORG_NAME] });
  // Not an install target: apps are installed into the default workspace and the caller's orgs.
  org.offered = false;
  const teamId = org.teamIds[0];
  if (teamId === undefined) return;
  const owner = core.state.usersOf(teamId).find((u) => u.isPrimaryOwner);
  if (owner === undefined) return;
  core.state.issueToken({ kind: 'user', teamId, userId: owner.id, scopes: ADMIN_SCOPES, value: tokenValue });
}
