// dnd.info, dnd.setSnooze, dnd.endSnooze, dnd.endDnd, dnd.teamInfo. Snoozes run on the emulator's clock;
// scheduled DND hours are not modelled, so dnd_enabled is false and next_dnd_* are 1 as Slack answers
// for a user without a schedule.

import type { JsonObject } from '../../model/json.js';
import type { Call, Handler } from '../call.js';
import { fail } from '../failure.js';
import { teamUser } from './access.js';

/** Slack documents too_long without a bound; the emulator takes up to a year. */
const MAX_SNOOZE_MINUTES = 365 * 24 * 60;

const NO_SCHEDULE = { dnd_enabled: false, next_dnd_start_ts: 1, next_dnd_end_ts: 1 } as const;

/** Epoch seconds a running snooze ends, or 0. */
function snoozeEnd(call: Call, userId: string): number {
  const end = call.state.settingsIfSet(userId)?.snoozeEnd ?? 0;
  return end > call.state.clock.seconds() ? end : 0;
}

function snoozeJson(call: Call, userId: string): JsonObject {
  const end = snoozeEnd(call, userId);
  if (end === 0) return { snooze_enabled: false };
  return {
    snooze_enabled: true,
    snooze_endtime: end,
    snooze_remaining: end - call.state.clock.seconds(),
    snooze_is_indefinite: false,
  };
}

export const dndHandlers: Record<string, Handler> = {
  'dnd.info': (call) => {
    const user = teamUser(call, call.args.text('user') ?? call.token.userId);
    const own = user.id === call.token.userId;
    return { ok: true, ...NO_SCHEDULE, ...(own ? snoozeJson(call, user.id) : {}) };
  },

  'dnd.setSnooze': (call) => {
    const minutes = call.args.int('num_minutes');
    if (minutes === undefined || minutes < 1) throw fail('missing_duration');
    if (minutes > MAX_SNOOZE_MINUTES) throw fail('too_long');
    call.state.settingsOf(call.token.userId).snoozeEnd = call.state.clock.seconds() + minutes * 60;
    return { ok: true, ...snoozeJson(call, call.token.userId) };
  },

  'dnd.endSnooze': (call) => {
    if (snoozeEnd(call, call.token.userId) === 0) throw fail('snooze_end_failed');
    call.state.settingsOf(call.token.userId).snoozeEnd = 0;
    return { ok: true, ...NO_SCHEDULE, snooze_enabled: false };
  },

  'dnd.endDnd': (call) => {
    if (snoozeEnd(call, call.token.userId) === 0) throw fail('not_in_dnd');
    call.state.settingsOf(call.token.userId).snoozeEnd = 0;
    return { ok: true };
  },

  'dnd.teamInfo': (call) => {
    const ids = call.args.list('users');
    if (ids.length === 0) throw fail('no_users_provided');
    const users: JsonObject = {};
    for (const id of ids) users[teamUser(call, id, 'user_not_visible').id] = { ...NO_SCHEDULE };
    return { ok: true, users };
  },
};
