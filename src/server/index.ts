// The install + events server that `slackline serve` and `slackline dev` run: configuration from the
// environment, the stores, the Installer and the events endpoint on one node:http server.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEventsHandler, type EventEnvelope } from '../events/handler.js';
import { Installer } from '../oauth/installer.js';
import { WebClient } from '../web/client.js';
import { nodeListener } from './node.js';
import { routes } from './router.js';
import { type OpenStores, openStores } from './stores.js';

export { nodeListener, sendResponse, toRequest, type WebHandler } from './node.js';
export { routes } from './router.js';
export { DEFAULT_DATABASE_URL, type OpenStores, openStores } from './stores.js';

export interface ServeOptions {
  env?: NodeJS.ProcessEnv;
  /** Default $PORT or 3000; 0 picks a free port. */
  port?: number;
  /** Default $HOST or 0.0.0.0. */
  host?: string;
  onEvent?: (envelope: EventEnvelope) => unknown;
  onError?: (err: unknown) => void;
}

export interface RunningServer {
  /** e.g. http://localhost:3000/ (the public base of SLACK_REDIRECT_URI when set). */
  url: string;
  installUrl: string;
  port: number;
  installer: Installer;
  stores: OpenStores | undefined;
  client: WebClient;
  close(): Promise<void>;
}

const list = (value: string | undefined) =>
  (value ?? '')
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');

export async function startServer(options: ServeOptions = {}): Promise<RunningServer> {
  const env = options.env ?? process.env;
  const port = options.port ?? Number(env.PORT || 3000);
  const host = options.host ?? (env.HOST || '0.0.0.0');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('PORT must be a port number');
  const client = new WebClient(undefined, { ...(env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {}) });
  const clientId = env.SLACK_CLIENT_ID || undefined;
  const singleToken = env.SLACK_BOT_TOKEN || undefined;
  let stores: OpenStores | undefined;
  let installer: Installer;
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;
  const redirectUri = env.SLACK_REDIRECT_URI || `http://localhost:${actualPort}/slack/oauth_redirect`;
  const base = new URL('/', redirectUri).href;
  try {
    if (clientId === undefined) {
      if (singleToken === undefined)
        throw new Error('set SLACK_CLIENT_ID and SLACK_CLIENT_SECRET (OAuth) or SLACK_BOT_TOKEN (one workspace)');
      installer = new Installer({ botToken: singleToken, client });
    } else {
      const clientSecret = env.SLACK_CLIENT_SECRET;
      if (!clientSecret) throw new Error('SLACK_CLIENT_SECRET is required with SLACK_CLIENT_ID');
      stores = await openStores(env);
      installer = new Installer({
        clientId,
        clientSecret,
        scopes: list(env.SLACK_SCOPES || 'chat:write'),
        userScopes: list(env.SLACK_USER_SCOPES),
        redirectUri,
        installationStore: stores.installations,
        stateStore: stores.states,
        client,
        ...(env.SLACK_AUTHORIZE_URL ? { authorizeUrl: env.SLACK_AUTHORIZE_URL } : {}),
        ...(env.SLACKLINE_SUCCESS_URL ? { successUrl: env.SLACKLINE_SUCCESS_URL } : {}),
      });
    }
  } catch (err) {
    server.close();
    client.core.close();
    throw err;
  }
  const secrets = list(env.SLACK_SIGNING_SECRET);
  const events =
    secrets.length === 0
      ? undefined
      : createEventsHandler({
          signingSecret: secrets,
          authority: installer.authority,
          ...(stores === undefined ? {} : { dedupe: stores.dedupe }),
          ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
          ...(options.onError === undefined ? {} : { onError: options.onError }),
        });
  server.on('request', nodeListener(routes({ installer, events }), base, options.onError));
  return {
    url: base,
    installUrl: new URL('/slack/install', base).href,
    port: actualPort,
    installer,
    stores,
    client,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await events?.idle();
      await stores?.close();
      client.core.close();
    },
  };
}
