// A user's interaction, delivered to the app as Slack delivers it: over its Socket Mode connection when
// it uses Socket Mode, else a signed, form-encoded POST to the app's interactivity URL (`payload=` with
// the JSON inside) or to the command's Request URL (the command's fields), through the one event delivery (signing, timeout), never retried. Each carries
// a fresh trigger_id and response_url. The app's answer is its ack, applied as Slack applies it.
import type { EmulatorContext } from '../context.js';
import type { DeliveryRecord } from '../events/delivery.js';
import type { AppConfig } from '../model/apps.js';
import { isObject, type Json, type JsonObject, tryParseJson } from '../model/json.js';
import type { Channel, User } from '../model/model.js';
import { interactivityOf } from './registry.js';

export class InteractionError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export interface Delivered {
  status: number | null;
  /** Why the delivery failed (http_timeout, http_error, connection_failed...); null when answered 2xx. */
  reason: string | null;
  /** The app's ack payload: parsed JSON, else the text, else null for an empty ack. */
  ack: Json;
}

export type Core = Pick<EmulatorContext, 'apps' | 'state' | 'deliveries' | 'clock'>;

export function appOf(core: Core, ref: unknown): AppConfig {
  if (ref !== undefined && typeof ref !== 'string')
    throw new InteractionError('app must be an app id or client id', 'invalid_app');
  const app = ref === undefined ? core.apps.defaultApp : core.apps.find(ref);
  if (app === undefined) throw new InteractionError(`unknown app ${ref}`, 'app_not_found', 404);
  return app;
}

export function userOf(core: Core, ref: unknown, fallback: string | undefined): User {
  const id = ref ?? fallback;
  const user = typeof id === 'string' ? core.state.users.get(id) : undefined;
  if (user === undefined) throw new InteractionError('user must name a user of the workspace', 'user_not_found', 404);
  return user;
}

/** The fields a command and an interaction share about who and where. */
export function teamFields(core: Core, user: User): { team: JsonObject; userJson: JsonObject } {
  const team = core.state.teams.get(user.teamId);
  return {
    team: { id: user.teamId, domain: team?.domain ?? 'emulator' },
    userJson: { id: user.id, username: user.name, name: user.name, team_id: user.teamId },
  };
}

/** Issues a trigger_id and a response_url for this interaction. */
export function handles(
  core: Core,
  baseUrl: string,
  kind: 'actions' | 'commands',
  app: AppConfig,
  user: User,
  channel: Channel | undefined,
  messageTs?: string,
): { trigger_id: string; response_url: string | undefined } {
  const tables = interactivityOf(core.state);
  const trigger_id = tables.trigger(app.id, user.teamId, user.id);
  if (channel === undefined) return { trigger_id, response_url: undefined };
  const path = tables.responseUrl(kind, {
    appId: app.id,
    teamId: user.teamId,
    userId: user.id,
    channelId: channel.id,
    messageTs,
  });
  return { trigger_id, response_url: `${baseUrl}${path}` };
}

/**
 * Sends an interaction or a slash command to the app and waits for its answer (at most the 3 s ack
 * timeout): over its Socket Mode connection as an `interactive` / `slash_commands` envelope when the
 * app uses Socket Mode (the ack's payload is the answer), else signed and form-encoded to `url` (a
 * command's fields as form fields, an interaction as `payload=` with the JSON inside).
 */
export async function deliverInteraction(
  core: Core,
  app: AppConfig,
  url: string | undefined,
  type: string,
  teamId: string,
  kind: 'interactive' | 'slash_commands',
  payload: JsonObject,
): Promise<Delivered> {
  let record: DeliveryRecord;
  if (core.deliveries.usesSocket(app)) {
    record = core.deliveries.send(app, payload, type, teamId, 'json', { socket: kind }) as DeliveryRecord;
  } else {
    if (url === undefined) {
      throw new InteractionError(
        `app ${app.id} has no Request URL for ${type} (nor an events URL)`,
        'no_request_url',
        409,
      );
    }
    const fields =
      kind === 'slash_commands'
        ? Object.fromEntries(Object.entries(payload).map(([k, v]): [string, string] => [k, String(v)]))
        : { payload: JSON.stringify(payload) };
    record = core.deliveries.send(app, fields, type, teamId, 'form', { url }) as DeliveryRecord;
  }
  await core.deliveries.settled(record);
  const last = record.attempts.at(-1);
  const text = (record.answer ?? '').trim();
  const parsed = text === '' ? undefined : (tryParseJson(text) as Json | undefined);
  return {
    status: last?.status ?? null,
    reason: last === undefined ? 'connection_failed' : last.reason,
    ack: parsed ?? (text === '' ? null : text),
  };
}

/** A command's or action's answer with a message: posted in the channel (in_channel) or shown to the user alone. */
export function postReply(core: Core, app: AppConfig, user: User, channel: Channel, reply: Json): JsonObject {
  const message = typeof reply === 'string' ? { text: reply } : isObject(reply) ? reply : undefined;
  if (message === undefined) return { posted: 'none' };
  const text = typeof message.text === 'string' ? message.text : '';
  const blocks = Array.isArray(message.blocks) ? (message.blocks as Json) : undefined;
  if (text === '' && blocks === undefined) return { posted: 'none' };
  if (message.response_type === 'in_channel') {
    const bot = [...core.state.bots.values()].find(
      (b) => b.appId === app.id && b.teamId === channel.teamId && !b.deleted,
    );
    const posted = core.state.addMessage(channel, {
      userId: bot?.userId,
      botId: bot?.id,
      appId: app.id,
      text,
      blocks,
      threadTs: typeof message.thread_ts === 'string' ? message.thread_ts : undefined,
    });
    return { posted: 'in_channel', ts: posted.ts };
  }
  interactivityOf(core.state).addEphemeral({ channel_id: channel.id, user_id: user.id, app_id: app.id, text, blocks });
  return { posted: 'ephemeral' };
}
