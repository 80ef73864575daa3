// views.open, views.push, views.update, views.publish.

import { interactivityOf } from '../../interactivity/registry.js';
import { randomAlnum } from '../../model/ids.js';
import { isObject, type Json } from '../../model/json.js';
import type { View } from '../../model/model.js';
import type { Call, Handler } from '../call.js';
import { fail, invalidArguments } from '../failure.js';
import { viewJson } from '../render.js';
import { teamUser } from './access.js';

// Slack's trigger ids look like "12345.98765.abcd2358fdea"; anything else cannot have come from Slack.
const TRIGGER_ID = /^\d+\.\d+\.[0-9a-f]+$/i;

/** The `view` argument, checked for the fields Slack reports missing (with its json-pointer messages). */
function viewBody(call: Call, allowed: readonly string[]): Record<string, Json | undefined> {
  const view = call.args.json('view', 'invalid_arguments');
  if (!isObject(view)) throw invalidArguments(['[ERROR] missing required field: view']);
  const missing: string[] = [];
  if (typeof view.type !== 'string') missing.push('type');
  if (view.type === 'modal' && !isObject(view.title)) missing.push('title');
  if (!Array.isArray(view.blocks)) missing.push('blocks');
  if (missing.length > 0) {
    throw invalidArguments(missing.map((f) => `[ERROR] missing required field: ${f} [json-pointer:/view]`));
  }
  if (!allowed.includes(String(view.type))) {
    throw invalidArguments([`[ERROR] must be one of ${allowed.join(', ')} [json-pointer:/view/type]`]);
  }
  if (JSON.stringify(view).length > 250_000) throw fail('view_too_large');
  return view as Record<string, Json | undefined>;
}

function requireTrigger(call: Call): string {
  const trigger = call.args.text('trigger_id') ?? call.args.text('interactivity_pointer');
  if (trigger === undefined) throw invalidArguments(['[ERROR] missing required field: trigger_id']);
  if (!TRIGGER_ID.test(trigger)) throw fail('invalid_trigger_id');
  return trigger;
}

/**
 * Opens a modal on a trigger that an interaction issued to this app: once, within 3 s of emulator
 * time. The view is checked first, so a malformed view does not burn the trigger.
 */
function openOnTrigger(call: Call): View {
  const trigger = requireTrigger(call);
  const body = viewBody(call, ['modal']);
  const spent = interactivityOf(call.state).exchange(trigger, call.token.appId);
  if (typeof spent === 'string') throw fail(spent);
  return store(call, spent.userId, body);
}

function newHash(call: Call): string {
  return `${call.state.clock.seconds()}.${randomAlnum(8)}`;
}

function store(call: Call, userId: string, body: Record<string, Json | undefined>, previous?: View): View {
  const { state, token } = call;
  const externalId = typeof body.external_id === 'string' && body.external_id !== '' ? body.external_id : undefined;
  if (externalId !== undefined) {
    for (const other of state.views.values()) {
      if (other.externalId === externalId && other.id !== previous?.id) throw fail('duplicate_external_id');
    }
  }
  const id = previous?.id ?? state.ids.next('V');
  const view: View = {
    id,
    teamId: token.teamId,
    userId,
    type: String(body.type),
    body,
    externalId,
    hash: newHash(call),
    rootViewId: previous?.rootViewId ?? id,
    previousViewId: previous?.previousViewId,
    appId: token.appId,
    botId: token.botId,
  };
  state.views.set(id, view);
  return view;
}

export const viewHandlers: Record<string, Handler> = {
  'views.open': (call) => {
    const view = openOnTrigger(call);
    return { ok: true, view: viewJson(view) };
  },

  'views.push': (call) => {
    const view = openOnTrigger(call);
    return { ok: true, view: viewJson(view) };
  },

  'views.update': (call) => {
    const id = call.args.text('view_id');
    const externalId = call.args.text('external_id');
    if (id === undefined && externalId === undefined) {
      throw invalidArguments(['[ERROR] missing required field: view_id']);
    }
    const existing = [...call.state.views.values()].find(
      (v) => v.teamId === call.token.teamId && (id !== undefined ? v.id === id : v.externalId === externalId),
    );
    if (existing === undefined) throw fail('not_found');
    const hash = call.args.text('hash');
    if (hash !== undefined && hash !== existing.hash) throw fail('hash_conflict');
    const view = store(call, existing.userId, viewBody(call, [existing.type]), existing);
    return { ok: true, view: viewJson(view) };
  },

  'views.publish': (call) => {
    const user = teamUser(call, call.args.str('user_id'));
    const body = viewBody(call, ['home']);
    const existing = [...call.state.views.values()].find(
      (v) => v.type === 'home' && v.userId === user.id && v.appId === call.token.appId,
    );
    const hash = call.args.text('hash');
    if (hash !== undefined && existing !== undefined && hash !== existing.hash) throw fail('hash_conflict');
    const view = store(call, user.id, body, existing);
    return { ok: true, view: viewJson(view) };
  },
};
