// Channel events for apps that subscribe to them, from what conversations.* did: channel_created,
// channel_rename, channel_archive, channel_unarchive for public channels (every installed app of the
// workspace hears them), group_rename, group_archive, group_unarchive for private ones, and
// member_joined_channel / member_left_channel (only where the app's bot is a member, as Slack sends
// them). Shapes from Slack's event samples (java-slack-sdk json-logs/samples/events/*Payload.json).
import type { Ctx } from '../context.js';
import { microsToTs } from '../model/clock.js';
import type { JsonObject } from '../model/json.js';
import type { Channel } from '../model/model.js';
import type { ChannelChange } from '../model/state.js';
import { channelJson } from '../web-api/render.js';
import { botAudiences, sendEvent } from './app-events.js';

/** The fields of channel_created's `channel` (the conversation object, as Slack's samples carry it). */
const CREATED_FIELDS = [
  'id',
  'is_channel',
  'name',
  'name_normalized',
  'created',
  'creator',
  'is_shared',
  'is_org_shared',
  'context_team_id',
  'is_group',
  'is_im',
  'is_mpim',
  'is_private',
  'is_archived',
  'is_general',
  'unlinked',
  'is_pending_ext_shared',
  'pending_shared',
  'updated',
  'is_ext_shared',
  'shared_team_ids',
  'pending_connected_team_ids',
  'topic',
  'purpose',
  'previous_names',
];

function pick(source: JsonObject, keys: readonly string[]): JsonObject {
  const out: JsonObject = {};
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out;
}

/** The event Slack sends for the change, and whether only apps whose bot is a member hear it. */
function eventOf(change: ChannelChange, eventTs: string): { event: JsonObject; membersOnly: boolean } | undefined {
  const { channel } = change;
  if (channel.kind !== 'public' && channel.kind !== 'private' && channel.kind !== 'mpim') return undefined;
  const isPublic = channel.kind === 'public';
  switch (change.kind) {
    case 'created':
      // Slack announces new public channels; a private one is heard of through member_joined_channel.
      if (!isPublic) return undefined;
      return {
        event: {
          type: 'channel_created',
          channel: pick(channelJson(channel, change.userId), CREATED_FIELDS),
          event_ts: eventTs,
        },
        membersOnly: false,
      };
    case 'renamed':
      return {
        event: {
          type: isPublic ? 'channel_rename' : 'group_rename',
          channel: {
            id: channel.id,
            is_channel: isPublic,
            is_mpim: channel.kind === 'mpim',
            name: channel.name,
            name_normalized: channel.name,
            created: channel.created,
          },
          event_ts: eventTs,
        },
        membersOnly: !isPublic,
      };
    case 'archived':
      return {
        event: {
          type: isPublic ? 'channel_archive' : 'group_archive',
          channel: channel.id,
          user: change.userId,
          event_ts: eventTs,
        },
        membersOnly: !isPublic,
      };
    case 'unarchived':
      return {
        event: isPublic
          ? { type: 'channel_unarchive', channel: channel.id, user: change.userId, event_ts: eventTs }
          : { type: 'group_unarchive', channel: channel.id, actor_id: change.userId, event_ts: eventTs },
        membersOnly: !isPublic,
      };
    case 'joined':
    case 'left': {
      const event: JsonObject = {
        type: change.kind === 'joined' ? 'member_joined_channel' : 'member_left_channel',
        user: change.userId,
        channel: channel.id,
        channel_type: isPublic ? 'C' : 'G',
        team: channel.teamId,
        event_ts: eventTs,
      };
      if (change.kind === 'joined' && change.inviterId !== undefined) event.inviter = change.inviterId;
      return { event, membersOnly: true };
    }
  }
}

/** Whether the bot can see the change: a member of the channel (or the one who just left it). */
function sees(channel: Channel, botUserId: string, change: ChannelChange): boolean {
  return channel.members.has(botUserId) || (change.kind === 'left' && change.userId === botUserId);
}

export function deliverChannelEvents(
  core: Ctx<'apps' | 'state' | 'clock' | 'deliveries'>,
  change: ChannelChange,
): void {
  const found = eventOf(change, microsToTs(Math.floor(core.clock.now() * 1000)));
  if (found === undefined) return;
  const type = String(found.event.type);
  const { channel } = change;
  for (const { app, bot, target } of botAudiences(core, channel.teamId)) {
    if (!app.botEvents.includes(type)) continue;
    if (found.membersOnly && !sees(channel, bot.userId, change)) continue;
    const event: JsonObject = { ...found.event };
    if (event.type === 'member_joined_channel' && bot.enterpriseId !== undefined) event.enterprise = bot.enterpriseId;
    sendEvent(core, app, target, event);
  }
}
