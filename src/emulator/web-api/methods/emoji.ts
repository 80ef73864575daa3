// emoji.list over the team's custom emoji, which admin.emoji.add/addAlias/rename/remove/list manage.
// Standard Unicode emoji categories (include_categories) are not modelled: the answer has none.

import type { JsonObject } from '../../model/json.js';
import type { Call, Handler } from '../call.js';
import { fail } from '../failure.js';
import { paginate } from '../pagination.js';

const NAME = /^[a-z0-9_+'-]{1,100}$/;
const MAX_EMOJI = 5000;

type Emoji = { value: string; created: number; by: string };

function teamEmoji(call: Call): Map<string, Emoji> {
  let emoji = call.state.emoji.get(call.token.teamId);
  if (emoji === undefined) {
    emoji = new Map();
    call.state.emoji.set(call.token.teamId, emoji);
  }
  return emoji;
}

function requireAdmin(call: Call): void {
  if (call.state.users.get(call.token.userId)?.isAdmin !== true) throw fail('not_an_admin');
}

/** A free emoji name; upper case is error_lower_case_names_only where documented (admin.emoji.add). */
function newName(call: Call, arg: string, upperCaseError = 'error_bad_name_i18n'): string {
  const name = (call.args.str(arg) ?? '').replace(/^:|:$/g, '');
  if (name === '') throw fail('error_missing_name');
  if (name !== name.toLowerCase()) throw fail(upperCaseError);
  if (!NAME.test(name)) throw fail('error_bad_name_i18n');
  if (teamEmoji(call).has(name)) throw fail('error_name_taken');
  return name;
}

export const emojiHandlers: Record<string, Handler> = {
  'emoji.list': (call) => {
    const emoji: JsonObject = {};
    for (const [name, entry] of teamEmoji(call)) emoji[name] = entry.value;
    const body: JsonObject = { ok: true, emoji, cache_ts: `${call.state.clock.seconds()}.000000` };
    if (call.args.bool('include_categories')) Object.assign(body, { categories_version: '0', categories: [] });
    return body;
  },

  'admin.emoji.add': (call) => {
    requireAdmin(call);
    const name = newName(call, 'name', 'error_lower_case_names_only');
    const url = call.args.str('url') ?? '';
    if (!/^https?:\/\/\S+$/.test(url)) throw fail('error_no_image');
    const emoji = teamEmoji(call);
    if (emoji.size >= MAX_EMOJI) throw fail('emoji_limit_reached');
    emoji.set(name, { value: url, created: call.state.clock.seconds(), by: call.token.userId });
    return { ok: true };
  },

  'admin.emoji.addAlias': (call) => {
    requireAdmin(call);
    const name = newName(call, 'name');
    const target = (call.args.str('alias_for') ?? '').replace(/^:|:$/g, '');
    if (target === '') throw fail('no_alias_selected');
    const emoji = teamEmoji(call);
    if (!emoji.has(target)) throw fail('error_invalid_alias');
    emoji.set(name, { value: `alias:${target}`, created: call.state.clock.seconds(), by: call.token.userId });
    return { ok: true };
  },

  'admin.emoji.rename': (call) => {
    requireAdmin(call);
    const emoji = teamEmoji(call);
    const old = (call.args.str('name') ?? '').replace(/^:|:$/g, '');
    const entry = emoji.get(old);
    if (entry === undefined) throw fail('error_invalid_emoji_to_rename');
    const name = newName(call, 'new_name');
    emoji.delete(old);
    emoji.set(name, entry);
    for (const other of emoji.values()) if (other.value === `alias:${old}`) other.value = `alias:${name}`;
    return { ok: true };
  },

  'admin.emoji.remove': (call) => {
    requireAdmin(call);
    const emoji = teamEmoji(call);
    const name = (call.args.str('name') ?? '').replace(/^:|:$/g, '');
    if (!emoji.delete(name)) throw fail('emoji_not_found');
    for (const [key, other] of emoji) if (other.value === `alias:${name}`) emoji.delete(key);
    return { ok: true };
  },

  'admin.emoji.list': (call) => {
    requireAdmin(call);
    const entries = [...teamEmoji(call)].filter(([, e]) => !e.value.startsWith('alias:'));
    const page = paginate(entries, call.args, { kind: 'emoji', defaultLimit: 100, maxLimit: 1000 });
    const emoji: JsonObject = {};
    for (const [name, e] of page.items) emoji[name] = { url: e.value, date_created: e.created, uploaded_by: e.by };
    return { ok: true, emoji, response_metadata: { next_cursor: page.nextCursor } };
  },
};
