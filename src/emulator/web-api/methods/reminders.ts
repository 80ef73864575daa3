// reminders.add, complete, delete, info, list (user tokens). `time` takes what Slack documents: a Unix
// timestamp, seconds from now (up to a day), or "in N seconds|minutes|hours|days". Recurring reminders
// ("every Thursday") are not modelled and answer cannot_parse.

import type { JsonObject } from '../../model/json.js';
import type { Reminder } from '../../model/model.js';
import type { Call, Handler } from '../call.js';
import { fail } from '../failure.js';
import { teamUser } from './access.js';

const DAY = 86_400;
const FIVE_YEARS = 5 * 365 * DAY;
const UNITS: Readonly<Record<string, number>> = { second: 1, minute: 60, hour: 3600, day: DAY, week: 7 * DAY };

function reminderJson(r: Reminder): JsonObject {
  return {
    id: r.id,
    creator: r.creator,
    user: r.user,
    text: r.text,
    recurring: false,
    time: r.time,
    complete_ts: r.completeTs,
  };
}

/** Epoch seconds for a `time` argument, or undefined when it cannot be read. */
export function reminderTime(raw: string, now: number): number | undefined {
  const text = raw.trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(text)) {
    const n = Math.floor(Number(text));
    return n <= DAY ? now + n : n;
  }
  const m = /^in (\d{1,6}|an?|one) (second|minute|hour|day|week)s?$/.exec(text);
  if (m === null) return undefined;
  const count = /^\d/.test(m[1] ?? '') ? Number(m[1]) : 1;
  return now + count * (UNITS[m[2] ?? ''] ?? 0);
}

/** A reminder the caller made or is reminded by; anything else is not_found. */
function ownReminder(call: Call): Reminder {
  const reminder = call.state.reminders.get(call.args.str('reminder') ?? '');
  const me = call.token.userId;
  if (
    reminder === undefined ||
    reminder.teamId !== call.token.teamId ||
    (reminder.user !== me && reminder.creator !== me)
  ) {
    throw fail('not_found');
  }
  return reminder;
}

export const reminderHandlers: Record<string, Handler> = {
  'reminders.add': (call) => {
    const { args, state, token } = call;
    const text = args.str('text') ?? '';
    if (text === '') throw fail('missing_argument');
    const userRef = args.text('user');
    if (userRef === 'USLACKBOT') throw fail('cannot_add_slackbot');
    const user = userRef === undefined ? teamUser(call, token.userId) : teamUser(call, userRef);
    if (user.isBot) throw fail('cannot_add_bot');
    if (args.text('recurrence') !== undefined) throw fail('cannot_parse');
    const now = state.clock.seconds();
    const time = reminderTime(args.str('time') ?? '', now);
    if (time === undefined || time > now + FIVE_YEARS) throw fail('cannot_parse');
    const reminder: Reminder = {
      id: state.ids.next('Rm'),
      teamId: token.teamId,
      creator: token.userId,
      user: user.id,
      text,
      time,
      completeTs: 0,
    };
    state.reminders.set(reminder.id, reminder);
    return { ok: true, reminder: reminderJson(reminder) };
  },

  'reminders.complete': (call) => {
    const reminder = ownReminder(call);
    if (reminder.user !== call.token.userId) throw fail('cannot_complete_others');
    if (reminder.completeTs === 0) reminder.completeTs = call.state.clock.seconds();
    return { ok: true };
  },

  'reminders.delete': (call) => {
    call.state.reminders.delete(ownReminder(call).id);
    return { ok: true };
  },

  'reminders.info': (call) => ({ ok: true, reminder: reminderJson(ownReminder(call)) }),

  'reminders.list': (call) => {
    const me = call.token.userId;
    const reminders = [...call.state.reminders.values()].filter(
      (r) => r.teamId === call.token.teamId && (r.user === me || r.creator === me),
    );
    return { ok: true, reminders: reminders.map(reminderJson) };
  },
};
