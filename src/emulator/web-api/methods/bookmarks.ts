// bookmarks.add, bookmarks.edit, bookmarks.list, bookmarks.remove: link bookmarks of a conversation.

import type { JsonObject } from '../../model/json.js';
import type { Bookmark, Channel } from '../../model/model.js';
import type { Call, Handler } from '../call.js';
import { fail } from '../failure.js';
import { visibleChannel } from './access.js';

const MAX_BOOKMARKS = 100;
const EMOJI = /^:[a-z0-9_+'-]{1,100}:$/;

function bookmarkJson(b: Bookmark): JsonObject {
  return {
    id: b.id,
    channel_id: b.channelId,
    title: b.title,
    link: b.link,
    emoji: b.emoji,
    icon_url: null,
    type: b.type,
    entity_id: null,
    date_created: b.created,
    date_updated: b.updated,
    rank: b.rank,
    last_updated_by_user_id: b.updatedBy,
    last_updated_by_team_id: b.teamId,
    shortcut_id: null,
    app_id: b.appId ?? null,
  };
}

function validLink(link: string | undefined): string {
  if (link === undefined || !/^https?:\/\/[^\s]+$/.test(link) || link.length > 2000) throw fail('invalid_link');
  return link;
}

function validEmoji(emoji: string | undefined): string {
  if (emoji === undefined || emoji === '') return '';
  if (!EMOJI.test(emoji)) throw fail('invalid_emoji');
  return emoji;
}

function bookmarksOf(call: Call, channel: Channel): Bookmark[] {
  return [...call.state.bookmarks.values()].filter((b) => b.channelId === channel.id);
}

function existing(call: Call, channel: Channel): Bookmark {
  const bookmark = call.state.bookmarks.get(call.args.str('bookmark_id') ?? '');
  if (bookmark === undefined || bookmark.channelId !== channel.id) throw fail('not_found');
  return bookmark;
}

/** Ranks sort like Slack's: a, b, ... z, za, zb ... */
function nextRank(count: number): string {
  return 'z'.repeat(Math.floor(count / 26)) + String.fromCharCode(97 + (count % 26));
}

export const bookmarkHandlers: Record<string, Handler> = {
  'bookmarks.add': (call) => {
    const { args, state, token } = call;
    const channel = visibleChannel(call, args.text('channel_id'));
    const type = args.str('type');
    if (type !== 'link') throw fail('invalid_bookmark_type');
    const title = args.str('title') ?? '';
    if (title === '' || title.length > 256) throw fail('invalid_arguments');
    const current = bookmarksOf(call, channel);
    if (current.length >= MAX_BOOKMARKS) throw fail('too_many_bookmarks');
    const bookmark: Bookmark = {
      id: state.ids.next('Bk'),
      channelId: channel.id,
      teamId: token.teamId,
      title,
      link: validLink(args.text('link')),
      emoji: validEmoji(args.str('emoji')),
      type,
      created: state.clock.seconds(),
      updated: 0,
      rank: nextRank(current.length),
      updatedBy: token.userId,
      appId: token.kind === 'bot' ? token.appId : undefined,
    };
    state.bookmarks.set(bookmark.id, bookmark);
    return { ok: true, bookmark: bookmarkJson(bookmark) };
  },

  'bookmarks.edit': (call) => {
    const { args, state, token } = call;
    const channel = visibleChannel(call, args.text('channel_id'));
    const bookmark = existing(call, channel);
    const title = args.str('title');
    if (title !== undefined && (title === '' || title.length > 256)) throw fail('invalid_arguments');
    const link = args.has('link') ? validLink(args.text('link')) : undefined;
    const emoji = args.has('emoji') ? validEmoji(args.str('emoji')) : undefined;
    if (title !== undefined) bookmark.title = title;
    if (link !== undefined) bookmark.link = link;
    if (emoji !== undefined) bookmark.emoji = emoji;
    bookmark.updated = state.clock.seconds();
    bookmark.updatedBy = token.userId;
    return { ok: true, bookmark: bookmarkJson(bookmark) };
  },

  'bookmarks.list': (call) => {
    const channel = visibleChannel(call, call.args.text('channel_id'));
    return { ok: true, bookmarks: bookmarksOf(call, channel).map(bookmarkJson) };
  },

  'bookmarks.remove': (call) => {
    const channel = visibleChannel(call, call.args.text('channel_id'));
    const bookmark = existing(call, channel);
    call.state.bookmarks.delete(bookmark.id);
    return { ok: true };
  },
};
