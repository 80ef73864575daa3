// users.profile.get, users.profile.set, users.setPresence, users.getPresence.

import { isObject, type JsonObject } from '../../model/json.js';
import type { User, UserSettings } from '../../model/model.js';
import type { Call, Handler } from '../call.js';
import { fail } from '../failure.js';
import { userJson } from '../render.js';
import { canReadEmail, teamUser } from './access.js';

type Field = 'real_name' | 'display_name' | 'first_name' | 'last_name' | 'title' | 'phone' | 'pronouns';
type StatusField = 'status_text' | 'status_emoji' | 'status_expiration';

/** The longest value Slack takes per field. */
const MAX_LENGTH: Readonly<Record<Field | StatusField, number>> = {
  real_name: 80,
  display_name: 80,
  first_name: 80,
  last_name: 80,
  title: 250,
  phone: 80,
  pronouns: 80,
  status_text: 100,
  status_emoji: 100,
  status_expiration: 20,
};
const EMOJI = /^:[a-z0-9_+'-]{1,100}:$/;

function profileJson(call: Call, user: User): JsonObject {
  const profile = userJson(user, canReadEmail(call), call.state.settingsIfSet(user.id)).profile;
  return { ...(isObject(profile) ? profile : {}), fields: {} };
}

/**
 * The changes asked for, as `profile` (JSON object) or one `name` + `value`. Fields the emulator does
 * not model (custom `fields`, email, skype...) are accepted and ignored.
 */
function requestedChanges(call: Call): Map<string, string | number> {
  const asked = new Map<string, unknown>();
  const profile = call.args.json('profile', 'invalid_profile');
  if (profile !== undefined) {
    if (!isObject(profile)) throw fail('invalid_profile');
    for (const [key, value] of Object.entries(profile)) asked.set(key, value);
  }
  const name = call.args.text('name');
  if (name !== undefined) asked.set(name, call.args.str('value') ?? '');
  if (profile === undefined && name === undefined) throw fail('invalid_profile');
  const changes = new Map<string, string | number>();
  for (const [key, value] of asked) {
    if (!Object.hasOwn(MAX_LENGTH, key)) continue;
    if (typeof value !== 'string' && typeof value !== 'number') throw fail('invalid_profile');
    if (String(value).length > MAX_LENGTH[key as Field]) throw fail('too_long');
    changes.set(key, value);
  }
  return changes;
}

function apply(user: User, settings: UserSettings, changes: Map<string, string | number>): void {
  const text = (key: string) => (changes.has(key) ? String(changes.get(key)) : undefined);
  const emoji = text('status_emoji');
  if (emoji !== undefined && emoji !== '' && !EMOJI.test(emoji)) throw fail('invalid_emoji_not_allowed');
  const expiration = changes.has('status_expiration') ? Number(changes.get('status_expiration')) : undefined;
  if (expiration !== undefined && (!Number.isSafeInteger(expiration) || expiration < 0)) throw fail('invalid_profile');
  const display = text('display_name');
  if (display?.startsWith('@')) throw fail('invalid_starts_with_at');
  user.realName = text('real_name') ?? user.realName;
  user.displayName = display ?? user.displayName;
  user.title = text('title') ?? user.title;
  settings.firstName = text('first_name') ?? settings.firstName;
  settings.lastName = text('last_name') ?? settings.lastName;
  if (!changes.has('real_name') && (changes.has('first_name') || changes.has('last_name'))) {
    user.realName = `${settings.firstName} ${settings.lastName}`.trim();
  }
  settings.phone = text('phone') ?? settings.phone;
  settings.pronouns = text('pronouns') ?? settings.pronouns;
  settings.statusText = text('status_text') ?? settings.statusText;
  settings.statusEmoji = emoji ?? settings.statusEmoji;
  settings.statusExpiration = expiration ?? settings.statusExpiration;
}

export const userProfileHandlers: Record<string, Handler> = {
  'users.profile.get': (call) => {
    const user = teamUser(call, call.args.text('user') ?? call.token.userId);
    return { ok: true, profile: profileJson(call, user) };
  },

  'users.profile.set': (call) => {
    const { state, token } = call;
    const target = teamUser(call, call.args.text('user') ?? token.userId);
    if (target.id !== token.userId) {
      const caller = state.users.get(token.userId);
      if (caller?.isAdmin !== true) throw fail('not_admin');
      if (target.isOwner && caller.isOwner !== true) throw fail('cannot_update_admin_user');
    }
    const changes = requestedChanges(call);
    apply(target, state.settingsOf(target.id), changes);
    target.updated = state.clock.seconds();
    return { ok: true, profile: profileJson(call, target) };
  },

  'users.setPresence': (call) => {
    const presence = call.args.str('presence');
    if (presence !== 'auto' && presence !== 'away') throw fail('invalid_presence');
    call.state.settingsOf(call.token.userId).presence = presence;
    return { ok: true };
  },

  'users.getPresence': (call) => {
    const user = teamUser(call, call.args.text('user') ?? call.token.userId);
    const away = call.state.settingsIfSet(user.id)?.presence === 'away';
    const presence = away ? 'away' : 'active';
    if (user.id !== call.token.userId) return { ok: true, presence };
    return {
      ok: true,
      presence,
      online: !away,
      auto_away: false,
      manual_away: away,
      connection_count: away ? 0 : 1,
      last_activity: call.state.clock.seconds(),
    };
  },
};
