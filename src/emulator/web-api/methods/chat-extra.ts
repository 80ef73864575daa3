// chat.scheduleMessage, chat.scheduledMessages.list, chat.deleteScheduledMessage, chat.meMessage.
// A scheduled message is posted once the emulator's clock passes its post_at (EmulatorState.postDueMessages).

import type { ScheduledMessage } from '../../model/model.js';
import type { Handler } from '../call.js';
import { fail } from '../failure.js';
import { paginate } from '../pagination.js';
import { visibleChannel } from './access.js';
import { author, messageContent, postTarget, threadRoot } from './chat.js';

/** Slack refuses post_at more than 120 days ahead. */
const MAX_AHEAD_SECONDS = 120 * 24 * 3600;
/** Slack takes at most 30 messages scheduled to post within 5 minutes in one channel. */
const WINDOW_SECONDS = 300;
const MAX_IN_WINDOW = 30;

function scheduledJson(item: ScheduledMessage): Record<string, string | number> {
  return { id: item.id, channel_id: item.channelId, post_at: item.postAt, date_created: item.created, text: item.text };
}

export const chatExtraHandlers: Record<string, Handler> = {
  'chat.scheduleMessage': (call) => {
    const { args, state } = call;
    const rawPostAt = args.str('post_at')?.trim() ?? '';
    const postAt = rawPostAt === '' ? Number.NaN : Number(rawPostAt);
    if (!Number.isSafeInteger(postAt)) throw fail('invalid_time');
    const now = state.clock.seconds();
    if (postAt <= now) throw fail('time_in_past');
    if (postAt > now + MAX_AHEAD_SECONDS) throw fail('time_too_far');
    const channel = postTarget(call, args.str('channel'));
    const content = messageContent(args);
    let near = 0;
    for (const s of state.scheduled.values()) {
      if (s.channelId === channel.id && Math.abs(s.postAt - postAt) < WINDOW_SECONDS) near += 1;
    }
    if (near >= MAX_IN_WINDOW) throw fail('restricted_too_many');
    const who = author(call);
    const item: ScheduledMessage = {
      id: state.ids.next('Q'),
      channelId: channel.id,
      teamId: channel.teamId,
      postAt,
      created: now,
      userId: who.userId,
      botId: who.botId,
      appId: who.appId,
      ...content,
      threadTs: threadRoot(channel, args.str('thread_ts')),
      broadcast: args.bool('reply_broadcast'),
    };
    state.scheduled.set(item.id, item);
    const user = state.users.get(who.userId);
    const message = {
      type: 'delayed_message',
      text: item.text,
      user: who.userId,
      team: channel.teamId,
      bot_id: who.botId,
      app_id: who.appId,
      subtype: who.botId === undefined ? undefined : 'bot_message',
      username: who.botId === undefined ? undefined : user?.name,
      blocks: item.blocks,
      attachments: item.attachments,
      metadata: item.metadata,
    };
    return { ok: true, channel: channel.id, scheduled_message_id: item.id, post_at: postAt, message };
  },

  'chat.scheduledMessages.list': (call) => {
    const { args, state, token } = call;
    const channelId = args.text('channel');
    if (channelId !== undefined) {
      const channel = state.channels.get(channelId);
      if (channel === undefined || channel.teamId !== token.teamId) throw fail('invalid_channel');
    }
    const oldest = args.int('oldest') ?? 0;
    const latest = args.int('latest') ?? Number.MAX_SAFE_INTEGER;
    const found = [...state.scheduled.values()]
      .filter((s) => s.teamId === token.teamId && s.userId === token.userId)
      .filter((s) => channelId === undefined || s.channelId === channelId)
      .filter((s) => s.postAt >= oldest && s.postAt <= latest)
      .sort((a, b) => a.postAt - b.postAt);
    const page = paginate(found, args, { kind: 'scheduled', defaultLimit: 100, maxLimit: 1000 });
    return {
      ok: true,
      scheduled_messages: page.items.map(scheduledJson),
      response_metadata: { next_cursor: page.nextCursor },
    };
  },

  'chat.deleteScheduledMessage': (call) => {
    const channel = visibleChannel(call, call.args.str('channel'));
    const item = call.state.scheduled.get(call.args.str('scheduled_message_id') ?? '');
    if (item === undefined || item.channelId !== channel.id || item.userId !== call.token.userId) {
      throw fail('invalid_scheduled_message_id');
    }
    call.state.scheduled.delete(item.id);
    return { ok: true };
  },

  'chat.meMessage': (call) => {
    const { args, state } = call;
    const channel = postTarget(call, args.str('channel'));
    const text = args.str('text') ?? '';
    if (text === '') throw fail('no_text');
    if (text.length > 40_000) throw fail('msg_too_long');
    const message = state.addMessage(channel, { ...author(call), text, subtype: 'me_message' });
    return { ok: true, channel: channel.id, ts: message.ts };
  },
};
