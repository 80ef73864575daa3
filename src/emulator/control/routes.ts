// The core control routes: info, state, seed data, read what was posted, tokens, faults, clock, reset.
import type { EmulatorContext } from '../context.js';
import { jsonReply } from '../http/transport.js';
import type { JsonObject } from '../model/json.js';
import type { TokenKind } from '../model/model.js';
import { parseFaultRule } from '../web-api/faults.js';
import { rateLimitControl } from '../web-api/rate-limits.js';
import { ControlError, type ControlRoutes } from './router.js';

/** The connection details a client needs (what `slackline emulator --json` prints). */
export function emulatorInfo(core: EmulatorContext, url: string): JsonObject {
  return {
    url,
    apiUrl: `${url}api/`,
    scimUrl: `${url}scim/`,
    /** The Audit Logs API base URL (Slack's is https://api.slack.com/audit/v1/). */
    auditUrl: `${url}audit/v1/`,
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

function scopesOf(value: unknown): string[] {
  if (typeof value === 'string') return value.split(/[\s,]+/).filter((s) => s !== '');
  if (Array.isArray(value)) return value.map(String);
  return [];
}

export const coreRoutes: ControlRoutes = {
  'GET info': async (core, input) => {
    return jsonReply(200, { ok: true, ...emulatorInfo(core, input.req.baseUrl) });
  },
  'GET state': async (core) => {
    return jsonReply(200, { ok: true, ...stateSummary(core) });
  },
  'POST reset': async (core) => {
    core.reset();
    return jsonReply(200, { ok: true });
  },
  'POST seed': async (core, input) => {
    return jsonReply(200, { ok: true, ...core.seed(await input.json()) });
  },
  'GET messages': async (core, input) => {
    const ref = input.params.get('channel');
    const refs = ref === null ? [...core.state.channels.keys()] : [ref];
    if (ref !== null && core.channel(ref) === undefined) throw new ControlError(`unknown channel ${ref}`);
    const messages = refs.flatMap((r) => core.messages(r, input.req.baseUrl));
    const channelId = ref === null ? undefined : core.channel(ref)?.id;
    const ephemeral = core.state.ephemeral
      .filter((e) => channelId === undefined || e.channelId === channelId)
      .map((e) => ({ channel: e.channelId, user: e.userId, from: e.fromUserId, ts: e.ts, text: e.text }));
    return jsonReply(200, { ok: true, messages, ephemeral });
  },
  'POST tokens': async (core, input) => {
    const body = await input.json();
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
  },
  'POST tokens/revoke': async (core, input) => {
    const body = await input.json();
    const revoked = typeof body.token === 'string' && core.revokeToken(body.token);
    if (!revoked) throw new ControlError('unknown token');
    return jsonReply(200, { ok: true });
  },
  'GET faults': async (core) => {
    return jsonReply(200, { ok: true, rules: core.faults.list() });
  },
  'POST faults': async (core, input) => {
    const body = await input.json();
    const raw = Array.isArray(body.rules) ? body.rules : [body];
    const rules = raw.map(parseFaultRule);
    return jsonReply(200, { ok: true, ids: rules.map((r) => core.faults.add(r)) });
  },
  'DELETE faults': async (core) => {
    core.faults.clear();
    return jsonReply(200, { ok: true });
  },
  'GET clock': async (core) => {
    return jsonReply(200, {
      ok: true,
      now: core.clock.now(),
      offset_ms: core.clock.offsetMs,
      scale: core.clock.scale,
    });
  },
  'POST clock': async (core, input) => {
    const body = await input.json();
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
  },
  // Answered by rate-limits.ts, which reads its own (small) body.
  'GET rate-limits': async (core, input) => (await rateLimitControl(core.rateLimits, 'GET rate-limits', input.req))!,
  'POST rate-limits': async (core, input) => (await rateLimitControl(core.rateLimits, 'POST rate-limits', input.req))!,
  'GET requests': async (core, input) => {
    const raw = input.params.get('since') ?? '0';
    if (!/^\d{1,15}$/.test(raw)) throw new ControlError('since must be a non-negative integer');
    return jsonReply(200, { ok: true, next_seq: core.requests.nextSeq, requests: core.requests.since(Number(raw)) });
  },
};
