// oauth.v2.access: the app authenticates with its client credentials (HTTP Basic or form fields), then
// exchanges a single-use authorization code, or (token rotation) a refresh token, for tokens.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AppConfig } from '../model/apps.js';
import type { JsonObject } from '../model/json.js';
import { installKey } from '../model/oauth-state.js';
import type { PublicCall } from '../web-api/call.js';
import { fail } from '../web-api/failure.js';
import { completeInstall, issueAccess, ROTATING_TTL_S } from './install-tokens.js';

/** OAuth methods take the common no-token call: they authenticate the app themselves. */
export type InstallCall = PublicCall;

function sameSecret(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

function basicCredentials(header: string | undefined): { id: string; secret: string } | 'absent' | 'malformed' {
  if (header === undefined) return 'absent';
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (m === null) return /^Basic\b/i.test(header) ? 'malformed' : 'absent';
  const decoded = Buffer.from(m[1] ?? '', 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return 'malformed';
  return { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

/**
 * The calling app, from Basic credentials (preferred, as Slack advises) or client_id/client_secret fields.
 * `publicClient`: a PKCE app may leave the secret out (it proves itself with the code_verifier instead).
 */
export function authenticateClient(call: InstallCall, publicClient = false): AppConfig {
  const basic = basicCredentials(call.req.header('authorization'));
  if (basic === 'malformed') throw fail('invalid_client_id');
  const id = basic === 'absent' ? call.args.text('client_id') : basic.id;
  const secret = basic === 'absent' ? call.args.str('client_secret') : basic.secret;
  const app = id === undefined ? undefined : call.ctx.apps.byClientId(id);
  if (app === undefined) throw fail('invalid_client_id');
  if (secret === undefined && publicClient && app.pkce) return app;
  if (secret === undefined || !sameSecret(secret, app.clientSecret)) throw fail('bad_client_secret');
  return app;
}

/** PKCE (S256): BASE64URL(SHA256(code_verifier)) must equal the challenge sent to authorize. */
function checkVerifier(verifier: string | undefined, challenge: string | undefined): void {
  if (verifier === undefined && challenge === undefined) return;
  if (verifier === undefined || challenge === undefined) throw fail('invalid_code_verifier');
  const computed = createHash('sha256').update(verifier).digest('base64url');
  if (!sameSecret(computed, challenge)) throw fail('invalid_code_verifier');
}

function exchangeCode(call: InstallCall, app: AppConfig): JsonObject {
  const { ctx: core, args } = call;
  const value = args.text('code');
  const record = value === undefined ? undefined : core.oauth.codes.get(value);
  if (record === undefined || record.appId !== app.id) throw fail('invalid_code');
  if (record.used) throw fail('code_already_used');
  if (core.clock.now() >= record.expiresAt) throw fail('invalid_code');
  checkVerifier(args.text('code_verifier'), record.codeChallenge);
  const redirect = args.text('redirect_uri');
  // Sent at authorize: the same value is required. Not sent then: Slack used the first configured URL.
  if (
    record.redirectUri !== undefined
      ? redirect !== record.redirectUri
      : redirect !== undefined && redirect !== record.effectiveRedirect
  ) {
    throw fail('bad_redirect_uri');
  }
  // An app installed org-wide cannot also be installed into one of the org's workspaces.
  const orgWide = record.enterpriseId === undefined ? undefined : installKey(app.id, undefined, record.enterpriseId);
  if (!record.isEnterpriseInstall && orgWide !== undefined && core.oauth.installations.has(orgWide)) {
    throw fail('cannot_install_an_org_installed_app');
  }
  record.used = true;
  return completeInstall(core, app, record, call.req.baseUrl);
}

function refresh(call: InstallCall, app: AppConfig): JsonObject {
  const { ctx: core, args } = call;
  const value = args.text('refresh_token');
  const record = value === undefined ? undefined : core.oauth.refreshTokens.get(value);
  const inst = record === undefined ? undefined : core.oauth.installations.get(record.installKey);
  const now = core.clock.now();
  const spent = record?.used === true && now - (record.usedAt ?? 0) > REFRESH_GRACE_MS;
  if (record === undefined || spent || record.appId !== app.id || inst === undefined) {
    throw fail('invalid_refresh_token');
  }
  // auth.revoke of an access token leaves the installation, so its refresh token still works.
  const scopes = record.kind === 'bot' ? inst.botScopes : inst.users.get(record.userId)?.scopes;
  if (scopes === undefined) throw fail('invalid_refresh_token');
  if (!record.used) record.usedAt = now;
  record.used = true;
  // A lineage that began with oauth.v2.exchange: the original long-lived token expires at its first refresh.
  const original = record.exchangedFrom === undefined ? undefined : core.state.tokens.get(record.exchangedFrom);
  if (original !== undefined && original.expiresAt === undefined) original.expiresAt = now;
  const issued = issueAccess(core, app, inst, record.kind, record.userId, scopes, undefined);
  if (record.kind === 'bot') inst.botToken = issued.token.value;
  else inst.users.set(record.userId, { token: issued.token.value, scopes });
  const team = core.state.teams.get(inst.homeTeamId);
  const org = inst.enterpriseId === undefined ? undefined : core.oauth.enterprises.get(inst.enterpriseId);
  return {
    ok: true,
    app_id: app.id,
    scope: [...scopes].join(','),
    token_type: record.kind,
    access_token: issued.token.value,
    ...(record.kind === 'bot' ? { bot_user_id: inst.botUserId } : { user_id: record.userId }),
    refresh_token: issued.refresh,
    expires_in: ROTATING_TTL_S,
    team: inst.isEnterpriseInstall || team === undefined ? null : { id: team.id, name: team.name },
    enterprise: org === undefined ? null : { id: org.id, name: org.name },
    is_enterprise_install: inst.isEnterpriseInstall,
  };
}

/**
 * How long a used refresh token keeps working, in emulator ms. Slack says only "a short grace period"
 * (FACTS.md section 2); 30 s lets a client whose answer was lost retry at once, and no longer.
 */
export const REFRESH_GRACE_MS = 30_000;

export function oauthV2Access(call: InstallCall): JsonObject {
  const grantType = call.args.text('grant_type') ?? 'authorization_code';
  let clientId: string | null = null;
  try {
    const app = authenticateClient(call, call.args.has('code_verifier') || grantType === 'refresh_token');
    clientId = app.clientId;
    if (call.args.has('code_verifier') && !app.pkce) throw fail('pkce_not_allowed');
    if (grantType === 'authorization_code') return ok(call, grantType, clientId, exchangeCode(call, app));
    if (grantType === 'refresh_token') return ok(call, grantType, clientId, refresh(call, app));
    throw fail('invalid_grant_type');
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : 'internal_error';
    call.ctx.oauth.log({
      at: call.ctx.clock.now(),
      client_id: clientId,
      grant_type: grantType,
      ok: false,
      error: code,
    });
    throw error;
  }
}

function ok(call: InstallCall, grantType: string, clientId: string, body: JsonObject): JsonObject {
  call.ctx.oauth.log({ at: call.ctx.clock.now(), client_id: clientId, grant_type: grantType, ok: true, error: null });
  return body;
}
