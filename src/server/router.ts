// The install + events routes that `serve` and `dev` run, as one web-standard handler. Events,
// interactions and slash commands share one endpoint (Slack lets one Request URL serve all three):
// /slack/events, /slack/interactions and /slack/commands are the same handler, for apps whose
// settings name three URLs.
import type { EventsHandler, HandlerContext } from '../events/handler.js';
import { RAW_ENTRY, type RawHandler, type WithRawEntry } from '../events/raw.js';
import type { Installer } from '../oauth/installer.js';
import { escapeHtml, page, pageResponse } from '../oauth/pages.js';

export interface RoutesOptions {
  installer: Installer;
  events: EventsHandler | undefined;
  /** Path prefix, default /slack. */
  prefix?: string;
  /** The name `/` shows (SLACK_APP_NAME for `serve` and `dev`). */
  appName?: string | undefined;
}

const plain = (status: number, body: string) =>
  new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' } });

const INBOUND = ['events', 'interactions', 'commands'];

/** `/`: what this server is, where to install it, the URL to give Slack for events, and health. */
function home(options: RoutesOptions, prefix: string, request: Request): Response {
  const at = (path: string) => escapeHtml(new URL(path, request.url).href);
  const name = options.appName === undefined || options.appName === '' ? 'Slack app' : options.appName;
  const install = options.installer.oauthConfigured
    ? `<p id="install">Install it into a workspace: <a href="${at(`${prefix}/install`)}">${at(`${prefix}/install`)}</a></p>`
    : '<p id="install">Single-workspace mode: this app uses the bot token from the environment (SLACK_BOT_TOKEN), so it has no install page.</p>';
  const events =
    options.events === undefined
      ? '<p id="events">Events are off: set SLACK_SIGNING_SECRET to receive them.</p>'
      : `<p id="events">Events, interactions and slash commands: <code>${at(`${prefix}/events`)}</code> (the Request URL in the app's settings)</p>`;
  const health = `<p id="health">Health: <a href="${at('/healthz')}">${at('/healthz')}</a></p>`;
  return pageResponse(200, page(name, `${install}${events}${health}`));
}

export function routes(options: RoutesOptions): (request: Request, ctx?: HandlerContext) => Promise<Response> {
  const prefix = options.prefix ?? '/slack';
  const inbound = new Set(INBOUND.map((name) => `${prefix}/${name}`));
  const handler = async (request: Request, ctx?: HandlerContext): Promise<Response> => {
    const path = new URL(request.url).pathname;
    if (path === `${prefix}/install`) return options.installer.handleInstall(request);
    if (path === `${prefix}/oauth_redirect`) return options.installer.handleCallback(request);
    if (inbound.has(path)) {
      return options.events === undefined
        ? plain(404, 'events are not configured (set SLACK_SIGNING_SECRET)\n')
        : options.events(request, ctx);
    }
    if (path === '/healthz') return plain(200, 'ok\n');
    if (path === '/' && (request.method === 'GET' || request.method === 'HEAD')) return home(options, prefix, request);
    return plain(404, 'not found\n');
  };
  // The node adapter's shortcut to the events handler for the inbound paths (see events/raw.ts).
  const events = (options.events as WithRawEntry | undefined)?.[RAW_ENTRY];
  const entry = (path: string): RawHandler | undefined => (inbound.has(path) ? events?.(path) : undefined);
  return Object.assign(handler, { [RAW_ENTRY]: entry });
}
