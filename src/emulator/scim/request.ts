// What every SCIM request shares: the bearer token's org context, the failure type and its wire shape
// (`{ "Errors": { "description", "code" } }`, as java-slack-sdk recorded Slack's answers for v1 and v2),
// and JSON bodies.
import type { EmulatorContext } from '../context.js';
import { type EmuRequest, jsonReply, type Reply, readBody } from '../http/transport.js';
import { isObject, tryParseJson } from '../model/json.js';
import type { Token } from '../model/model.js';
import type { EmulatorState } from '../model/state.js';
import type { ScimVersion } from './resources.js';

/** The scope Slack's SCIM API requires of the (user) token. */
export const SCIM_SCOPE = 'admin';
const MAX_BODY = 1024 * 1024;

export class ScimFailure extends Error {
  constructor(
    readonly status: number,
    readonly description: string,
  ) {
    super(description);
  }
}

export function scimError(status: number, description: string): Reply {
  return jsonReply(status, { Errors: { description, code: status } });
}

export interface ScimCall {
  readonly state: EmulatorState;
  readonly token: Token;
  readonly version: ScimVersion;
  readonly baseUrl: string;
  /** The workspaces of the token's org: SCIM sees and changes their users. */
  readonly teams: ReadonlySet<string>;
  /** Where SCIM creates users and groups: the token's own workspace. */
  readonly homeTeam: string;
  readonly query: URLSearchParams;
}

/** Checks the bearer token: known, live, a user token with `admin`, in an Enterprise org. */
export function authorize(core: Pick<EmulatorContext, 'state' | 'oauth'>, req: EmuRequest): Token | ScimFailure {
  const header = req.header('authorization') ?? '';
  const value = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
  if (value === undefined) return new ScimFailure(401, 'invalid_authentication');
  const token = core.state.tokens.get(value);
  if (token === undefined) return new ScimFailure(401, 'invalid_authentication');
  if (token.revoked) return new ScimFailure(401, 'token_revoked');
  if (token.kind !== 'user' || !token.scopeSet.has(SCIM_SCOPE)) return new ScimFailure(403, 'missing_scope');
  if (!core.oauth.teamEnterprise.has(token.teamId)) return new ScimFailure(403, 'not_allowed_for_team');
  return token;
}

export function orgTeams(core: Pick<EmulatorContext, 'oauth'>, teamId: string): Set<string> {
  const orgId = core.oauth.teamEnterprise.get(teamId);
  const org = orgId === undefined ? undefined : core.oauth.enterprises.get(orgId);
  return new Set(org?.teamIds ?? [teamId]);
}

/** The request's JSON object body; 400 for anything else, 413 past 1 MiB. */
export async function jsonBody(req: EmuRequest): Promise<Record<string, unknown>> {
  const type = (req.header('content-type') ?? '').split(';', 1)[0]?.trim().toLowerCase();
  if (type !== 'application/json' && type !== 'application/scim+json')
    throw new ScimFailure(400, 'invalid_content_type');
  const body = await readBody(req.body, MAX_BODY);
  if (body === 'too_large' || body === 'drop') throw new ScimFailure(413, 'request_too_large');
  const parsed = tryParseJson(body.toString('utf8'));
  if (!isObject(parsed)) throw new ScimFailure(400, 'invalid_json');
  return parsed;
}

/** `startIndex` (1-based, default 1) and `count` (default 100, at most 1000) from the query. */
export function paging(query: URLSearchParams): { startIndex: number; count: number } {
  const read = (name: string, fallback: number): number => {
    const raw = query.get(name);
    if (raw === null || raw === '') return fallback;
    if (!/^-?\d{1,9}$/.test(raw)) throw new ScimFailure(400, `invalid_${name === 'count' ? 'count' : 'start_index'}`);
    return Number(raw);
  };
  // RFC 7644 §3.4.2.4: a startIndex below 1 is taken as 1, a negative count as 0.
  const startIndex = Math.max(1, read('startIndex', 1));
  const count = Math.min(1000, Math.max(0, read('count', 100)));
  return { startIndex, count };
}

export function listReply<T>(call: ScimCall, items: readonly T[], render: (item: T) => Record<string, unknown>): Reply {
  const { startIndex, count } = paging(call.query);
  const page = items.slice(startIndex - 1, startIndex - 1 + count);
  const schemas =
    call.version === 'v1' ? ['urn:scim:schemas:core:1.0'] : ['urn:ietf:params:scim:api:messages:2.0:ListResponse'];
  return jsonReply(200, {
    schemas,
    totalResults: items.length,
    itemsPerPage: page.length,
    startIndex,
    Resources: page.map(render),
  });
}

export function str(value: unknown, what: string, max = 255): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > max) throw new ScimFailure(400, `invalid_${what}`);
  return value;
}
