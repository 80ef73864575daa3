// The install side of the control API: apps, enterprise orgs, headless consent, the token-exchange log,
// installations and the event delivery log. Answers undefined for routes that are not its own.

import type { EmulatorContext } from '../context.js';
import { sendEvent, sendSslCheck, sendUrlVerification } from '../events/app-events.js';
import { type EmuRequest, jsonReply, type Outcome, readBody } from '../http/transport.js';
import { AppError, appJson, parseAppOptions } from '../model/apps.js';
import { isObject, type JsonObject, tryParseJson } from '../model/json.js';
import { addEnterprise, enterpriseJson, OrgError } from '../model/orgs.js';
import { ConsentError, type Decision, decide, openConsent } from '../oauth/consent.js';

class InstallControlError extends Error {}

async function body(req: EmuRequest): Promise<Record<string, unknown>> {
  const raw = await readBody(req.body, 1024 * 1024);
  if (raw === 'drop' || raw === 'too_large') throw new InstallControlError('body too large');
  if (raw.length === 0) return {};
  const parsed = tryParseJson(raw.toString('utf8'));
  if (!isObject(parsed)) throw new InstallControlError('body must be a JSON object');
  return parsed;
}

function opt(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Authorize parameters from `url` (a whole authorize URL) or from the body's own fields. */
function authorizeParams(b: Record<string, unknown>): URLSearchParams {
  if (typeof b.url === 'string') {
    try {
      return new URL(b.url).searchParams;
    } catch {
      throw new InstallControlError('url is not a URL');
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

async function route(core: EmulatorContext, key: string, req: EmuRequest): Promise<Outcome | undefined> {
  switch (key) {
    case 'GET apps':
      return jsonReply(200, { ok: true, apps: core.apps.list().map(appJson) });
    case 'POST apps':
      return jsonReply(200, { ok: true, app: appJson(core.apps.register(parseAppOptions(await body(req)))) });
    case 'POST enterprises': {
      const b = await body(req);
      const workspaces = Array.isArray(b.workspaces) ? b.workspaces.map(String) : undefined;
      const org = addEnterprise(core, { name: String(b.name ?? ''), workspaces });
      return jsonReply(200, { ok: true, enterprise: enterpriseJson(core, org) });
    }
    case 'POST oauth/authorize': {
      const b = await body(req);
      const result = approve(core, authorizeParams(b), {
        allow: b.decision !== 'cancel',
        team: opt(b.workspace),
        user: opt(b.user),
        channel: opt(b.channel),
      });
      return jsonReply(200, { ok: true, location: result.location, code: result.code ?? null });
    }
    case 'GET oauth/exchanges':
      return jsonReply(200, { ok: true, exchanges: core.oauth.exchanges });
    case 'GET oauth/installations':
      return jsonReply(200, { ok: true, installations: installationsJson(core) });
    case 'GET events':
      return jsonReply(200, { ok: true, deliveries: core.deliveries.list() });
    case 'DELETE events':
      core.deliveries.clear();
      return jsonReply(200, { ok: true });
    case 'POST events': {
      const b = await body(req);
      const app = core.apps.find(opt(b.app_id) ?? core.app.id);
      if (app === undefined) throw new InstallControlError('unknown app');
      if (app.eventsUrl === undefined) throw new InstallControlError('the app has no events URL');
      if (b.type === 'url_verification') return jsonReply(200, { ok: true, delivery: sendUrlVerification(core, app) });
      if (b.type === 'ssl_check') return jsonReply(200, { ok: true, delivery: sendSslCheck(core, app) });
      if (!isObject(b.event) || typeof b.event.type !== 'string')
        throw new InstallControlError('event.type is required');
      const teamId = opt(b.team_id) ?? core.workspace.teamId;
      const delivery = sendEvent(core, app, { teamId, enterpriseId: opt(b.enterprise_id) }, b.event as JsonObject);
      return jsonReply(200, { ok: true, delivery });
    }
    default:
      return undefined;
  }
}

async function appRoute(core: EmulatorContext, method: string, ref: string, req: EmuRequest): Promise<Outcome> {
  if (method === 'GET') {
    const app = core.apps.find(ref);
    if (app === undefined) throw new InstallControlError(`unknown app ${ref}`);
    return jsonReply(200, { ok: true, app: appJson(app) });
  }
  if (method !== 'POST' && method !== 'PATCH') return jsonReply(405, { ok: false, error: 'method_not_allowed' });
  return jsonReply(200, { ok: true, app: appJson(core.apps.configure(ref, parseAppOptions(await body(req)))) });
}

export async function handleInstallControl(
  core: EmulatorContext,
  path: string,
  req: EmuRequest,
): Promise<Outcome | undefined> {
  try {
    if (path.startsWith('apps/')) return await appRoute(core, req.method, decodeURIComponent(path.slice(5)), req);
    return await route(core, `${req.method} ${path}`, req);
  } catch (error) {
    if (error instanceof ConsentError) return jsonReply(400, { ok: false, error: error.code, detail: error.message });
    if (
      error instanceof InstallControlError ||
      error instanceof AppError ||
      error instanceof OrgError ||
      error instanceof URIError
    ) {
      return jsonReply(400, { ok: false, error: 'invalid_request', detail: error.message });
    }
    throw error;
  }
}
