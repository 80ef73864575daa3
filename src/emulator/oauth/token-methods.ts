// The token methods around rotation (FACTS.md section 2): oauth.v2.exchange turns a long-lived bot or
// user token into a rotating one plus a refresh token (once per token; the original expires at the
// lineage's first refresh), and tooling.tokens.rotate trades a configuration token's refresh token
// for a fresh pair. Both run on the emulator's clock.
import type { OAuthCtx } from '../context.js';
import { randomAlnum } from '../model/ids.js';
import type { JsonObject } from '../model/json.js';
import type { Installation } from '../model/oauth-state.js';
import type { PublicCall } from '../web-api/call.js';
import { fail } from '../web-api/failure.js';
import { issueAccess, ROTATING_TTL_S } from './install-tokens.js';
import { authenticateClient } from './oauth-access.js';

const XOX = 'xox';

/** The installation of `appId` whose current bot or user token is `token`. */
function holderOf(
  core: OAuthCtx,
  appId: string,
  token: string,
): { inst: Installation; kind: 'bot' | 'user'; userId: string } | undefined {
  for (const inst of core.oauth.installations.values()) {
    if (inst.appId !== appId) continue;
    if (inst.botToken === token) return { inst, kind: 'bot', userId: inst.botUserId ?? '' };
    for (const [userId, u] of inst.users) if (u.token === token) return { inst, kind: 'user', userId };
  }
  return undefined;
}

export function oauthV2Exchange(call: PublicCall): JsonObject {
  const { ctx: core } = call;
  const app = authenticateClient(call);
  const value = call.args.text('token');
  const token = value === undefined ? undefined : core.state.tokens.get(value);
  if (value === undefined || token === undefined || token.revoked) throw fail('invalid_token');
  if (!app.tokenRotation) throw fail('token_rotation_not_enabled');
  if (core.oauth.exchangedTokens.has(value)) throw fail('token_already_exchanged');
  const holder = holderOf(core, app.id, value);
  // Only a long-lived token of one of this app's installations can be exchanged.
  if (holder === undefined || token.expiresAt !== undefined) throw fail('authorization_not_found');
  const { inst, kind, userId } = holder;
  const scopes = kind === 'bot' ? inst.botScopes : inst.users.get(userId)?.scopes;
  if (scopes === undefined) throw fail('authorization_not_found');
  const issued = issueAccess(core, app, inst, kind, userId, scopes, undefined);
  core.oauth.exchangedTokens.add(value);
  const refresh = issued.refresh === undefined ? undefined : core.oauth.refreshTokens.get(issued.refresh);
  if (refresh !== undefined) refresh.exchangedFrom = value;
  if (kind === 'bot') inst.botToken = issued.token.value;
  else inst.users.set(userId, { token: issued.token.value, scopes });
  const team = core.state.teams.get(inst.homeTeamId);
  const org = inst.enterpriseId === undefined ? undefined : core.oauth.enterprises.get(inst.enterpriseId);
  return {
    ok: true,
    access_token: issued.token.value,
    expires_in: ROTATING_TTL_S,
    refresh_token: issued.refresh,
    token_type: kind,
    scope: [...scopes].join(','),
    ...(kind === 'bot' ? { bot_user_id: inst.botUserId } : { user_id: userId }),
    app_id: app.id,
    team: inst.isEnterpriseInstall || team === undefined ? null : { id: team.id, name: team.name },
    enterprise: org === undefined ? null : { id: org.id, name: org.name },
  };
}

/** A configuration token and its refresh token for `userId` (what the app settings page hands out). */
export function issueConfigurationPair(
  core: OAuthCtx,
  teamId: string,
  userId: string,
): { token: string; refreshToken: string; exp: number } {
  const token = core.state.issueToken({
    kind: 'configuration',
    teamId,
    userId,
    scopes: ['app_configurations:read', 'app_configurations:write'],
  });
  const exp = core.clock.now() + ROTATING_TTL_S * 1000;
  token.expiresAt = exp;
  const refreshToken = `${XOX}e-1-${randomAlnum(64)}`;
  core.oauth.configRefreshTokens.set(refreshToken, {
    value: refreshToken,
    teamId,
    userId,
    token: token.value,
    used: false,
  });
  return { token: token.value, refreshToken, exp };
}

export function toolingTokensRotate(call: PublicCall): JsonObject {
  const { ctx: core } = call;
  const value = call.args.text('refresh_token');
  const record = value === undefined ? undefined : core.oauth.configRefreshTokens.get(value);
  if (record === undefined || record.used) throw fail('invalid_refresh_token');
  record.used = true;
  const old = core.state.tokens.get(record.token);
  if (old !== undefined) old.revoked = true;
  const next = issueConfigurationPair(core, record.teamId, record.userId);
  return {
    ok: true,
    token: next.token,
    refresh_token: next.refreshToken,
    team_id: record.teamId,
    user_id: record.userId,
    iat: Math.floor(core.clock.now() / 1000),
    exp: Math.floor(next.exp / 1000),
  };
}
