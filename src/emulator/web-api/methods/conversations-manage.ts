// conversations.rename, unarchive, kick and mark (the rest of conversations.* is in conversations.ts).

import { tsToMicros } from '../../model/clock.js';
import type { Handler } from '../call.js';
import { fail } from '../failure.js';
import { channelJson } from '../render.js';
import { requireMember, teamUser, visibleChannel } from './access.js';
import { validName } from './conversations.js';

export const conversationManageHandlers: Record<string, Handler> = {
  'conversations.rename': (call) => {
    const { args, state, token } = call;
    const channel = visibleChannel(call, args.str('channel'));
    if (channel.kind === 'im' || channel.kind === 'mpim') throw fail('method_not_supported_for_channel_type');
    if (channel.archived) throw fail('is_archived');
    requireMember(call, channel);
    const name = args.str('name') ?? '';
    validName(name);
    if (name !== channel.name) {
      const taken = state.channelByName(token.teamId, name);
      if (taken !== undefined) throw fail('name_taken');
      channel.previousNames = [...(channel.previousNames ?? []), channel.name];
      channel.name = name;
      state.onChannelChange?.({ kind: 'renamed', channel, userId: token.userId });
    }
    return { ok: true, channel: channelJson(channel, token.userId) };
  },

  'conversations.unarchive': (call) => {
    const channel = visibleChannel(call, call.args.str('channel'));
    if (channel.kind === 'im' || channel.kind === 'mpim') throw fail('method_not_supported_for_channel_type');
    if (!channel.archived) throw fail('not_archived');
    channel.archived = false;
    call.state.onChannelChange?.({ kind: 'unarchived', channel, userId: call.token.userId });
    return { ok: true };
  },

  'conversations.kick': (call) => {
    const channel = visibleChannel(call, call.args.str('channel'));
    if (channel.kind === 'im' || channel.kind === 'mpim') throw fail('method_not_supported_for_channel_type');
    const user = teamUser(call, call.args.text('user'));
    if (user.id === call.token.userId) throw fail('cant_kick_self');
    if (channel.isGeneral) throw fail('cant_kick_from_general');
    requireMember(call, channel);
    if (!channel.members.delete(user.id)) throw fail('not_in_channel');
    call.state.onChannelChange?.({ kind: 'left', channel, userId: user.id });
    return { ok: true, errors: {} };
  },

  'conversations.mark': (call) => {
    const channel = visibleChannel(call, call.args.str('channel'));
    const ts = call.args.str('ts') ?? '';
    if (tsToMicros(ts) === undefined) throw fail('invalid_timestamp');
    requireMember(call, channel);
    channel.lastRead ??= new Map();
    channel.lastRead.set(call.token.userId, ts);
    return { ok: true };
  },
};
