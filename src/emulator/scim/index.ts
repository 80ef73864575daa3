// The SCIM surface: /scim/v1/... and /scim/v2/... Users and Groups over the emulator's users and user
// groups, and the service's description of itself (ServiceProviderConfigs, v2 ResourceTypes), for an
// org admin's user token with the `admin` scope. Every failure is Slack's error body.
import type { EmulatorContext } from '../context.js';
import type { EmuRequest, Outcome } from '../http/transport.js';
import { handleConfig } from './config.js';
import { handleGroups } from './groups.js';
import { checkScimLimits } from './limits.js';
import { authorize, jsonBody, orgTeams, ScimFailure, scimError } from './request.js';
import { handleUsers } from './users.js';

const PATH = /^\/scim\/(v1|v2)\/(Users|Groups|ServiceProviderConfigs|ResourceTypes)(?:\/([A-Za-z0-9]{1,40}))?\/?$/;

/** Answers a request under /scim/, or undefined for any other path. */
export function scimRoute(core: EmulatorContext, req: EmuRequest): Promise<Outcome> | undefined {
  if (!req.path.startsWith('/scim/')) return undefined;
  return handleScim(core, req);
}

async function handleScim(core: EmulatorContext, req: EmuRequest): Promise<Outcome> {
  const match = PATH.exec(req.path);
  if (match === null) return scimError(404, 'not_found');
  const token = authorize(core, req);
  if (token instanceof ScimFailure) return scimError(token.status, token.description);
  const [, version, resource, id] = match;
  const orgId = core.oauth.teamEnterprise.get(token.teamId) ?? token.teamId;
  const wait = checkScimLimits(core.rateLimits, token, orgId, req.method, resource ?? '', id !== undefined);
  if (wait !== undefined) {
    const limited = scimError(429, 'rate_limited');
    return { ...limited, headers: { ...limited.headers, 'retry-after': String(wait) } };
  }
  try {
    if (resource === 'ServiceProviderConfigs' || resource === 'ResourceTypes') {
      if (id !== undefined) throw new ScimFailure(404, 'not_found');
      return handleConfig(version === 'v1' ? 'v1' : 'v2', resource, req.method, req.baseUrl);
    }
    const body =
      req.method === 'POST' || req.method === 'PUT' || req.method === 'PATCH' ? await jsonBody(req) : undefined;
    const call = {
      state: core.state,
      token,
      version: version === 'v1' ? ('v1' as const) : ('v2' as const),
      baseUrl: req.baseUrl,
      teams: orgTeams(core, token.teamId),
      homeTeam: token.teamId,
      query: new URLSearchParams(req.query),
    };
    return resource === 'Users' ? handleUsers(call, req.method, id, body) : handleGroups(call, req.method, id, body);
  } catch (error) {
    if (error instanceof ScimFailure) return scimError(error.status, error.description);
    throw error;
  }
}
