// conversations.* (list, info, history, replies, create, join, leave, invite, members, open, setTopic,
// setPurpose, archive) and users.conversations.

import { tsToMicros } from '../../model/clock.js';
import type { JsonObject } from '../../model/json.js';
import type { Channel, ChannelKind, Message } from '../../model/model.js';
import type { Args } from '../args.js';
import { requireAnyScope } from '../auth.js';
import type { Call, Handler } from '../call.js';
import { fail } from '../failure.js';
import { paginate } from '../pagination.js';
import { channelJson, messageJson } from '../render.js';
import { canSee, requireChannelScope, requireMember, scopeFor, teamUser, visibleChannel } from './access.js';

const TYPE_KINDS: Readonly<Record<string, ChannelKind>> = {
  public_channel: 'public',
  private_channel: 'private',
  im: 'im',
  mpim: 'mpim',
};

/** The conversation kinds asked for in `types`, after checking the caller may read each of them. */
function requestedKinds(call: Call, args: Args): Set<ChannelKind> {
  const types = args.list('types');
  const kinds = new Set<ChannelKind>();
  for (const type of types.length > 0 ? types : ['public_channel']) {
    const kind = TYPE_KINDS[type];
    if (kind === undefined) throw fail('invalid_types');
    requireAnyScope(call.token, [scopeFor(kind, 'read')]);
    kinds.add(kind);
  }
  return kinds;
}

function listConversations(call: Call, memberOf: string | undefined): JsonObject {
  const { args, state, token } = call;
  const kinds = requestedKinds(call, args);
  const excludeArchived = args.bool('exclude_archived');
  const found: Channel[] = [];
  for (const channel of state.channels.values()) {
    if (!kinds.has(channel.kind) || !canSee(channel, token.userId, token.teamId)) continue;
    if (excludeArchived && channel.archived) continue;
    if (memberOf !== undefined && !channel.members.has(memberOf)) continue;
    found.push(channel);
  }
  const page = paginate(found, args, { kind: 'channel', defaultLimit: 100, maxLimit: 1000 });
  return {
    ok: true,
    channels: page.items.map((c) => channelJson(c, token.userId)),
    response_metadata: { next_cursor: page.nextCursor },
  };
}

/** A conversation whose messages the caller may read: right scope for its type, and a member of it. */
function readableChannel(call: Call): Channel {
  const channel = visibleChannel(call, call.args.str('channel'));
  requireChannelScope(call, channel, 'history');
  requireMember(call, channel);
  return channel;
}

function bound(args: Args, name: string, error: string, fallback: number): number {
  const raw = args.text(name);
  if (raw === undefined || raw === 'now') return fallback;
  const micros = tsToMicros(raw);
  if (micros === undefined) throw fail(error);
  return micros;
}

/** Messages between `oldest` and `latest` (exclusive unless `inclusive`), oldest first. */
function inRange(messages: readonly Message[], args: Args): Message[] {
  // The common call has no bounds: skip parsing every timestamp of a long channel.
  if (!args.has('oldest') && !args.has('latest')) return [...messages];
  const oldest = bound(args, 'oldest', 'invalid_ts_oldest', 0);
  const latest = bound(args, 'latest', 'invalid_ts_latest', Number.MAX_SAFE_INTEGER);
  const inclusive = args.bool('inclusive');
  return messages.filter((m) => {
    const t = tsToMicros(m.ts) ?? 0;
    return inclusive ? t >= oldest && t <= latest : t > oldest && t < latest;
  });
}

/**
 * Messages as conversations.history and .replies answer them: message metadata only with
 * include_all_metadata, or to the app that posted it.
 */
function listedJson(call: Call, message: Message): JsonObject {
  const json = messageJson(call.state, message, call.baseUrl);
  if (!call.args.bool('include_all_metadata') && message.appId !== call.token.appId) delete json.metadata;
  return json;
}

export function validName(name: string): void {
  if (name === '') throw fail('invalid_name_required');
  if (name.length > 80) throw fail('invalid_name_maxlength');
  if (/^[-_]+$/.test(name)) throw fail('invalid_name_punctuation');
  if (!/^[\p{Ll}\p{Lo}\p{N}_-]+$/u.test(name)) throw fail('invalid_name_specials');
}

export const conversationHandlers: Record<string, Handler> = {
  'conversations.list': (call) => listConversations(call, undefined),

  'users.conversations': (call) => {
    const userId = call.args.text('user') ?? call.token.userId;
    teamUser(call, userId);
    return listConversations(call, userId);
  },

  'conversations.info': (call) => {
    const channel = visibleChannel(call, call.args.str('channel'));
    requireChannelScope(call, channel, 'read');
    const body = channelJson(channel, call.token.userId);
    if (channel.members.has(call.token.userId))
      body.last_read = channel.lastRead?.get(call.token.userId) ?? '0000000000.000000';
    return { ok: true, channel: body };
  },

  'conversations.history': (call) => {
    const channel = readableChannel(call);
    const newestFirst = inRange(channel.messages, call.args).reverse();
    const page = paginate(newestFirst, call.args, { kind: 'next_ts', defaultLimit: 100, maxLimit: 999 });
    return {
      ok: true,
      messages: page.items.map((m) => listedJson(call, m)),
      has_more: page.hasMore,
      pin_count: call.state.pins.filter((p) => p.channelId === channel.id).length,
      channel_actions_ts: null,
      channel_actions_count: 0,
      response_metadata: { next_cursor: page.nextCursor },
    };
  },

  'conversations.replies': (call) => {
    const channel = readableChannel(call);
    const found = channel.byTs.get(call.args.str('ts') ?? '');
    if (found === undefined) throw fail('thread_not_found');
    const parent = found.threadTs === undefined ? found : (channel.byTs.get(found.threadTs) ?? found);
    const thread = inRange([parent, ...parent.replies], call.args);
    const page = paginate(thread, call.args, { kind: 'next_ts', defaultLimit: 1000, maxLimit: 1000 });
    return {
      ok: true,
      messages: page.items.map((m) => listedJson(call, m)),
      has_more: page.hasMore,
      response_metadata: { next_cursor: page.nextCursor },
    };
  },

  'conversations.members': (call) => {
    const channel = visibleChannel(call, call.args.str('channel'));
    requireChannelScope(call, channel, 'read');
    const page = paginate([...channel.members], call.args, { kind: 'user', defaultLimit: 100, maxLimit: 1000 });
    return { ok: true, members: page.items, response_metadata: { next_cursor: page.nextCursor } };
  },

  'conversations.create': (call) => {
    const { args, state, token } = call;
    const name = args.str('name') ?? '';
    validName(name);
    const isPrivate = args.bool('is_private');
    requireAnyScope(token, isPrivate ? ['groups:write'] : ['channels:manage', 'channels:write']);
    if (state.channelByName(token.teamId, name) !== undefined) throw fail('name_taken');
    const channel = state.addChannel(token.teamId, {
      name,
      kind: isPrivate ? 'private' : 'public',
      creator: token.userId,
    });
    state.onChannelChange?.({ kind: 'created', channel, userId: token.userId });
    // Slack sends member_joined_channel for the creator too.
    state.onChannelChange?.({ kind: 'joined', channel, userId: token.userId });
    return { ok: true, channel: channelJson(channel, token.userId) };
  },

  'conversations.join': (call) => {
    const channel = visibleChannel(call, call.args.str('channel'));
    if (channel.kind !== 'public') throw fail('method_not_supported_for_channel_type');
    if (channel.archived) throw fail('is_archived');
    const already = channel.members.has(call.token.userId);
    channel.members.add(call.token.userId);
    if (!already) call.state.onChannelChange?.({ kind: 'joined', channel, userId: call.token.userId });
    const body = { ok: true, channel: channelJson(channel, call.token.userId) };
    return already
      ? { ...body, warning: 'already_in_channel', response_metadata: { warnings: ['already_in_channel'] } }
      : body;
  },

  'conversations.leave': (call) => {
    const channel = visibleChannel(call, call.args.str('channel'));
    if (channel.kind === 'im') throw fail('method_not_supported_for_channel_type');
    if (channel.isGeneral) throw fail('cant_leave_general');
    if (channel.archived) throw fail('is_archived');
    // Not a member: Slack answers without an error, with a not_in_channel flag.
    if (!channel.members.has(call.token.userId)) return { ok: true, not_in_channel: true };
    if (channel.kind === 'private' && channel.members.size === 1) throw fail('last_member');
    channel.members.delete(call.token.userId);
    call.state.onChannelChange?.({ kind: 'left', channel, userId: call.token.userId });
    return { ok: true };
  },

  'conversations.invite': (call) => {
    const channel = visibleChannel(call, call.args.str('channel'));
    if (channel.kind === 'im' || channel.kind === 'mpim') throw fail('method_not_supported_for_channel_type');
    if (channel.archived) throw fail('is_archived');
    requireMember(call, channel);
    const users = call.args.list('users');
    if (users.length === 0) throw fail('no_user');
    if (users.length > 1000) throw fail('too_many_users');
    const ids = users.map((id) => teamUser(call, id).id);
    if (ids.includes(call.token.userId)) throw fail('cant_invite_self');
    if (ids.every((id) => channel.members.has(id))) throw fail('already_in_channel');
    for (const id of ids) {
      if (channel.members.has(id)) continue;
      channel.members.add(id);
      call.state.onChannelChange?.({ kind: 'joined', channel, userId: id, inviterId: call.token.userId });
    }
    return { ok: true, channel: channelJson(channel, call.token.userId) };
  },

  'conversations.setTopic': (call) => setText(call, 'topic'),
  'conversations.setPurpose': (call) => setText(call, 'purpose'),

  'conversations.archive': (call) => {
    const channel = visibleChannel(call, call.args.str('channel'));
    if (channel.isGeneral) throw fail('cant_archive_general');
    if (channel.kind === 'im' || channel.kind === 'mpim') throw fail('method_not_supported_for_channel_type');
    if (channel.archived) throw fail('already_archived');
    requireMember(call, channel);
    channel.archived = true;
    call.state.onChannelChange?.({ kind: 'archived', channel, userId: call.token.userId });
    return { ok: true };
  },

  'conversations.open': (call) => {
    const { args, state, token } = call;
    const existingId = args.text('channel');
    let channel: Channel | undefined;
    let created = false;
    if (existingId !== undefined) {
      channel = visibleChannel(call, existingId);
      if (channel.kind !== 'im' && channel.kind !== 'mpim') throw fail('method_not_supported_for_channel_type');
    } else {
      const users = args.list('users');
      if (users.length === 0) throw fail('users_list_not_supplied');
      if (users.length > 8) throw fail('too_many_users');
      const others = [...new Set(users.map((id) => teamUser(call, id).id))].filter((id) => id !== token.userId);
      const kind: ChannelKind = others.length > 1 ? 'mpim' : 'im';
      requireAnyScope(token, [scopeFor(kind, 'write')]);
      const create = !args.bool('prevent_creation');
      const before = state.channels.size;
      channel =
        kind === 'im'
          ? state.im(token.teamId, token.userId, others[0] ?? token.userId, create)
          : state.mpim(token.teamId, [token.userId, ...others], create);
      if (channel === undefined) throw fail('channel_not_found');
      created = state.channels.size > before;
    }
    const full = args.bool('return_im') || channel.kind === 'mpim';
    const body = { ok: true, channel: full ? channelJson(channel, token.userId) : { id: channel.id } };
    return created ? body : { ...body, no_op: true, already_open: true };
  },
};

function setText(call: Call, field: 'topic' | 'purpose'): JsonObject {
  const channel = visibleChannel(call, call.args.str('channel'));
  if (channel.archived) throw fail('is_archived');
  requireMember(call, channel);
  const value = call.args.str(field) ?? '';
  if (value.length > 250) throw fail('too_long');
  channel[field] = { value, creator: call.token.userId, last_set: call.state.clock.seconds() };
  return { ok: true, channel: channelJson(channel, call.token.userId) };
}
