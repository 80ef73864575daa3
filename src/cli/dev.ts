// `slackline dev` (what `npm start` runs): the emulator plus `serve` pointed at it, with a demo app
// whose redirect and events URLs are this server's. Open the printed install URL, click Add to
// Slack, Allow, and the token is in the store; `--headless` does the clicking itself (tests, CI).
import { parseArgs } from 'node:util';
import { startEmulator } from '../emulator/index.js';
import { SlacklineError } from '../http/errors.js';
import type { NewInstallation } from '../oauth/from-oauth.js';
import { startServer } from '../server/index.js';
import { DEFAULT_DATABASE_URL } from '../server/stores.js';
import { printable } from './installations.js';
import { loggerFromEnv, portInUse, untilSignal } from './serve.js';

const HELP = `usage: slackline dev [--port N] [--emulator-port N] [--headless] [--json]

  --port N           the app server (default $PORT or 3000; 0 picks one)
  --emulator-port N  the local Slack (default 3001; 0 picks one)
  --headless         approve one install through the real flow, without a browser, then keep running
  --json             print one JSON line with the URLs instead of the banner
Store: SLACKLINE_DATABASE_URL (default sqlite:./slackline.db, the same default as installations, serve
and api --team, so they find what dev installed).
Logs: JSON lines on stderr at SLACKLINE_LOG_LEVEL (default info): installs, failed installs, failed events.
`;

export const DEV_SCOPES = 'chat:write,channels:read,channels:history,users:read';

export async function devCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      'emulator-port': { type: 'string' },
      headless: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const port = Number(values.port ?? (process.env.PORT || 3000));
  const emulatorPort = Number(values['emulator-port'] ?? 3001);
  const logger = loggerFromEnv();
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  try {
    emulator = await startEmulator({ port: emulatorPort });
  } catch (err) {
    throw portInUse(err, emulatorPort, 'the local Slack (the emulator)', '--emulator-port N') ?? err;
  }
  const scopes = process.env.SLACK_SCOPES || DEV_SCOPES;
  // The server's port is known once it listens (port 0), so the app's URLs are set right after.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SLACK_CLIENT_ID: emulator.clientId,
    SLACK_CLIENT_SECRET: emulator.clientSecret,
    SLACK_SIGNING_SECRET: emulator.signingSecret,
    SLACK_API_URL: emulator.apiUrl,
    SLACK_AUTHORIZE_URL: `${emulator.url}oauth/v2/authorize`,
    SLACK_SCOPES: scopes,
    SLACK_APP_NAME: process.env.SLACK_APP_NAME || emulator.install.app().name,
    SLACKLINE_DATABASE_URL: process.env.SLACKLINE_DATABASE_URL || DEFAULT_DATABASE_URL,
  };
  delete env.SLACK_BOT_TOKEN;
  delete env.SLACK_REDIRECT_URI;
  const database = env.SLACKLINE_DATABASE_URL as string;
  const postCommand = (teamId: string) =>
    `SLACK_API_URL=${emulator.apiUrl}${database === DEFAULT_DATABASE_URL ? '' : ` SLACKLINE_DATABASE_URL=${database}`} \\\n` +
    `    npx slackline api chat.postMessage channel=general text=hello --team ${teamId}`;
  const keepsNothing = database === 'memory:';
  // A human line on stdout per completed install (the JSON log line goes to stderr as well).
  const onInstalled = values.json
    ? undefined
    : (installation: NewInstallation) => {
        const id = installation.teamId ?? installation.enterpriseId ?? '';
        const name = installation.teamName ?? installation.enterpriseName;
        process.stdout.write(
          `\ninstalled into ${name === undefined ? id : `${printable(name)} (${id})`}.` +
            (keepsNothing
              ? ' (memory: the token lives in this process only)\n'
              : ` Post with it:\n  ${postCommand(id)}\n`),
        );
      };
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer({
      env,
      port,
      host: '127.0.0.1',
      logger,
      ...(onInstalled === undefined ? {} : { onInstalled }),
    });
  } catch (err) {
    await emulator.close();
    throw portInUse(err, port, "your app's install server", '--port N (or PORT)') ?? err;
  }
  emulator.install.configureApp(emulator.clientId, {
    redirectUrls: [new URL('/slack/oauth_redirect', server.url).href],
    eventsUrl: new URL('/slack/events', server.url).href,
    botScopes: scopes.split(','),
  });
  const info = {
    installUrl: server.installUrl,
    emulatorUrl: emulator.url,
    apiUrl: emulator.apiUrl,
    database,
    keyFile: server.stores?.keyFile,
    teamId: emulator.workspace.teamId,
  };
  let headless: string | undefined;
  if (values.headless) {
    headless = await headlessInstall(server.installUrl, emulator);
    Object.assign(info, { headlessInstall: headless });
  }
  if (values.json) process.stdout.write(`${JSON.stringify(info)}\n`);
  else process.stdout.write(banner(info, headless, keepsNothing, postCommand(emulator.workspace.teamId)));
  await untilSignal();
  await server.close();
  await emulator.close();
  return 0;
}

function banner(
  info: { installUrl: string; emulatorUrl: string; database: string; keyFile: string | undefined },
  headless: string | undefined,
  keepsNothing: boolean,
  postCommand: string,
): string {
  const key =
    info.keyFile === undefined
      ? ''
      : `  tokens sealed with a key generated into ${info.keyFile} (keep it with the database)\n`;
  const next =
    headless === undefined
      ? `  install:  open ${info.installUrl} and click Add to Slack, then Allow\n`
      : `  install:  done without a browser (--headless): ${headless}\n`;
  const post = keepsNothing
    ? '  memory: keeps tokens in this process only, so no other command can post with them;\n' +
      '  use the default store (unset SLACKLINE_DATABASE_URL) to post from another terminal\n'
    : `  then post with the stored token:\n  ${postCommand}\n`;
  return (
    `slackline dev: a local Slack at ${info.emulatorUrl} and your app's install server\n` +
    `  store:    ${info.database}\n${key}${next}\n${post}` +
    `  messages: ${info.emulatorUrl}  (Ctrl+C stops both)\n`
  );
}

/** The whole flow without a browser: install page (cookie), consent approved by the emulator, callback. */
export async function headlessInstall(
  installUrl: string,
  emulator: { install: { approve(url: string): { location: string } } },
): Promise<string> {
  const page = await fetch(installUrl);
  const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const href = /href="([^"]+)"/
    .exec(await page.text())?.[1]
    ?.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
  if (href === undefined) {
    throw new SlacklineError('headless_install_failed', 'the install page has no Add to Slack link');
  }
  const { location } = emulator.install.approve(href);
  const done = await fetch(location, { headers: { cookie }, redirect: 'manual' });
  const text = await done.text();
  return done.status === 200 && text.includes('Installation completed') ? 'completed' : `failed (${done.status})`;
}
