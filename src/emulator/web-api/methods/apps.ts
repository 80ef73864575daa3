// apps.* methods an app-level token calls: apps.connections.open (a one-time Socket Mode URL).
import type { Handler } from '../call.js';

export const appHandlers: Record<string, Handler> = {
  // The registry demands an app token with connections:write; the URL's ticket is good for one connect.
  'apps.connections.open': (call) => ({
    ok: true,
    url: call.ctx.socketMode.server().mint(call.token.appId, call.baseUrl),
  }),
};
