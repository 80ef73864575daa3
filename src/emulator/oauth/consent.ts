// The authorize step, shared by the consent page and the headless approval: validate the request
// (client_id, redirect_uri, scopes, team), then turn Allow or Cancel into the redirect Slack would send.

import type { OAuthCtx } from '../context.js';
import { redirectAllowed } from '../model/apps.js';
import { type ConsentTicket, type Grant, TICKET_TTL_MS } from '../model/oauth-state.js';
import { DEFAULT_BOT_SCOPES, DEFAULT_USER_SCOPES } from '../model/tokens.js';

/** A request the emulator refuses on the page itself: never redirected anywhere. */
export class ConsentError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

// Scopes that the method catalog does not list (event-only and special scopes).
const EXTRA_SCOPES = [
  'incoming-webhook',
  'commands',
  'app_mentions:read',
  'identify',
  'links:read',
  'chat:write.public',
  'chat:write.customize',
  'channels:join',
  'metadata.message:read',
  'workflow.steps:execute',
  'identity.basic',
  'identity.email',
  'identity.avatar',
  'identity.team',
  'email',
  'profile',
  'im:write.topic',
  'mpim:write.topic',
  'groups:write.topic',
  'channels:write.topic',
];

let known: Set<string> | undefined;

function knownScopes(core: OAuthCtx): Set<string> {
  if (known !== undefined) return known;
  known = new Set([...EXTRA_SCOPES, ...DEFAULT_BOT_SCOPES, ...DEFAULT_USER_SCOPES]);
  for (const spec of core.catalog.methods.values()) {
    for (const list of Object.values(spec.scopes ?? {})) for (const s of list) if (s !== 'none') known.add(s);
  }
  return known;
}

function parseScopes(value: string | null | undefined): string[] {
  if (value === null || value === undefined) return [];
  return [...new Set(value.split(/[\s,]+/).filter((s) => s !== ''))];
}

/** Workspaces and orgs the user may install into: standalone teams, then each org and its workspaces. */
function choicesFor(core: OAuthCtx, team: string | null): string[] {
  const { oauth, state } = core;
  if (team !== null && team !== '') {
    if (!state.teams.has(team) && !oauth.enterprises.has(team)) {
      throw new ConsentError('invalid_team', 'The team parameter names no workspace or organization here.');
    }
    return [team];
  }
  const out: string[] = [];
  for (const id of state.teams.keys()) if (!oauth.teamEnterprise.has(id)) out.push(id);
  for (const org of oauth.enterprises.values()) if (org.offered !== false) out.push(org.id, ...org.teamIds);
  return out;
}

/** Validates an authorize request and opens a single-use consent ticket. */
export function openConsent(core: OAuthCtx, params: URLSearchParams): ConsentTicket {
  const clientId = params.get('client_id') ?? '';
  const app = clientId === '' ? undefined : core.apps.byClientId(clientId);
  if (app === undefined) throw new ConsentError('invalid_client_id', 'Invalid client_id parameter.');
  const redirectUri = params.get('redirect_uri') ?? undefined;
  if (redirectUri !== undefined && !redirectAllowed(app, redirectUri)) {
    throw new ConsentError('bad_redirect_uri', 'redirect_uri did not match any configured Redirect URL.');
  }
  const effectiveRedirect = redirectUri ?? app.redirectUrls[0];
  if (effectiveRedirect === undefined) {
    throw new ConsentError('no_redirect_uri', 'The app has no Redirect URL configured.');
  }
  let botScopes = parseScopes(params.get('scope'));
  let userScopes = parseScopes(params.get('user_scope'));
  if (botScopes.length === 0 && userScopes.length === 0) {
    botScopes = [...app.botScopes];
    userScopes = [...app.userScopes];
  }
  if (botScopes.length === 0 && userScopes.length === 0) throw new ConsentError('no_scopes', 'No scopes requested.');
  const scopes = knownScopes(core);
  const unknown = [...botScopes, ...userScopes].filter((s) => !scopes.has(s));
  if (unknown.length > 0)
    throw new ConsentError('invalid_scope', `Invalid permissions requested: ${unknown.join(', ')}`);
  const codeChallenge = params.get('code_challenge') ?? undefined;
  if (codeChallenge !== undefined) {
    if (!app.pkce) throw new ConsentError('pkce_not_allowed', 'This app is not allowed to use PKCE.');
    if (params.get('code_challenge_method') !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(codeChallenge)) {
      throw new ConsentError('invalid_code_challenge', 'code_challenge must be an S256 challenge.');
    }
  }
  const choices = choicesFor(core, params.get('team'));
  const state = params.get('state') ?? undefined;
  const expiresAt = core.clock.now() + TICKET_TTL_MS;
  return core.oauth.newTicket({
    appId: app.id,
    botScopes,
    userScopes,
    redirectUri,
    effectiveRedirect,
    codeChallenge,
    state,
    choices,
    expiresAt,
  });
}

export interface Decision {
  allow: boolean;
  /** Team or enterprise id; required when the ticket offers more than one. */
  team?: string;
  /** The installing user; the workspace's primary owner by default. */
  user?: string;
  /** incoming-webhook: channel id or name; #general by default. */
  channel?: string;
}

export interface DecisionResult {
  location: string;
  code: string | undefined;
}

function withParams(base: string, params: Record<string, string | undefined>): string {
  const url = new URL(base);
  for (const [key, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(key, value);
  return url.href;
}

function installingUser(core: OAuthCtx, teamId: string, ref: string | undefined): string {
  const { state } = core;
  if (ref !== undefined && ref !== '') {
    const user = state.users.get(ref) ?? state.userByName(teamId, ref);
    if (user === undefined || user.teamId !== teamId || user.isBot) {
      throw new ConsentError('invalid_user', 'That user is not a member of the workspace.');
    }
    return user.id;
  }
  const humans = state.usersOf(teamId).filter((u) => !u.isBot && !u.deleted);
  const owner = humans.find((u) => u.isPrimaryOwner) ?? humans.find((u) => u.isAdmin) ?? humans[0];
  if (owner === undefined) throw new ConsentError('invalid_user', 'The workspace has no users.');
  return owner.id;
}

function webhookChannel(core: OAuthCtx, teamId: string, ref: string | undefined): string {
  const { state } = core;
  const channel =
    ref === undefined || ref === ''
      ? [...state.channels.values()].find((c) => c.teamId === teamId && c.isGeneral)
      : (state.channels.get(ref) ?? state.channelByName(teamId, ref.replace(/^#/, '')));
  if (channel === undefined || channel.teamId !== teamId || channel.kind === 'im' || channel.archived) {
    throw new ConsentError('invalid_channel', 'Pick a channel of the workspace for the incoming webhook.');
  }
  return channel.id;
}

/** Allow: a code for the app's redirect URL. Cancel: access_denied. Either way the ticket is used up. */
export function decide(core: OAuthCtx, ticket: ConsentTicket, decision: Decision): DecisionResult {
  const { state } = ticket;
  if (!decision.allow) {
    return { location: withParams(ticket.effectiveRedirect, { error: 'access_denied', state }), code: undefined };
  }
  const target = decision.team ?? (ticket.choices.length === 1 ? ticket.choices[0] : undefined);
  if (target === undefined || !ticket.choices.includes(target)) {
    throw new ConsentError('invalid_team', 'Pick one of the workspaces offered.');
  }
  const org = core.oauth.enterprises.get(target);
  const teamId = org?.teamIds[0] ?? target;
  const grant: Grant = {
    appId: ticket.appId,
    teamId,
    enterpriseId: org?.id ?? core.oauth.teamEnterprise.get(teamId),
    isEnterpriseInstall: org !== undefined,
    userId: installingUser(core, teamId, decision.user),
    botScopes: ticket.botScopes,
    userScopes: ticket.userScopes,
    redirectUri: ticket.redirectUri,
    effectiveRedirect: ticket.effectiveRedirect,
    codeChallenge: ticket.codeChallenge,
    webhookChannelId: ticket.botScopes.includes('incoming-webhook')
      ? webhookChannel(core, teamId, decision.channel)
      : undefined,
  };
  // Approving the consent page is the emulator's sign-in: the audit log records it as a login.
  const login = { action: 'user_login', teamId, actorId: grant.userId };
  core.state.onActivity?.({ ...login, entity: { type: 'user', id: grant.userId } });
  const record = core.oauth.newCode(grant, core.clock.now());
  return { location: withParams(ticket.effectiveRedirect, { code: record.code, state }), code: record.code };
}
