// Message events for apps that subscribe to them: message.channels/groups/im/mpim when the app's bot is
// in the conversation, and app_mention when a message mentions the bot. Delivered signed, like all events.

import type { Ctx } from '../context.js';
import type { JsonObject } from '../model/json.js';
import type { Channel, Message } from '../model/model.js';
import { botAudiences, sendEvent } from './app-events.js';

const SUBSCRIPTION = { public: 'message.channels', private: 'message.groups', im: 'message.im', mpim: 'message.mpim' };
const CHANNEL_TYPE = { public: 'channel', private: 'group', im: 'im', mpim: 'mpim' };

function messageEvent(message: Message, channel: Channel): JsonObject {
  const event: JsonObject = { type: 'message' };
  if (message.subtype !== undefined) event.subtype = message.subtype;
  Object.assign(event, {
    channel: channel.id,
    user: message.userId,
    bot_id: message.botId,
    app_id: message.appId,
    text: message.text,
    blocks: message.blocks,
    attachments: message.attachments,
    ts: message.ts,
    thread_ts: message.threadTs,
    event_ts: message.ts,
    channel_type: CHANNEL_TYPE[channel.kind],
    team: channel.teamId,
  });
  return event;
}

export function deliverMessageEvents(
  core: Ctx<'apps' | 'state' | 'clock' | 'deliveries'>,
  message: Message,
  channel: Channel,
): void {
  for (const { app, bot, target } of botAudiences(core, channel.teamId)) {
    if (!channel.members.has(bot.userId)) continue;
    if (app.botEvents.includes(SUBSCRIPTION[channel.kind]))
      sendEvent(core, app, target, messageEvent(message, channel));
    if (app.botEvents.includes('app_mention') && message.text.includes(`<@${bot.userId}>`)) {
      const { type: _message, channel_type: _type, ...rest } = messageEvent(message, channel);
      sendEvent(core, app, target, { type: 'app_mention', ...rest });
    }
  }
}
