// The install + events routes that `serve` and `dev` run, as one web-standard handler.
import type { EventsHandler } from '../events/handler.js';
import type { Installer } from '../oauth/installer.js';

export interface RoutesOptions {
  installer: Installer;
  events: EventsHandler | undefined;
  /** Path prefix, default /slack. */
  prefix?: string;
}

const plain = (status: number, body: string) =>
  new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' } });

export function routes(options: RoutesOptions): (request: Request) => Promise<Response> {
  const prefix = options.prefix ?? '/slack';
  return async (request) => {
    const path = new URL(request.url).pathname;
    if (path === `${prefix}/install`) return options.installer.handleInstall(request);
    if (path === `${prefix}/oauth_redirect`) return options.installer.handleCallback(request);
    if (path === `${prefix}/events`) {
      return options.events === undefined
        ? plain(404, 'events are not configured (set SLACK_SIGNING_SECRET)\n')
        : options.events(request);
    }
    if (path === '/healthz') return plain(200, 'ok\n');
    return plain(404, 'not found\n');
  };
}
