// users.list, users.info, users.lookupByEmail.
import type { Handler } from '../call.js';
import { fail } from '../failure.js';
import { paginate } from '../pagination.js';
import { userJson } from '../render.js';
import { canReadEmail, teamUser } from './access.js';

export const userHandlers: Record<string, Handler> = {
  'users.list': (call) => {
    const users = call.state.usersOf(call.token.teamId);
    // No limit means everything, as on Slack; cursors still work when a limit is given.
    const page = paginate(users, call.args, { kind: 'user', defaultLimit: 0, maxLimit: 0 });
    const withEmail = canReadEmail(call);
    const locale = call.args.bool('include_locale');
    return {
      ok: true,
      members: page.items.map((u) => ({
        ...userJson(u, withEmail, call.state.settingsIfSet(u.id)),
        locale: locale ? 'en-US' : undefined,
      })),
      cache_ts: call.state.clock.seconds(),
      response_metadata: { next_cursor: page.nextCursor },
    };
  },

  'users.info': (call) => {
    const user = teamUser(call, call.args.str('user'));
    const body = userJson(user, canReadEmail(call), call.state.settingsIfSet(user.id));
    if (call.args.bool('include_locale')) body.locale = 'en-US';
    return { ok: true, user: body };
  },

  'users.lookupByEmail': (call) => {
    const user = call.state.userByEmail(call.token.teamId, call.args.str('email') ?? '');
    if (user === undefined || user.deleted) throw fail('users_not_found');
    return { ok: true, user: userJson(user, true, call.state.settingsIfSet(user.id)) };
  },
};
