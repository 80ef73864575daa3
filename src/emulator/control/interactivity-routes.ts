// Control routes that act as a user in the Slack client: run a slash command, press a button of a
// posted Block Kit message, submit a modal. Each is delivered to the app over its Socket Mode
// connection when it uses Socket Mode, else signed and form-encoded (interactivity/deliver.ts) and answers with what the app acked and what Slack did with it.
import type { EmulatorContext } from '../context.js';
import { jsonReply } from '../http/transport.js';
import {
  appOf,
  deliverInteraction,
  handles,
  InteractionError,
  postReply,
  teamFields,
  userOf,
} from '../interactivity/deliver.js';
import { interactivityOf } from '../interactivity/registry.js';
import { isObject, type Json, type JsonObject } from '../model/json.js';
import { messageJson, viewJson } from '../web-api/render.js';
import { ControlError, type ControlRoute, type ControlRoutes } from './router.js';

const optionalText = (value: unknown, what: string): string | undefined => {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > 4000) throw new ControlError(`${what} must be a string`);
  return value;
};
const requiredText = (value: unknown, what: string): string => {
  const text = optionalText(value, what);
  if (text === undefined || text === '') throw new ControlError(`${what} is required`);
  return text;
};

/** Turns the delivery's refusals into the control API's one error answer. */
const guarded =
  (route: ControlRoute): ControlRoute =>
  async (core, input) => {
    try {
      return await route(core, input);
    } catch (error) {
      if (error instanceof InteractionError) throw new ControlError(error.message, error.code, error.status);
      throw error;
    }
  };

function channelOf(core: EmulatorContext, ref: string | undefined, teamId: string) {
  const channel = ref === undefined ? core.state.channelByName(teamId, 'general') : core.channel(ref);
  if (channel === undefined) throw new ControlError('channel not found', 'channel_not_found', 404);
  return channel;
}

/** The element with this action_id in a message's blocks (actions elements, section accessories). */
function elementOf(blocks: Json | undefined, actionId: string): { block_id: string; element: JsonObject } | undefined {
  for (const block of Array.isArray(blocks) ? blocks : []) {
    if (!isObject(block)) continue;
    const candidates = [...(Array.isArray(block.elements) ? block.elements : []), block.accessory, block.element];
    for (const element of candidates) {
      if (isObject(element) && element.action_id === actionId) {
        return { block_id: typeof block.block_id === 'string' ? block.block_id : '', element };
      }
    }
  }
  return undefined;
}

export const interactivityRoutes: ControlRoutes = {
  /** { command, text?, user?, channel?, app? }: as if the user typed the command in the channel. */
  'POST interactivity/command': guarded(async (core, input) => {
    const body = await input.json();
    const app = appOf(core, body.app);
    const command = requiredText(body.command, 'command');
    if (!(command in app.commands)) {
      throw new ControlError(`app ${app.id} has no slash command ${command}`, 'command_not_found', 404);
    }
    const user = userOf(core, body.user, core.workspace.userId);
    const channel = channelOf(core, optionalText(body.channel, 'channel'), user.teamId);
    const { team } = teamFields(core, user);
    const { trigger_id, response_url } = handles(core, input.req.baseUrl, 'commands', app, user, channel);
    const fields: Record<string, string> = {
      token: app.verificationToken,
      team_id: user.teamId,
      team_domain: String(team.domain),
      channel_id: channel.id,
      channel_name: channel.name,
      user_id: user.id,
      user_name: user.name,
      command,
      text: optionalText(body.text, 'text') ?? '',
      api_app_id: app.id,
      is_enterprise_install: 'false',
      response_url: response_url ?? '',
      trigger_id,
    };
    const url = app.commands[command] ?? app.eventsUrl;
    const delivered = await deliverInteraction(core, app, url, 'slash_command', user.teamId, 'slash_commands', fields);
    const reply = delivered.reason === null ? postReply(core, app, user, channel, delivered.ack) : { posted: 'none' };
    return jsonReply(200, { ok: true, ...delivered, ...reply, trigger_id, response_url: response_url ?? null });
  }),

  /** { channel, ts, action_id, user?, value?, app? }: as if the user pressed the element in that message. */
  'POST interactivity/action': guarded(async (core, input) => {
    const body = await input.json();
    const user = userOf(core, body.user, core.workspace.userId);
    const channel = channelOf(core, requiredText(body.channel, 'channel'), user.teamId);
    const ts = requiredText(body.ts, 'ts');
    const message = channel.byTs.get(ts);
    if (message === undefined) throw new ControlError('message not found', 'message_not_found', 404);
    // Slack sends the action to the app that posted the message.
    const app = appOf(core, body.app ?? message.appId);
    const actionId = requiredText(body.action_id, 'action_id');
    const found = elementOf(message.blocks, actionId);
    if (found === undefined) throw new ControlError(`no element with action_id ${actionId}`, 'action_not_found', 404);
    const { team, userJson } = teamFields(core, user);
    const { trigger_id, response_url } = handles(core, input.req.baseUrl, 'actions', app, user, channel, ts);
    const value = optionalText(body.value, 'value') ?? found.element.value;
    const action: JsonObject = {
      action_id: actionId,
      block_id: found.block_id,
      type: typeof found.element.type === 'string' ? found.element.type : 'button',
      action_ts: `${core.clock.seconds()}.000000`,
      ...(isObject(found.element.text) ? { text: found.element.text } : {}),
      ...(typeof value === 'string' ? { value } : {}),
    };
    const payload: JsonObject = {
      type: 'block_actions',
      user: userJson,
      api_app_id: app.id,
      token: app.verificationToken,
      container: { type: 'message', message_ts: ts, channel_id: channel.id, is_ephemeral: false },
      trigger_id,
      team,
      enterprise: null,
      is_enterprise_install: false,
      channel: { id: channel.id, name: channel.name },
      message: messageJson(core.state, message, input.req.baseUrl),
      state: { values: {} },
      response_url: response_url ?? null,
      actions: [action],
    };
    const delivered = await deliverInteraction(
      core,
      app,
      app.interactivityUrl ?? app.eventsUrl,
      'block_actions',
      user.teamId,
      'interactive',
      payload,
    );
    return jsonReply(200, { ok: true, ...delivered, trigger_id, response_url: response_url ?? null });
  }),

  /** { view_id, values? }: as if the view's user pressed Submit; `values` is the view's state.values. */
  'POST interactivity/view-submission': guarded(async (core, input) => {
    const body = await input.json();
    const viewId = requiredText(body.view_id, 'view_id');
    const view = core.state.views.get(viewId);
    if (view === undefined || view.type !== 'modal')
      throw new ControlError('no open modal with that id', 'view_not_found', 404);
    if (body.values !== undefined && !isObject(body.values)) throw new ControlError('values must be an object');
    const app = appOf(core, view.appId);
    const user = userOf(core, view.userId, undefined);
    const { team, userJson } = teamFields(core, user);
    const { trigger_id } = handles(core, input.req.baseUrl, 'actions', app, user, undefined);
    const payload: JsonObject = {
      type: 'view_submission',
      team,
      user: userJson,
      api_app_id: app.id,
      token: app.verificationToken,
      trigger_id,
      view: { ...viewJson(view), state: { values: (body.values ?? {}) as Json } },
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
    };
    const delivered = await deliverInteraction(
      core,
      app,
      app.interactivityUrl ?? app.eventsUrl,
      'view_submission',
      user.teamId,
      'interactive',
      payload,
    );
    // Slack keeps the modal open on errors (and on a failed delivery); an empty ack closes it.
    const ack = isObject(delivered.ack) ? delivered.ack : {};
    // `clear` (or nothing) closes it; `errors`, `update` and `push` keep a modal open.
    const closed = delivered.reason === null && (ack.response_action === undefined || ack.response_action === 'clear');
    if (delivered.reason === null && ack.response_action === 'update' && isObject(ack.view)) {
      view.body = ack.view as typeof view.body;
    }
    if (closed) core.state.views.delete(view.id);
    return jsonReply(200, { ok: true, ...delivered, closed, trigger_id });
  }),

  /**
   * { user?, app? }: a trigger_id as the user's click on a global shortcut would issue it (valid for
   * one views.open or views.push within 3 s of emulator time), for tests that call views.open alone.
   */
  'POST interactivity/trigger': guarded(async (core, input) => {
    const body = await input.json();
    const app = appOf(core, body.app);
    const user = userOf(core, body.user, core.workspace.userId);
    return jsonReply(200, {
      ok: true,
      trigger_id: handles(core, input.req.baseUrl, 'actions', app, user, undefined).trigger_id,
    });
  }),

  /** Ephemeral answers (command acks and response_url posts not in_channel), oldest first. */
  'GET interactivity/ephemeral': async (core) => {
    return jsonReply(200, { ok: true, messages: interactivityOf(core.state).ephemeral.map((m) => ({ ...m })) });
  },
};
