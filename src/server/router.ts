// The install + events routes that `serve` and `dev` run, as one web-standard handler. Events,
// interactions and slash commands share one endpoint (Slack lets one Request URL serve all three):
// /slack/events, /slack/interactions and /slack/commands are the same handler, for apps whose
// settings name three URLs.
import type { EventsHandler, HandlerContext } from '../events/handler.js';
import type { Installer } from '../oauth/installer.js';

export interface RoutesOptions {
  installer: Installer;
  events: EventsHandler | undefined;
  /** Path prefix, default /slack. */
  prefix?: string;
}

const plain = (status: number, body: string) =>
  new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' } });

const INBOUND = ['events', 'interactions', 'commands'];

export function routes(options: RoutesOptions): (request: Request, ctx?: HandlerContext) => Promise<Response> {
  const prefix = options.prefix ?? '/slack';
  const inbound = new Set(INBOUND.map((name) => `${prefix}/${name}`));
  return async (request, ctx) => {
    const path = new URL(request.url).pathname;
    if (path === `${prefix}/install`) return options.installer.handleInstall(request);
    if (path === `${prefix}/oauth_redirect`) return options.installer.handleCallback(request);
    if (inbound.has(path)) {
      return options.events === undefined
        ? plain(404, 'events are not configured (set SLACK_SIGNING_SECRET)\n')
        : options.events(request, ctx);
    }
    if (path === '/healthz') return plain(200, 'ok\n');
    return plain(404, 'not found\n');
  };
}
