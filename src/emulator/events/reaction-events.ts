// reaction_added / reaction_removed for apps that subscribe to them, when the app's bot is in the
// conversation. Shape from Slack's event reference: user, reaction, item_user, item {type, channel, ts}.
import type { Ctx } from '../context.js';
import { microsToTs } from '../model/clock.js';
import type { Channel, Message } from '../model/model.js';
import { botAudiences, sendEvent } from './app-events.js';

export function deliverReactionEvent(
  core: Ctx<'apps' | 'state' | 'clock' | 'deliveries'>,
  type: 'reaction_added' | 'reaction_removed',
  userId: string,
  reaction: string,
  message: Message,
  channel: Channel,
): void {
  for (const { app, bot, target } of botAudiences(core, channel.teamId)) {
    if (!app.botEvents.includes(type) || !channel.members.has(bot.userId)) continue;
    sendEvent(core, app, target, {
      type,
      user: userId,
      reaction,
      item_user: message.userId,
      item: { type: 'message', channel: channel.id, ts: message.ts },
      event_ts: microsToTs(Math.floor(core.clock.now() * 1000)),
    });
  }
}
