// Turning a grant into tokens: the app's bot user in the workspace, bot and user tokens (additive scopes,
// the same token again on reinstall unless rotation is on), an incoming webhook, and Slack's response body.

import type { OAuthCtx } from '../context.js';
import type { AppConfig } from '../model/apps.js';
import { randomAlnum } from '../model/ids.js';
import type { JsonObject } from '../model/json.js';
import type { Token } from '../model/model.js';
import { type Grant, type Installation, installKey } from '../model/oauth-state.js';

export const ROTATING_TTL_S = 43_200;
const XOX = 'xox';

function rotatingValue(kind: 'bot' | 'user'): string {
  return `${XOX}e.${XOX}${kind === 'bot' ? 'b' : 'p'}-1-${randomAlnum(48)}`;
}

function refreshValue(): string {
  return `${XOX}e-1-${randomAlnum(64)}`;
}

function botUserFor(core: OAuthCtx, app: AppConfig, inst: Installation): void {
  if (inst.botUserId !== undefined) return;
  const { state } = core;
  const seeded = app.id === state.app.id ? state.installs.get(inst.homeTeamId) : undefined;
  if (seeded !== undefined) {
    inst.botUserId = seeded.botUserId;
    inst.botId = seeded.botId;
    return;
  }
  const name =
    app.name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'app';
  const botId = state.ids.next('B');
  const user = state.addUser(inst.homeTeamId, { name, realName: app.name, isBot: true, botId, appId: app.id });
  const now = core.clock.seconds();
  state.bots.set(botId, {
    id: botId,
    teamId: inst.homeTeamId,
    appId: app.id,
    userId: user.id,
    name,
    deleted: false,
    updated: now,
  });
  inst.botUserId = user.id;
  inst.botId = botId;
}

interface Issued {
  token: Token;
  refresh: string | undefined;
}

/** Issues (or re-issues with wider scopes) one access token; with rotation, a new expiring one plus a refresh token. */
export function issueAccess(
  core: OAuthCtx,
  app: AppConfig,
  inst: Installation,
  kind: 'bot' | 'user',
  userId: string,
  scopes: Set<string>,
  previous: string | undefined,
): Issued {
  const { state } = core;
  const old = previous === undefined ? undefined : state.tokens.get(previous);
  const reuse = !app.tokenRotation && old !== undefined && !old.revoked;
  const token = state.issueToken({
    kind,
    teamId: inst.homeTeamId,
    userId: kind === 'bot' ? (inst.botUserId ?? userId) : userId,
    botId: kind === 'bot' ? inst.botId : undefined,
    scopes: [...scopes],
    appId: app.id,
    value: reuse ? old.value : app.tokenRotation ? rotatingValue(kind) : undefined,
  });
  token.enterpriseId = inst.enterpriseId;
  token.isEnterpriseInstall = inst.isEnterpriseInstall;
  if (!app.tokenRotation) return { token, refresh: undefined };
  token.expiresAt = core.clock.now() + ROTATING_TTL_S * 1000;
  const refresh = refreshValue();
  const key = installKey(inst.appId, inst.teamId, inst.enterpriseId);
  core.oauth.refreshTokens.set(refresh, { value: refresh, appId: app.id, installKey: key, kind, userId, used: false });
  limitActive(core, inst, kind, userId, token.value);
  return { token, refresh };
}

/** Slack keeps at most 2 active rotated tokens per installation and user: the oldest extra one is revoked. */
function limitActive(core: OAuthCtx, inst: Installation, kind: string, userId: string, value: string): void {
  const key = `${kind}:${userId}`;
  const active = inst.rotated.get(key) ?? [];
  active.push(value);
  while (active.length > 2) {
    const oldest = active.shift();
    const token = oldest === undefined ? undefined : core.state.tokens.get(oldest);
    if (token !== undefined) token.revoked = true;
  }
  inst.rotated.set(key, active);
}

function installationFor(core: OAuthCtx, grant: Grant): Installation {
  const teamId = grant.isEnterpriseInstall ? undefined : grant.teamId;
  const key = installKey(grant.appId, teamId, grant.enterpriseId);
  let inst = core.oauth.installations.get(key);
  if (inst === undefined) {
    inst = {
      appId: grant.appId,
      teamId,
      enterpriseId: grant.enterpriseId,
      isEnterpriseInstall: grant.isEnterpriseInstall,
      homeTeamId: grant.teamId,
      botUserId: undefined,
      botId: undefined,
      botToken: undefined,
      botScopes: new Set(),
      users: new Map(),
      rotated: new Map(),
    };
    core.oauth.installations.set(key, inst);
  }
  return inst;
}

function teamAndOrg(core: OAuthCtx, inst: Installation): JsonObject {
  const team = core.state.teams.get(inst.homeTeamId);
  const org = inst.enterpriseId === undefined ? undefined : core.oauth.enterprises.get(inst.enterpriseId);
  return {
    team: inst.isEnterpriseInstall || team === undefined ? null : { id: team.id, name: team.name },
    enterprise: org === undefined ? null : { id: org.id, name: org.name },
    is_enterprise_install: inst.isEnterpriseInstall,
  };
}

function webhookJson(core: OAuthCtx, app: AppConfig, grant: Grant, inst: Installation, baseUrl: string) {
  const channel = grant.webhookChannelId === undefined ? undefined : core.state.channels.get(grant.webhookChannelId);
  if (channel === undefined) return undefined;
  const hook = core.oauth.newWebhook({
    appId: app.id,
    teamId: channel.teamId,
    channelId: channel.id,
    botId: inst.botId,
  });
  const domain = core.state.teams.get(channel.teamId)?.domain ?? 'emulator';
  return {
    channel: `#${channel.name}`,
    channel_id: channel.id,
    configuration_url: `https://${domain}.slack.com/services/${hook.id}`,
    url: `${baseUrl}${hook.path}`,
  };
}

/** Completes an authorization code: tokens, installation record, and oauth.v2.access's success body. */
export function completeInstall(core: OAuthCtx, app: AppConfig, grant: Grant, baseUrl: string): JsonObject {
  const inst = installationFor(core, grant);
  const body: JsonObject = { ok: true };
  if (grant.botScopes.length > 0) {
    botUserFor(core, app, inst);
    for (const s of grant.botScopes) inst.botScopes.add(s);
    const bot = issueAccess(core, app, inst, 'bot', inst.botUserId ?? grant.userId, inst.botScopes, inst.botToken);
    inst.botToken = bot.token.value;
    Object.assign(body, {
      access_token: bot.token.value,
      token_type: 'bot',
      scope: [...inst.botScopes].join(','),
      bot_user_id: inst.botUserId,
      app_id: app.id,
    });
    if (bot.refresh !== undefined) Object.assign(body, { expires_in: ROTATING_TTL_S, refresh_token: bot.refresh });
  } else {
    body.app_id = app.id;
  }
  Object.assign(body, teamAndOrg(core, inst));
  let authed: JsonObject = { id: grant.userId };
  if (grant.userScopes.length > 0) {
    const mine = inst.users.get(grant.userId);
    const scopes = new Set([...(mine?.scopes ?? []), ...grant.userScopes]);
    const user = issueAccess(core, app, inst, 'user', grant.userId, scopes, mine?.token);
    inst.users.set(grant.userId, { token: user.token.value, scopes });
    authed = { id: grant.userId, scope: [...scopes].join(','), access_token: user.token.value, token_type: 'user' };
    if (user.refresh !== undefined) Object.assign(authed, { expires_in: ROTATING_TTL_S, refresh_token: user.refresh });
  }
  body.authed_user = authed;
  const hook = webhookJson(core, app, grant, inst, baseUrl);
  if (hook !== undefined) body.incoming_webhook = hook;
  const action = grant.isEnterpriseInstall ? 'org_app_installed' : 'app_installed';
  core.state.onActivity?.({ action, teamId: grant.teamId, actorId: grant.userId, entity: { type: 'app', id: app.id } });
  return body;
}
