// The Audit Logs API under /audit/v1/ (Slack serves it at https://api.slack.com/audit/v1/): GET logs,
// schemas and actions. logs needs a user token with auditlogs:read in an org (Enterprise Grid) context;
// schemas and actions need no token. Failures answer an HTTP status with `{ok:false, error}`.
import type { Ctx } from '../context.js';
import { type EmuRequest, jsonReply, type Outcome, type Reply, reply } from '../http/transport.js';
import { randomHex } from '../model/ids.js';
import { bearerToken } from '../web-api/auth.js';
import { applyFault } from '../web-api/faults.js';
import { RateLimitedFailure } from '../web-api/rate-limits.js';
import { auditData, knownActions } from './entries.js';
import { auditLogOf, type LogQuery } from './log.js';

export const AUDIT_SCOPE = 'auditlogs:read';
/** Slack documents `limit` up to 9999; 100 when absent. */
export const MAX_LIMIT = 9999;
export const DEFAULT_LIMIT = 100;
/** Slack takes up to 30 comma-separated actions. */
const MAX_ACTIONS = 30;

type AuditCtx = Ctx<'state' | 'oauth' | 'faults' | 'rateLimits'>;

class AuditFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(code);
  }
}

const REQ_ID_PREFIX = randomHex(8);
let counter = 0;

function headers(): Record<string, string> {
  counter += 1;
  return { 'x-slack-req-id': `${REQ_ID_PREFIX}a${counter.toString(16).padStart(12, '0')}` };
}

function invalid(message: string): AuditFailure {
  return new AuditFailure(400, 'invalid_arguments', { response_metadata: { messages: [`[ERROR] ${message}`] } });
}

function intParam(params: URLSearchParams, name: string, min: number, max: number): number | undefined {
  const raw = params.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^\d{1,12}$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw invalid(`${name} must be an integer from ${min} to ${max}`);
  }
  return Number(raw);
}

/** A cursor is opaque to clients: the sequence number to continue below, base64-encoded. */
export function encodeCursor(below: number): string {
  return Buffer.from(`audit:${below}`).toString('base64url');
}

function decodeCursor(raw: string): number {
  const m = /^audit:(\d{1,12})$/.exec(Buffer.from(raw, 'base64url').toString('latin1'));
  if (m === null || !/^[A-Za-z0-9_-]{1,64}$/.test(raw)) throw new AuditFailure(400, 'invalid_cursor');
  return Number(m[1]);
}

/** The org the token reads: its install's enterprise, or the enterprise its workspace belongs to. */
function authenticate(core: AuditCtx, req: EmuRequest): string {
  const value = bearerToken(req.header('authorization'));
  const token = value === undefined ? undefined : core.state.tokens.get(value);
  if (token === undefined || token.revoked) throw new AuditFailure(401, 'invalid_authentication');
  if (token.kind !== 'user') throw new AuditFailure(403, 'not_allowed_token_type');
  if (!token.scopeSet.has(AUDIT_SCOPE)) {
    throw new AuditFailure(403, 'missing_scope', { needed: AUDIT_SCOPE, provided: token.scopes.join(',') });
  }
  const org = token.enterpriseId ?? core.oauth.teamEnterprise.get(token.teamId);
  if (org === undefined) throw new AuditFailure(403, 'feature_not_enabled');
  // Slack counts the Audit Logs API's Tier 3 per org, whichever app or workspace calls.
  core.rateLimits.check('audit.logs', { ...token, appId: org, teamId: org }, undefined);
  return org;
}

function logsQuery(params: URLSearchParams, enterpriseId: string): LogQuery {
  const raw = params.get('action');
  let actions: Set<string> | undefined;
  if (raw !== null && raw !== '') {
    const list = raw.split(',');
    if (list.length > MAX_ACTIONS) throw invalid(`action takes at most ${MAX_ACTIONS} actions`);
    const unknown = list.find((a) => !knownActions().has(a));
    if (unknown !== undefined) throw invalid(`unknown action ${JSON.stringify(unknown.slice(0, 100))}`);
    actions = new Set(list);
  }
  const text = (name: string) => {
    const value = params.get(name);
    if (value !== null && value.length > 64) throw invalid(`${name} is too long`);
    return value === null || value === '' ? undefined : value;
  };
  const cursor = text('cursor');
  return {
    oldest: intParam(params, 'oldest', 0, 1e11),
    latest: intParam(params, 'latest', 0, 1e11),
    limit: intParam(params, 'limit', 1, MAX_LIMIT) ?? DEFAULT_LIMIT,
    actions,
    actor: text('actor'),
    entity: text('entity'),
    below: cursor === undefined ? undefined : decodeCursor(cursor),
    enterpriseId,
  };
}

function logs(core: AuditCtx, req: EmuRequest, h: Record<string, string>): Reply {
  const org = authenticate(core, req);
  const page = auditLogOf(core.state).page(logsQuery(new URLSearchParams(req.query), org));
  const next = page.nextBelow === undefined ? '' : encodeCursor(page.nextBelow);
  // Entries are kept as JSON text: the page is joined, not re-serialised.
  const body = `{"ok":true,"entries":[${page.entries.join(',')}],"response_metadata":{"next_cursor":"${next}"}}`;
  return reply(200, body, { 'content-type': 'application/json; charset=utf-8', ...h });
}

const ENDPOINTS: Record<string, (core: AuditCtx, req: EmuRequest, h: Record<string, string>) => Reply> = {
  logs,
  schemas: (_core, _req, h) => jsonReply(200, { schemas: auditData().schemas }, h),
  actions: (_core, _req, h) => jsonReply(200, { actions: auditData().actions }, h),
};

/** `path` is what follows /audit/v1/. Faults match the names audit.logs, audit.schemas, audit.actions. */
export async function handleAudit(core: AuditCtx, path: string, req: EmuRequest): Promise<Outcome> {
  const endpoint = Object.hasOwn(ENDPOINTS, path) ? ENDPOINTS[path] : undefined;
  if (endpoint === undefined) return jsonReply(404, { ok: false, error: 'not_found' });
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return jsonReply(405, { ok: false, error: 'method_not_allowed' }, { allow: 'GET' });
  }
  const run = async (): Promise<Reply> => {
    const h = headers();
    try {
      return endpoint(core, req, h);
    } catch (error) {
      if (error instanceof RateLimitedFailure) return error.reply(h, core.rateLimits.format);
      if (!(error instanceof AuditFailure)) throw error;
      return jsonReply(error.status, { ok: false, error: error.code, ...error.extra }, h);
    }
  };
  const rule = core.faults.take(`audit.${path}`);
  return rule === undefined ? run() : applyFault(rule, run);
}
