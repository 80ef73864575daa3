// api.test, auth.test, team.info, bots.info.

import type { JsonObject } from '../../model/json.js';
import type { Handler, PublicHandler } from '../call.js';
import { fail } from '../failure.js';
import { botJson, teamJson } from '../render.js';

export const apiTest: PublicHandler = (call) => {
  const args: JsonObject = {};
  for (const [key, value] of Object.entries(call.args.raw)) {
    if (key !== 'token' && value !== undefined) args[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  const error = call.args.text('error');
  if (error !== undefined) throw fail(error, { args });
  return { ok: true, args };
};

export const basicHandlers: Record<string, Handler> = {
  'auth.test': (call) => {
    const { token, state } = call;
    const team = state.teams.get(token.teamId);
    const user = state.users.get(token.userId);
    return {
      ok: true,
      url: `https://${team?.domain ?? 'emulator'}.slack.com/`,
      team: team?.name ?? '',
      user: user?.name ?? '',
      team_id: token.teamId,
      user_id: token.userId,
      bot_id: token.kind === 'bot' ? token.botId : undefined,
      enterprise_id: token.enterpriseId,
      is_enterprise_install: token.isEnterpriseInstall === true,
    };
  },

  'team.info': (call) => {
    const id = call.args.text('team') ?? call.token.teamId;
    const domain = call.args.text('domain');
    const team = domain ? [...call.state.teams.values()].find((t) => t.domain === domain) : call.state.teams.get(id);
    if (team === undefined || team.id !== call.token.teamId) throw fail('team_not_found');
    return { ok: true, team: teamJson(team) };
  },

  'bots.info': (call) => {
    const id = call.args.text('bot') ?? call.token.botId;
    const bot = id === undefined ? undefined : call.state.bots.get(id);
    if (bot === undefined || bot.teamId !== call.token.teamId) throw fail('bot_not_found');
    return { ok: true, bot: botJson(bot) };
  },
};
