// The control API under /_emulator/: seed data, read what was posted, tokens, faults, clock, reset.
import type { EmulatorContext } from '../context.js';
import { type EmuRequest, jsonReply, type Outcome, readBody } from '../http/transport.js';
import { isObject, type JsonObject, tryParseJson } from '../model/json.js';
import type { TokenKind } from '../model/model.js';
import { SeedError } from '../model/seed.js';
import { FaultError, parseFaultRule } from '../web-api/faults.js';
import { rateLimitControl } from '../web-api/rate-limits.js';
import { handleInstallControl } from './install-routes.js';

const MAX_CONTROL_BODY = 32 * 1024 * 1024;

class ControlError extends Error {}

/** The connection details a client needs (what `slackline emulator --json` prints). */
export function emulatorInfo(core: EmulatorContext, url: string): JsonObject {
  return {
    url,
    apiUrl: `${url}api/`,
    workspace: { ...core.workspace },
    tokens: { ...core.defaultTokens },
    clientId: core.app.clientId,
    clientSecret: core.app.clientSecret,
    signingSecret: core.app.signingSecret,
  };
}

function stateSummary(core: EmulatorContext): JsonObject {
  const { state } = core;
  return {
    teams: [...state.teams.values()].map((t) => ({ id: t.id, name: t.name, domain: t.domain })),
    users: [...state.users.values()].map((u) => ({
      id: u.id,
      team_id: u.teamId,
      name: u.name,
      email: u.email,
      is_bot: u.isBot,
      deleted: u.deleted,
    })),
    channels: [...state.channels.values()].map((c) => ({
      id: c.id,
      team_id: c.teamId,
      name: c.name,
      type: c.kind,
      members: [...c.members],
      archived: c.archived,
      message_count: c.byTs.size,
    })),
    files: [...state.files.values()].map((f) => ({
      id: f.id,
      name: f.name,
      title: f.title,
      length: f.declaredLength,
      received: f.receivedLength ?? null,
      sha256: f.sha256 ?? null,
      completed: f.completed,
      channels: [...f.channels],
    })),
    views: [...state.views.values()].map((v) => ({ id: v.id, type: v.type, user_id: v.userId })),
    // Token values are left out on purpose: state dumps end up in logs.
    tokens: [...state.tokens.values()].map((t) => ({
      type: t.kind,
      team_id: t.teamId,
      user_id: t.userId,
      scopes: [...t.scopes],
      revoked: t.revoked,
    })),
    clock: { now: core.clock.now(), offset_ms: core.clock.offsetMs },
  };
}

async function jsonBody(req: EmuRequest): Promise<Record<string, unknown>> {
  const body = await readBody(req.body, MAX_CONTROL_BODY);
  if (body === 'drop' || body === 'too_large') throw new ControlError('body too large');
  if (body.length === 0) return {};
  const parsed = tryParseJson(body.toString('utf8'));
  if (!isObject(parsed)) throw new ControlError('body must be a JSON object');
  return parsed;
}

function scopesOf(value: unknown): string[] {
  if (typeof value === 'string') return value.split(/[\s,]+/).filter((s) => s !== '');
  if (Array.isArray(value)) return value.map(String);
  return [];
}

async function route(core: EmulatorContext, path: string, req: EmuRequest): Promise<Outcome> {
  const key = `${req.method} ${path}`;
  const params = new URLSearchParams(req.query);
  switch (key) {
    case 'GET info':
      return jsonReply(200, { ok: true, ...emulatorInfo(core, req.baseUrl) });
    case 'GET state':
      return jsonReply(200, { ok: true, ...stateSummary(core) });
    case 'POST reset':
      core.reset();
      return jsonReply(200, { ok: true });
    case 'POST seed':
      return jsonReply(200, { ok: true, ...core.seed(await jsonBody(req)) });
    case 'GET messages': {
      const ref = params.get('channel');
      const refs = ref === null ? [...core.state.channels.keys()] : [ref];
      if (ref !== null && core.channel(ref) === undefined) throw new ControlError(`unknown channel ${ref}`);
      const messages = refs.flatMap((r) => core.messages(r, req.baseUrl));
      const channelId = ref === null ? undefined : core.channel(ref)?.id;
      const ephemeral = core.state.ephemeral
        .filter((e) => channelId === undefined || e.channelId === channelId)
        .map((e) => ({ channel: e.channelId, user: e.userId, from: e.fromUserId, ts: e.ts, text: e.text }));
      return jsonReply(200, { ok: true, messages, ephemeral });
    }
    case 'POST tokens': {
      const body = await jsonBody(req);
      const token = core.issueToken({
        type: (typeof body.type === 'string' ? body.type : 'bot') as TokenKind,
        scopes: scopesOf(body.scopes),
        team: typeof body.team === 'string' ? body.team : undefined,
        user: typeof body.user === 'string' ? body.user : undefined,
      });
      return jsonReply(200, {
        ok: true,
        token: token.value,
        type: token.kind,
        team_id: token.teamId,
        user_id: token.userId,
        scopes: [...token.scopes],
      });
    }
    case 'POST tokens/revoke': {
      const body = await jsonBody(req);
      const revoked = typeof body.token === 'string' && core.revokeToken(body.token);
      if (!revoked) throw new ControlError('unknown token');
      return jsonReply(200, { ok: true });
    }
    case 'GET faults':
      return jsonReply(200, { ok: true, rules: core.faults.list() });
    case 'POST faults': {
      const body = await jsonBody(req);
      const raw = Array.isArray(body.rules) ? body.rules : [body];
      const rules = raw.map(parseFaultRule);
      return jsonReply(200, { ok: true, ids: rules.map((r) => core.faults.add(r)) });
    }
    case 'DELETE faults':
      core.faults.clear();
      return jsonReply(200, { ok: true });
    case 'GET clock':
      return jsonReply(200, {
        ok: true,
        now: core.clock.now(),
        offset_ms: core.clock.offsetMs,
        scale: core.clock.scale,
      });
    case 'POST clock': {
      const body = await jsonBody(req);
      if (typeof body.offset_ms === 'number') core.clock.offsetMs = body.offset_ms;
      if (typeof body.advance_ms === 'number') core.clock.offsetMs += body.advance_ms;
      if (typeof body.now === 'number') core.clock.offsetMs += body.now - core.clock.now();
      if (body.scale !== undefined) core.clock.setScale(Number(body.scale));
      return jsonReply(200, {
        ok: true,
        now: core.clock.now(),
        offset_ms: core.clock.offsetMs,
        scale: core.clock.scale,
      });
    }
    default:
      return (
        (await handleInstallControl(core, path, req)) ??
        (await rateLimitControl(core.rateLimits, key, req)) ??
        jsonReply(404, { ok: false, error: 'unknown_control_route', route: key })
      );
  }
}

export async function handleControl(core: EmulatorContext, path: string, req: EmuRequest): Promise<Outcome> {
  try {
    return await route(core, path, req);
  } catch (error) {
    if (
      error instanceof RangeError ||
      error instanceof ControlError ||
      error instanceof SeedError ||
      error instanceof FaultError
    ) {
      return jsonReply(400, { ok: false, error: 'invalid_request', detail: error.message });
    }
    throw error;
  }
}
