// reactions.add, reactions.remove, reactions.get (messages only; file reactions are not modelled).

import { deliverReactionEvent } from '../../events/reaction-events.js';
import type { Channel, Message } from '../../model/model.js';
import type { Call, Handler } from '../call.js';
import { fail } from '../failure.js';
import { messageJson } from '../render.js';
import { visibleChannel } from './access.js';

// Emoji names as Slack takes them: lower case, digits, - _ + ', optionally with a skin tone.
const EMOJI_NAME = /^[a-z0-9_+'-]{1,100}(::skin-tone-[2-6])?$/;

function target(call: Call): { channel: Channel; message: Message } {
  const channel = visibleChannel(call, call.args.str('channel'));
  const ts = call.args.str('timestamp') ?? '';
  if (ts === '') throw fail('no_item_specified');
  const message = channel.byTs.get(ts);
  if (message === undefined) throw fail(/^\d+(\.\d+)?$/.test(ts) ? 'message_not_found' : 'bad_timestamp');
  return { channel, message };
}

function emojiName(call: Call): string {
  const name = (call.args.str('name') ?? '').replace(/^:|:$/g, '');
  if (!EMOJI_NAME.test(name)) throw fail('invalid_name');
  return name;
}

export const reactionHandlers: Record<string, Handler> = {
  'reactions.add': (call) => {
    const name = emojiName(call);
    const { channel, message } = target(call);
    if (channel.archived) throw fail('is_archived');
    const users = message.reactions.get(name) ?? [];
    if (users.includes(call.token.userId)) throw fail('already_reacted');
    if (users.length === 0 && message.reactions.size >= 50) throw fail('too_many_emoji');
    message.reactions.set(name, [...users, call.token.userId]);
    deliverReactionEvent(call.ctx, 'reaction_added', call.token.userId, name, message, channel);
    return { ok: true };
  },

  'reactions.remove': (call) => {
    const name = emojiName(call);
    const { channel, message } = target(call);
    const users = message.reactions.get(name) ?? [];
    if (!users.includes(call.token.userId)) throw fail('no_reaction');
    const rest = users.filter((u) => u !== call.token.userId);
    if (rest.length === 0) message.reactions.delete(name);
    else message.reactions.set(name, rest);
    deliverReactionEvent(call.ctx, 'reaction_removed', call.token.userId, name, message, channel);
    return { ok: true };
  },

  'reactions.get': (call) => {
    if (!call.args.has('channel') && !call.args.has('file')) throw fail('no_item_specified');
    if (call.args.has('file')) throw fail('file_not_found');
    const { channel, message } = target(call);
    return {
      ok: true,
      type: 'message',
      channel: channel.id,
      message: { ...messageJson(call.state, message, call.baseUrl), permalink: undefined },
    };
  },
};
