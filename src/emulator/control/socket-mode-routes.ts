// Control routes for Socket Mode: see an app's connections, make the server misbehave the ways Slack
// can (a `disconnect` with any reason, a silent drop, pings left unanswered), and send an envelope
// (a slash command, an interaction, an event) over the app's socket, answering with its ack.
import type { EmulatorContext } from '../context.js';
import { jsonReply } from '../http/transport.js';
import { isObject, type JsonObject } from '../model/json.js';
import type { EnvelopeKind } from '../socket-mode/server.js';
import { ControlError, type ControlRoutes } from './router.js';

const KINDS: readonly EnvelopeKind[] = ['events_api', 'interactive', 'slash_commands'];
/** Disconnect reasons are echoed into a WebSocket frame: a short word is all Slack ever sends. */
const REASON = /^[a-z_]{1,64}$/;

function appOf(core: EmulatorContext, body: Record<string, unknown>): string {
  const ref = body.app_id ?? core.app.id;
  if (typeof ref !== 'string') throw new ControlError('app_id must be a string');
  const app = core.apps.find(ref);
  if (app === undefined) throw new ControlError(`unknown app ${ref.slice(0, 80)}`);
  return app.id;
}

export const socketModeRoutes: ControlRoutes = {
  'GET socket-mode': async (core, input) => {
    const appId = appOf(core, { app_id: input.params.get('app_id') ?? undefined });
    return jsonReply(200, {
      ok: true,
      app_id: appId,
      connections: core.socketMode.connections(appId),
      socket_mode: core.socketMode.uses(appId),
    });
  },
  'POST socket-mode': async (core, input) => {
    const body = await input.json();
    const appId = appOf(core, body);
    const server = core.socketMode.server();
    switch (body.action) {
      case 'disconnect': {
        const reason = body.reason ?? 'refresh_requested';
        if (typeof reason !== 'string' || !REASON.test(reason))
          throw new ControlError('reason must be a word like warning');
        return jsonReply(200, { ok: true, connections: server.disconnect(appId, reason) });
      }
      case 'drop':
        return jsonReply(200, { ok: true, connections: server.drop(appId) });
      case 'pings': {
        if (typeof body.on !== 'boolean') throw new ControlError('on must be a boolean');
        server.answerPings(appId, body.on);
        return jsonReply(200, { ok: true });
      }
      case 'deliver': {
        const type = body.type;
        if (typeof type !== 'string' || !(KINDS as readonly string[]).includes(type)) {
          throw new ControlError(`type must be one of ${KINDS.join(', ')}`);
        }
        if (!isObject(body.payload)) throw new ControlError('payload must be a JSON object');
        const result = await server.deliver(appId, type as EnvelopeKind, body.payload as JsonObject);
        return jsonReply(200, {
          ok: true,
          acked: result.acked,
          attempts: result.attempts,
          payload: (result.payload ?? null) as JsonObject | null,
        });
      }
      default:
        throw new ControlError('action must be disconnect, drop, pings or deliver');
    }
  },
};
