// The install side of the control API: apps, enterprise orgs, headless consent, the token-exchange log,
// installations and the event delivery log.

import type { EmulatorContext } from '../context.js';
import { sendEvent, sendSslCheck, sendUrlVerification } from '../events/app-events.js';
import { jsonReply } from '../http/transport.js';
import { appJson, parseAppOptions } from '../model/apps.js';
import { isObject, type JsonObject } from '../model/json.js';
import { addEnterprise, enterpriseJson } from '../model/orgs.js';
import { type Decision, decide, openConsent } from '../oauth/consent.js';
import { ControlError, type ControlRoute, type ControlRoutes } from './router.js';

function opt(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Authorize parameters from `url` (a whole authorize URL) or from the body's own fields. */
function authorizeParams(b: Record<string, unknown>): URLSearchParams {
  if (typeof b.url === 'string') {
    try {
      return new URL(b.url).searchParams;
    } catch {
      throw new ControlError('url is not a URL');
    }
  }
  const params = new URLSearchParams();
  for (const key of ['client_id', 'scope', 'user_scope', 'redirect_uri', 'state', 'team']) {
    const v = b[key];
    if (typeof v === 'string') params.set(key, v);
  }
  return params;
}

/** Headless consent: the same checks as the page, then Allow (default) or Cancel. */
export function approve(core: EmulatorContext, params: URLSearchParams, decision: Decision) {
  const ticket = openConsent(core, params);
  core.oauth.tickets.delete(ticket.id);
  return decide(core, ticket, decision);
}

function installationsJson(core: EmulatorContext): JsonObject[] {
  return [...core.oauth.installations.values()].map((i) => ({
    app_id: i.appId,
    team_id: i.teamId ?? null,
    enterprise_id: i.enterpriseId ?? null,
    is_enterprise_install: i.isEnterpriseInstall,
    bot_user_id: i.botUserId ?? null,
    bot_scopes: [...i.botScopes],
    users: [...i.users].map(([id, u]) => ({ id, scopes: [...u.scopes] })),
  }));
}

export const installRoutes: ControlRoutes = {
  'GET apps': async (core) => {
    return jsonReply(200, { ok: true, apps: core.apps.list().map(appJson) });
  },
  'POST apps': async (core, input) => {
    return jsonReply(200, { ok: true, app: appJson(core.apps.register(parseAppOptions(await input.json()))) });
  },
  'POST enterprises': async (core, input) => {
    const b = await input.json();
    const workspaces = Array.isArray(b.workspaces) ? b.workspaces.map(String) : undefined;
    const org = addEnterprise(core, { name: String(b.name ?? ''), workspaces });
    return jsonReply(200, { ok: true, enterprise: enterpriseJson(core, org) });
  },
  'POST oauth/authorize': async (core, input) => {
    const b = await input.json();
    const result = approve(core, authorizeParams(b), {
      allow: b.decision !== 'cancel',
      team: opt(b.workspace),
      user: opt(b.user),
      channel: opt(b.channel),
    });
    return jsonReply(200, { ok: true, location: result.location, code: result.code ?? null });
  },
  'GET oauth/exchanges': async (core) => {
    return jsonReply(200, { ok: true, exchanges: core.oauth.exchanges });
  },
  'GET oauth/installations': async (core) => {
    return jsonReply(200, { ok: true, installations: installationsJson(core) });
  },
  'GET events': async (core) => {
    return jsonReply(200, { ok: true, deliveries: core.deliveries.list() });
  },
  'DELETE events': async (core) => {
    core.deliveries.clear();
    return jsonReply(200, { ok: true });
  },
  'POST events': async (core, input) => {
    const b = await input.json();
    const app = core.apps.find(opt(b.app_id) ?? core.app.id);
    if (app === undefined) throw new ControlError('unknown app');
    if (!core.deliveries.reaches(app))
      throw new ControlError('the app has no events URL and no Socket Mode connection');
    if (b.type === 'url_verification') return jsonReply(200, { ok: true, delivery: sendUrlVerification(core, app) });
    if (b.type === 'ssl_check') return jsonReply(200, { ok: true, delivery: sendSslCheck(core, app) });
    if (!isObject(b.event) || typeof b.event.type !== 'string') throw new ControlError('event.type is required');
    const teamId = opt(b.team_id) ?? core.workspace.teamId;
    const delivery = sendEvent(core, app, { teamId, enterpriseId: opt(b.enterprise_id) }, b.event as JsonObject);
    return jsonReply(200, { ok: true, delivery });
  },
};

/** `/_emulator/apps/<app id or client id>`: read (GET) or change (POST, PATCH) one app. */
export const appRoute: ControlRoute = async (core, input) => {
  const { method } = input.req;
  const ref = input.rest;
  if (method === 'GET') {
    const app = core.apps.find(ref);
    if (app === undefined) throw new ControlError(`unknown app ${ref}`);
    return jsonReply(200, { ok: true, app: appJson(app) });
  }
  if (method !== 'POST' && method !== 'PATCH') return jsonReply(405, { ok: false, error: 'method_not_allowed' });
  return jsonReply(200, { ok: true, app: appJson(core.apps.configure(ref, parseAppOptions(await input.json()))) });
};
