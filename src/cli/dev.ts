// `slackline dev` (what `npm start` runs): the emulator plus `serve` pointed at it, with a demo app
// whose redirect and events URLs are this server's. Open the printed install URL, click Add to
// Slack, Allow, and the token is in the store; `--headless` does the clicking itself (tests, CI).
import { parseArgs } from 'node:util';
import { startEmulator } from '../emulator/index.js';
import { SlacklineError } from '../http/errors.js';
import { startServer } from '../server/index.js';
import { loggerFromEnv, untilSignal } from './serve.js';

const HELP = `usage: slackline dev [--port N] [--emulator-port N] [--headless] [--json]

  --port N           the app server (default $PORT or 3000; 0 picks one)
  --emulator-port N  the local Slack (default 3001; 0 picks one)
  --headless         approve one install through the real flow, without a browser, then keep running
  --json             print one JSON line with the URLs instead of the banner
Store: SLACKLINE_DATABASE_URL (default sqlite:./slackline-dev.db).
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
  const logger = loggerFromEnv();
  const emulator = await startEmulator({ port: Number(values['emulator-port'] ?? 3001) });
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
    SLACKLINE_DATABASE_URL: process.env.SLACKLINE_DATABASE_URL || 'sqlite:./slackline-dev.db',
  };
  delete env.SLACK_BOT_TOKEN;
  delete env.SLACK_REDIRECT_URI;
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer({ env, port, host: '127.0.0.1', logger });
  } catch (err) {
    await emulator.close();
    throw err;
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
    database: env.SLACKLINE_DATABASE_URL,
    teamId: emulator.workspace.teamId,
  };
  if (values.headless) {
    const result = await headlessInstall(server.installUrl, emulator);
    Object.assign(info, { headlessInstall: result });
  }
  if (values.json) process.stdout.write(`${JSON.stringify(info)}\n`);
  else {
    process.stdout.write(
      `slackline dev: a local Slack at ${emulator.url} and your app at ${server.url}\n` +
        `  store: ${server.stores?.description ?? ''}\n\n` +
        `  open ${server.installUrl}\n\n` +
        '  then post with the stored token:\n' +
        `  SLACK_API_URL=${emulator.apiUrl} SLACKLINE_DATABASE_URL=${env.SLACKLINE_DATABASE_URL} \\\n` +
        `    npx slackline api chat.postMessage channel=general text=hello --team ${emulator.workspace.teamId}\n` +
        `  messages: ${emulator.url}  (Ctrl+C stops both)\n`,
    );
  }
  await untilSignal();
  await server.close();
  await emulator.close();
  return 0;
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
