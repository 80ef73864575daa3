// The install + events server that `slackline serve` and `slackline dev` run: configuration from the
// environment, the stores, the Installer and the events endpoint on one node:http server.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Dispatcher } from '../events/dispatcher.js';
import { createEventsHandler, type EventEnvelope } from '../events/handler.js';
import { type Clock, systemClock } from '../http/clock.js';
import { InvalidArgumentError } from '../http/errors.js';
import { checkLogger, type Logger, loggerWithSecrets } from '../http/logger.js';
import type { InstallationAuthority } from '../oauth/authorize.js';
import type { NewInstallation } from '../oauth/from-oauth.js';
import { Installer } from '../oauth/installer.js';
import { WebClient } from '../web/client.js';
import { type ServerLimits, serverLimits } from './limits.js';
import { nodeListener } from './node.js';
import { routes } from './router.js';
import { type OpenStores, openStores } from './stores.js';

export { DEFAULT_SERVER_LIMITS, type ServerLimits } from './limits.js';
export {
  DEFAULT_MAX_PENDING_BODY_BYTES,
  type NodeListenerOptions,
  nodeListener,
  sendResponse,
  toRequest,
  type WebHandler,
} from './node.js';
export { routes } from './router.js';
export { DEFAULT_DATABASE_URL, type OpenStores, openStores } from './stores.js';

export interface ServeOptions {
  env?: NodeJS.ProcessEnv;
  /** Default $PORT or 3000; 0 picks a free port. */
  port?: number;
  /** Default $HOST or 0.0.0.0. */
  host?: string;
  onEvent?: (envelope: EventEnvelope) => unknown;
  /**
   * Gets events, interactions and slash commands on /slack/events (also /slack/interactions and
   * /slack/commands). A function is given the server's authority and client, to build the Dispatcher
   * with them. Default an empty Dispatcher: every interaction and command gets an empty ack.
   */
  dispatcher?: Dispatcher | ((parts: { authority: InstallationAuthority; client: WebClient }) => Dispatcher);
  /** Called after a completed install is saved; its failure is logged, the install stands. */
  onInstalled?: (installation: NewInstallation) => unknown;
  /** Called with every failure after it is logged. */
  onError?: (err: unknown) => void;
  /** pino-compatible; shared by the server, the Installer and the events handler. Default silent. */
  logger?: Logger;
  /** Default the system clock. */
  clock?: Clock;
  /** Deadlines and caps against slow or flooding clients (defaults in DEFAULT_SERVER_LIMITS). */
  limits?: Partial<ServerLimits>;
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
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError('startServer: port (or $PORT) must be a whole number from 0 to 65535');
  }
  checkLogger(options.logger, 'startServer');
  const limits = serverLimits(options.limits);
  const clock = options.clock ?? systemClock;
  const secretNames = ['SLACK_CLIENT_SECRET', 'SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACKLINE_ENCRYPTION_KEYS'];
  const logger = loggerWithSecrets(
    options.logger,
    secretNames.flatMap((name) => list(env[name])),
  );
  const onError = (err: unknown) => {
    logger.error({ reason: 'handler_threw', error: err }, 'request failed: handler_threw');
    options.onError?.(err);
  };
  const client = new WebClient(undefined, { ...(env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {}) });
  const clientId = env.SLACK_CLIENT_ID || undefined;
  const singleToken = env.SLACK_BOT_TOKEN || undefined;
  let stores: OpenStores | undefined;
  let installer: Installer;
  let dispatcher: Dispatcher;
  // Node checks its deadlines on this interval (30 s by default): seconds-long deadlines need a shorter one.
  const server = http.createServer({ connectionsCheckingInterval: limits.checkIntervalMs });
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.maxConnections = limits.maxConnections;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;
  const redirectUri = env.SLACK_REDIRECT_URI || `http://localhost:${actualPort}/slack/oauth_redirect`;
  const base = new URL('/', redirectUri).href;
  const common = {
    client,
    clock,
    logger,
    ...(options.onInstalled === undefined ? {} : { onInstalled: options.onInstalled }),
  };
  try {
    if (clientId === undefined) {
      if (singleToken === undefined) {
        throw new InvalidArgumentError(
          'set SLACK_CLIENT_ID and SLACK_CLIENT_SECRET (OAuth) or SLACK_BOT_TOKEN (one workspace)',
        );
      }
      installer = new Installer({ botToken: singleToken, ...common });
    } else {
      const clientSecret = env.SLACK_CLIENT_SECRET;
      if (!clientSecret) throw new InvalidArgumentError('SLACK_CLIENT_SECRET is required with SLACK_CLIENT_ID');
      stores = await openStores(env, { logger });
      if (stores.development) {
        logger.warn(
          { event: 'memory_store', store: stores.description },
          'SLACKLINE_DATABASE_URL=memory: is for development: installations and states vanish on exit, one process only',
        );
      }
      installer = new Installer({
        clientId,
        clientSecret,
        scopes: list(env.SLACK_SCOPES || 'chat:write'),
        userScopes: list(env.SLACK_USER_SCOPES),
        redirectUri,
        installationStore: stores.installations,
        stateStore: stores.states,
        ...common,
        ...(env.SLACK_AUTHORIZE_URL ? { authorizeUrl: env.SLACK_AUTHORIZE_URL } : {}),
        ...(env.SLACKLINE_SUCCESS_URL ? { successUrl: env.SLACKLINE_SUCCESS_URL } : {}),
        ...(env.SLACK_APP_NAME ? { appName: env.SLACK_APP_NAME } : {}),
      });
    }
    const parts = { authority: installer.authority, client };
    dispatcher =
      typeof options.dispatcher === 'function'
        ? options.dispatcher(parts)
        : (options.dispatcher ?? new Dispatcher({ ...parts, logger }));
  } catch (err) {
    server.close();
    await stores?.close();
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
          clock,
          logger,
          maxBodyBytes: limits.maxBodyBytes,
          dispatcher,
          ...(stores === undefined ? {} : { dedupe: stores.dedupe }),
          ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
          ...(options.onError === undefined ? {} : { onError: options.onError }),
        });
  if (events === undefined) {
    logger.warn({ event: 'events_off' }, 'SLACK_SIGNING_SECRET is not set: /slack/events answers 404');
  }
  server.on(
    'request',
    nodeListener(routes({ installer, events, appName: env.SLACK_APP_NAME || undefined }), base, {
      onError,
      logger,
      clock,
      maxBodyBytes: limits.maxBodyBytes,
      maxPendingBodyBytes: limits.maxPendingBodyBytes,
    }),
  );
  logger.info(
    { event: 'listening', port: actualPort, store: stores?.description ?? 'none (SLACK_BOT_TOKEN)' },
    `listening on port ${actualPort}`,
  );
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
      await installer.authority.settled(); // refreshes behind lookups write to the store
      await stores?.close();
      client.core.close();
    },
  };
}
