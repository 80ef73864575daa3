// reaction_added / reaction_removed for apps that subscribe to them, when the app's bot is in the
// conversation. Shape from Slack's event reference: user, reaction, item_user, item {type, channel, ts}.
import type { Ctx } from '../context.js';
import { microsToTs } from '../model/clock.js';
import type { Channel, Message } from '../model/model.js';
import { sendEvent } from './app-events.js';
import { installedBot } from './message-events.js';

export function deliverReactionEvent(
  core: Ctx<'apps' | 'state' | 'clock' | 'deliveries'>,
  type: 'reaction_added' | 'reaction_removed',
  userId: string,
  reaction: string,
  message: Message,
  channel: Channel,
): void {
  for (const app of core.apps.list()) {
    if (!app.botEvents.includes(type) || !core.deliveries.reaches(app)) continue;
    const bot = installedBot(core, app, channel.teamId);
    if (bot === undefined || !channel.members.has(bot.userId)) continue;
    sendEvent(
      core,
      app,
      {
        teamId: channel.teamId,
        enterpriseId: bot.enterpriseId,
        authorization: { userId: bot.userId, isBot: true, isEnterpriseInstall: bot.isEnterpriseInstall === true },
      },
      {
        type,
        user: userId,
        reaction,
        item_user: message.userId,
        item: { type: 'message', channel: channel.id, ts: message.ts },
        event_ts: microsToTs(Math.floor(core.clock.now() * 1000)),
      },
    );
  }
}
