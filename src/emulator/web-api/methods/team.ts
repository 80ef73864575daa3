// team.preferences.list: the workspace preferences clients read before editing or deleting messages.
import type { Handler } from '../call.js';
import { fail } from '../failure.js';

/** The preferences of a new Slack workspace: unlimited edit window, deletion allowed, uploads allowed. */
const DEFAULT_PREFERENCES = {
  msg_edit_window_mins: -1,
  allow_message_deletion: true,
  display_real_names: false,
  disable_file_uploads: 'allow_all',
  who_can_post_general: 'everyone',
} as const;

export const teamHandlers: Record<string, Handler> = {
  'team.preferences.list': (call) => {
    if (!call.state.teams.has(call.token.teamId)) throw fail('invalid_team');
    return { ok: true, ...DEFAULT_PREFERENCES };
  },
};
