// Control routes of the audit log: how many entries it holds, and generating a large log quickly
// (POST /_emulator/audit/generate with a JSON body; the router's guard requires application/json).

import { ControlError, type ControlRoutes } from '../control/router.js';
import { jsonReply } from '../http/transport.js';
import { generateEntries, knownActions } from './entries.js';
import { auditLogOf, MAX_ENTRIES } from './log.js';

function count(value: unknown): number {
  if (value === undefined) return 1000;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_ENTRIES) {
    throw new ControlError(`count must be an integer from 1 to ${MAX_ENTRIES}`);
  }
  return value;
}

function actions(value: unknown): string[] {
  if (value === undefined) return ['user_login', 'user_logout'];
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || list.length > 100) {
    throw new ControlError('actions must be an action name or a list of 1 to 100 of them');
  }
  for (const a of list) {
    if (typeof a !== 'string' || !knownActions().has(a)) {
      throw new ControlError(`unknown audit action ${JSON.stringify(String(a).slice(0, 100))}`);
    }
  }
  return list as string[];
}

export const auditControlRoutes: ControlRoutes = {
  'GET audit': async (core) => {
    const log = auditLogOf(core.state);
    return jsonReply(200, { ok: true, size: log.size, next_seq: log.nextSeq });
  },
  'POST audit/generate': async (core, input) => {
    const body = await input.json();
    const team = body.team ?? core.oauth.enterprises.values().next().value?.teamIds[0] ?? core.workspace.teamId;
    if (typeof team !== 'string' || !core.state.teams.has(team)) throw new ControlError('team must be a known team id');
    const step = body.step_ms ?? 1000;
    if (typeof step !== 'number' || !Number.isInteger(step) || step < 0 || step > 86_400_000) {
      throw new ControlError('step_ms must be an integer from 0 to 86400000');
    }
    const added = generateEntries(core, {
      count: count(body.count),
      actions: actions(body.actions),
      teamId: team,
      stepMs: step,
    });
    return jsonReply(200, {
      ok: true,
      first_seq: added.firstSeq,
      count: added.count,
      size: auditLogOf(core.state).size,
    });
  },
};
