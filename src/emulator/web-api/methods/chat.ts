// chat.postMessage, chat.update, chat.delete, chat.postEphemeral, chat.getPermalink.

import { isObject, type Json } from '../../model/json.js';
import type { Channel, Message } from '../../model/model.js';
import type { EmulatorState } from '../../model/state.js';
import type { Args } from '../args.js';
import type { Call, Handler } from '../call.js';
import { fail } from '../failure.js';
import { messageJson } from '../render.js';
import { canSee, messageIn, visibleChannel } from './access.js';

const MAX_TEXT = 40_000;

interface Content {
  text: string;
  blocks: Json | undefined;
  attachments: Json | undefined;
  metadata: Json | undefined;
}

/** Validates what a message carries, with the errors Slack gives for each problem. */
export function messageContent(args: Args): Content {
  const text = args.str('text');
  const markdown = args.str('markdown_text');
  if (text && markdown) throw fail('markdown_text_conflict');
  const blocks = args.json('blocks', 'invalid_blocks_format');
  if (blocks !== undefined) {
    if (!Array.isArray(blocks)) throw fail('invalid_blocks_format');
    if (!blocks.every((b) => isObject(b) && typeof b.type === 'string')) throw fail('invalid_blocks');
    if (blocks.length > 50) throw fail('invalid_blocks');
  }
  const attachments = args.json('attachments', 'invalid_attachments');
  if (attachments !== undefined && (!Array.isArray(attachments) || !attachments.every(isObject))) {
    throw fail('invalid_attachments');
  }
  const body = text || markdown || '';
  const hasBlocks = Array.isArray(blocks) && blocks.length > 0;
  const hasAttachments = Array.isArray(attachments) && attachments.length > 0;
  if (body === '' && !hasBlocks && !hasAttachments) throw fail('no_text');
  if (body.length > MAX_TEXT) throw fail('msg_too_long');
  return {
    text: body,
    blocks: hasBlocks ? blocks : undefined,
    attachments: hasAttachments ? attachments : undefined,
    metadata: messageMetadata(args),
  };
}

/** Message metadata must be `{event_type: string, event_payload: object}`, as Slack's schema says. */
function messageMetadata(args: Args): Json | undefined {
  const metadata = args.json('metadata', 'invalid_metadata_format');
  if (metadata === undefined) return undefined;
  if (!isObject(metadata)) throw fail('invalid_metadata_format');
  if (typeof metadata.event_type !== 'string' || metadata.event_type === '' || !isObject(metadata.event_payload)) {
    throw fail('invalid_metadata_schema');
  }
  if (JSON.stringify(metadata).length > 8_000) throw fail('metadata_too_large');
  return { event_type: metadata.event_type, event_payload: metadata.event_payload };
}

/**
 * Where a message goes: a conversation id, a channel name, or a user id (the DM with that user). A bot
 * that is not in a public channel gets not_in_channel unless it has chat:write.public.
 */
export function postTarget(call: Call, ref: string | undefined): Channel {
  const { state, token } = call;
  if (ref === undefined || ref === '') throw fail('channel_not_found');
  let channel = state.channels.get(ref) ?? state.channelByName(token.teamId, ref.replace(/^#/, ''));
  if (channel === undefined && /^[UW]/.test(ref)) {
    const user = state.users.get(ref);
    if (user !== undefined && user.teamId === token.teamId)
      channel = state.im(token.teamId, token.userId, user.id, true);
  }
  if (channel === undefined || !canSee(channel, token.userId, token.teamId)) throw fail('channel_not_found');
  if (channel.archived) throw fail('is_archived');
  const publicAllowed = channel.kind === 'public' && token.scopeSet.has('chat:write.public');
  if (!channel.members.has(token.userId) && !publicAllowed) throw fail('not_in_channel');
  return channel;
}

/** Author fields of a message sent with this token. */
export function author(call: Call): { userId: string; botId: string | undefined; appId: string | undefined } {
  const bot = call.token.kind === 'bot';
  return {
    userId: call.token.userId,
    botId: bot ? call.token.botId : undefined,
    appId: bot ? call.token.appId : undefined,
  };
}

/** The thread a reply joins: replies to a reply join the parent's thread; an unknown ts posts at top level. */
export function threadRoot(channel: Channel, threadTs: string | undefined): string | undefined {
  if (threadTs === undefined || threadTs === '') return undefined;
  const parent = channel.byTs.get(threadTs);
  return parent === undefined ? undefined : (parent.threadTs ?? parent.ts);
}

/** A message's web link, as chat.getPermalink and pins.list give it. */
export function permalink(state: EmulatorState, channel: Channel, message: Message): string {
  const team = state.teams.get(channel.teamId);
  const link = `https://${team?.domain ?? 'emulator'}.slack.com/archives/${channel.id}/p${message.ts.replace('.', '')}`;
  const inThread = message.threadTs !== undefined && message.threadTs !== message.ts;
  return inThread ? `${link}?thread_ts=${message.threadTs}&cid=${channel.id}` : link;
}

export const chatHandlers: Record<string, Handler> = {
  'chat.postMessage': (call) => {
    const { args, state } = call;
    const channel = postTarget(call, args.str('channel'));
    const content = messageContent(args);
    const message = state.addMessage(channel, {
      ...author(call),
      ...content,
      username: args.text('username'),
      threadTs: threadRoot(channel, args.str('thread_ts')),
      broadcast: args.bool('reply_broadcast'),
    });
    return { ok: true, channel: channel.id, ts: message.ts, message: messageJson(state, message, call.baseUrl) };
  },

  'chat.update': (call) => {
    const { args, state } = call;
    const channel = visibleChannel(call, args.str('channel'));
    const message = messageIn(channel, args.str('ts'));
    if (message.userId !== call.token.userId) throw fail('cant_update_message');
    const content = messageContent(args);
    message.text = content.text;
    if (content.blocks !== undefined || args.has('blocks')) message.blocks = content.blocks;
    if (content.attachments !== undefined || args.has('attachments')) message.attachments = content.attachments;
    if (args.has('metadata')) message.metadata = content.metadata;
    message.edited = { user: call.token.userId, ts: state.nextTs() };
    return {
      ok: true,
      channel: channel.id,
      ts: message.ts,
      text: message.text,
      message: messageJson(state, message, call.baseUrl),
    };
  },

  'chat.delete': (call) => {
    const channel = visibleChannel(call, call.args.str('channel'));
    const message = messageIn(channel, call.args.str('ts'));
    if (message.userId !== call.token.userId) throw fail('cant_delete_message');
    call.state.removeMessage(channel, message);
    return { ok: true, channel: channel.id, ts: message.ts };
  },

  'chat.postEphemeral': (call) => {
    const { args, state } = call;
    const channel = postTarget(call, args.str('channel'));
    const content = messageContent(args);
    const userId = args.str('user') ?? '';
    const user = state.users.get(userId);
    if (user === undefined || user.teamId !== call.token.teamId) throw fail('user_not_found');
    if (!channel.members.has(user.id)) throw fail('user_not_in_channel');
    const ts = state.nextTs();
    state.ephemeral.push({
      channelId: channel.id,
      userId: user.id,
      fromUserId: call.token.userId,
      ts,
      text: content.text,
      threadTs: threadRoot(channel, args.str('thread_ts')),
    });
    return { ok: true, message_ts: ts };
  },

  'chat.getPermalink': (call) => {
    const channel = visibleChannel(call, call.args.str('channel'));
    const message = messageIn(channel, call.args.str('message_ts'));
    return { ok: true, channel: channel.id, permalink: permalink(call.state, channel, message) };
  },
};
