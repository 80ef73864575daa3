// auth.revoke and apps.uninstall, and the events they cause: tokens_revoked, then app_uninstalled once an
// app has no token left in a workspace. Registered in web-api/registry.ts with the auth they take.

import type { OAuthCtx } from '../context.js';
import { type EventTarget, sendEvent } from '../events/app-events.js';
import type { AppConfig } from '../model/apps.js';
import type { JsonObject } from '../model/json.js';
import type { Token } from '../model/model.js';
import type { Installation } from '../model/oauth-state.js';
import type { Call } from '../web-api/call.js';
import { fail } from '../web-api/failure.js';
import { authenticateClient } from './oauth-access.js';

function installationOf(core: OAuthCtx, token: Token): Installation | undefined {
  for (const inst of core.oauth.installations.values()) {
    if (inst.appId === token.appId && inst.homeTeamId === token.teamId) return inst;
  }
  return undefined;
}

function targetOf(core: OAuthCtx, token: Token): EventTarget {
  const inst = installationOf(core, token);
  const enterpriseId = inst?.enterpriseId ?? core.oauth.teamEnterprise.get(token.teamId);
  const teamId = inst?.isEnterpriseInstall === true && enterpriseId !== undefined ? enterpriseId : token.teamId;
  return { teamId, enterpriseId };
}

function liveTokens(core: OAuthCtx, appId: string, teamId: string): Token[] {
  const out: Token[] = [];
  for (const t of core.state.tokens.values()) {
    if (t.appId === appId && t.teamId === teamId && !t.revoked && (t.kind === 'bot' || t.kind === 'user')) out.push(t);
  }
  return out;
}

function revokedEvent(tokens: readonly Token[]): JsonObject {
  const ids = (kind: string) => [...new Set(tokens.filter((t) => t.kind === kind).map((t) => t.userId))];
  return { type: 'tokens_revoked', tokens: { oauth: ids('user'), bot: ids('bot') } };
}

/** Drops what an installation left behind: its record, webhooks and refresh tokens. */
function forgetInstallations(core: OAuthCtx, appId: string, teamId: string): void {
  const { oauth } = core;
  for (const [key, inst] of oauth.installations) {
    if (inst.appId !== appId || inst.homeTeamId !== teamId) continue;
    oauth.installations.delete(key);
    for (const r of oauth.refreshTokens.values()) if (r.installKey === key) r.used = true;
  }
  for (const hook of oauth.webhooks.values()) if (hook.appId === appId && hook.teamId === teamId) hook.revoked = true;
}

function uninstalled(core: OAuthCtx, app: AppConfig | undefined, target: EventTarget, revoked: Token[]): void {
  if (app === undefined) return;
  if (revoked.length > 0) sendEvent(core, app, target, revokedEvent(revoked));
  sendEvent(core, app, target, { type: 'app_uninstalled' });
}

/** auth.revoke: the calling token stops working (invalid_auth); test=true changes nothing. */
export function authRevoke(call: Call): JsonObject {
  const { ctx: core } = call;
  const { token } = call;
  if (call.args.bool('test')) return { ok: true, revoked: false };
  const target = targetOf(core, token);
  const inst = installationOf(core, token);
  core.state.tokens.delete(token.value);
  const app = core.apps.find(token.appId);
  if (token.kind !== 'bot' && token.kind !== 'user') return { ok: true, revoked: true };
  // With rotation, revoking one token leaves the installation (its refresh token still works).
  if (inst !== undefined && app?.tokenRotation !== true) {
    if (inst.botToken === token.value) inst.botToken = undefined;
    for (const [user, entry] of inst.users) if (entry.token === token.value) inst.users.delete(user);
  }
  if (app !== undefined) sendEvent(core, app, target, revokedEvent([token]));
  if (app?.tokenRotation !== true && liveTokens(core, token.appId, token.teamId).length === 0) {
    forgetInstallations(core, token.appId, token.teamId);
    uninstalled(core, app, target, []);
  }
  return { ok: true, revoked: true };
}

/** apps.uninstall: every bot and user token of the app in the token's workspace is revoked. */
export function appsUninstall(call: Call): JsonObject {
  const { ctx: core } = call;
  const { token } = call;
  const app = authenticateClient(call);
  if (token.appId !== app.id) throw fail('client_id_token_mismatch');
  const target = targetOf(core, token);
  const revoked = liveTokens(core, app.id, token.teamId);
  for (const t of revoked) t.revoked = true;
  forgetInstallations(core, app.id, token.teamId);
  uninstalled(core, app, target, revoked);
  const activity = { action: 'app_uninstalled', teamId: token.teamId, actorId: token.userId };
  core.state.onActivity?.({ ...activity, entity: { type: 'app', id: app.id } });
  return { ok: true };
}
