// `slackline serve`: the install + events server, configured from the environment (see README).
import { parseArgs } from 'node:util';
import { InvalidArgumentError } from '../http/errors.js';
import { isLogLevel, jsonLogger, type Logger, silentLogger } from '../http/logger.js';
import { type RunningServer, startServer } from '../server/index.js';

const HELP = `usage: slackline serve [--port N] [--host H]

Serves /slack/install, /slack/oauth_redirect, /slack/events and /healthz.
Environment: SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_SCOPES, SLACK_USER_SCOPES, SLACK_SIGNING_SECRET,
SLACK_REDIRECT_URI, SLACK_API_URL, SLACK_AUTHORIZE_URL (or SLACK_BOT_TOKEN alone for one workspace),
SLACKLINE_DATABASE_URL (default sqlite:./slackline.db; postgres://... for many processes),
SLACKLINE_STATE_URL (redis://...: OAuth states and event de-duplication in Redis; SLACKLINE_REDIS_PREFIX),
SLACKLINE_ENCRYPTION_KEYS, PORT (default 3000), HOST (default 0.0.0.0),
SLACKLINE_LOG_LEVEL (debug, info (default), warn, error or silent: JSON lines on stderr).
`;

/**
 * The terminal logger of `serve` and `dev`: one JSON line per record on stderr, at info unless
 * SLACKLINE_LOG_LEVEL says otherwise. Installs, failed installs and failed events are all logged.
 */
export function loggerFromEnv(env: NodeJS.ProcessEnv = process.env): Logger {
  const level = env.SLACKLINE_LOG_LEVEL || 'info';
  if (level === 'silent') return silentLogger;
  if (!isLogLevel(level)) {
    throw new InvalidArgumentError('SLACKLINE_LOG_LEVEL must be debug, info, warn, error or silent');
  }
  return jsonLogger(level);
}

export function describe(server: RunningServer): string {
  const store =
    server.stores === undefined ? 'none (single-workspace mode: SLACK_BOT_TOKEN)' : server.stores.description;
  const key =
    server.stores?.keyFile === undefined
      ? ''
      : `  tokens sealed with the key in ${server.stores.keyFile} (set SLACKLINE_ENCRYPTION_KEYS in production)\n`;
  return `slackline serve listening on port ${server.port}\n  store: ${store}\n${key}  install: ${server.installUrl}\n`;
}

/** Resolves on SIGINT or SIGTERM. */
export function untilSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { port: { type: 'string' }, host: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const server = await startServer({
    ...(values.port === undefined ? {} : { port: Number(values.port) }),
    ...(values.host === undefined ? {} : { host: values.host }),
    logger: loggerFromEnv(),
  });
  process.stdout.write(describe(server));
  await untilSignal();
  await server.close();
  return 0;
}
