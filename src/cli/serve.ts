// `slackline serve`: the install + events server, configured from the environment (see README).
import { parseArgs } from 'node:util';
import { InvalidArgumentError } from '../http/errors.js';
import { isLogLevel, jsonLogger, type Logger, silentLogger } from '../http/logger.js';
import { type RunningServer, startServer } from '../server/index.js';

const HELP = `usage: slackline serve [--port N] [--host H]

Serves /slack/install, /slack/oauth_redirect, /slack/events and /healthz.
Environment: SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_SCOPES, SLACK_USER_SCOPES, SLACK_SIGNING_SECRET,
SLACK_REDIRECT_URI, SLACK_API_URL, SLACK_AUTHORIZE_URL, SLACK_APP_NAME (shown on the install page)
(or SLACK_BOT_TOKEN alone for one workspace: no install page),
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
  const head = `slackline serve listening on port ${server.port}\n`;
  if (server.stores === undefined) {
    return `${head}  single-workspace mode (SLACK_BOT_TOKEN): no install page; set SLACK_CLIENT_ID and SLACK_CLIENT_SECRET to install through OAuth\n  events: ${new URL('/slack/events', server.url).href}\n`;
  }
  const key =
    server.stores.keyFile === undefined
      ? ''
      : `  tokens sealed with the key in ${server.stores.keyFile} (set SLACKLINE_ENCRYPTION_KEYS in production)\n`;
  return `${head}  store: ${server.stores.description}\n${key}  install: ${server.installUrl}\n`;
}

/**
 * A clear error for a port that is taken (instead of a raw EADDRINUSE): which port, whose it was
 * to be, and the flag that picks another. Undefined for any other error.
 */
export function portInUse(err: unknown, port: number, whose: string, flag: string): Error | undefined {
  if ((err as NodeJS.ErrnoException | undefined)?.code !== 'EADDRINUSE') return undefined;
  return new InvalidArgumentError(
    `port ${port}, for ${whose}, is in use (another slackline process still running?): stop it, or pick another port with ${flag} (0 picks a free one)`,
    { cause: err },
  );
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
  const port = Number(values.port ?? (process.env.PORT || 3000));
  let server: RunningServer;
  try {
    server = await startServer({
      port,
      ...(values.host === undefined ? {} : { host: values.host }),
      logger: loggerFromEnv(),
    });
  } catch (err) {
    throw portInUse(err, port, 'the install + events server', '--port N (or PORT)') ?? err;
  }
  process.stdout.write(describe(server));
  await untilSignal();
  await server.close();
  return 0;
}
