// A complete Slack app on node:http: an install page and OAuth callback (Installer), an events
// endpoint (createEventsHandler + Dispatcher), and a listener that answers every mention of the bot
// with the installation's own client. Configured only by the environment:
//
//   SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_SIGNING_SECRET   from the app's settings (required)
//   SLACK_SCOPES          bot scopes, comma-separated (default app_mentions:read,chat:write)
//   SLACK_REDIRECT_URI    the callback URL in the app's settings (default http://localhost:$PORT/slack/oauth_redirect)
//   SLACK_API_URL         the Web API (default https://slack.com/api/; the emulator's apiUrl locally)
//   SLACK_AUTHORIZE_URL   the consent page (default Slack's; the emulator's /oauth/v2/authorize locally)
//   SLACKLINE_DATABASE_URL  sqlite:./slackline.db (default; npm install better-sqlite3), postgres://...
//                         (npm install pg), or memory: (development, one process)
//   SLACKLINE_ENCRYPTION_KEYS  seals tokens at rest (required for PostgreSQL), PORT (3000), HOST
//
// Routes: /slack/install, /slack/oauth_redirect, /slack/events (also /slack/interactions and
// /slack/commands), /healthz.
import http from 'node:http';
import { WebClient } from 'slackline';
import { createEventsHandler, Dispatcher } from 'slackline/events';
import { Installer } from 'slackline/oauth';
import { nodeListener, openStores, routes } from 'slackline/server';

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`set ${name} (see the top of this file)`);
    process.exit(1);
  }
  return value;
}

const port = Number(process.env.PORT || 3000);
const redirectUri = process.env.SLACK_REDIRECT_URI || `http://localhost:${port}/slack/oauth_redirect`;
const publicUrl = new URL('/', redirectUri).href;

const client = new WebClient(); // no token: per-installation clients share its connection pool
const stores = await openStores(process.env);
const installer = new Installer({
  clientId: required('SLACK_CLIENT_ID'),
  clientSecret: required('SLACK_CLIENT_SECRET'),
  scopes: (process.env.SLACK_SCOPES || 'app_mentions:read,chat:write').split(','),
  redirectUri,
  installationStore: stores.installations,
  stateStore: stores.states,
  client,
  ...(process.env.SLACK_AUTHORIZE_URL ? { authorizeUrl: process.env.SLACK_AUTHORIZE_URL } : {}),
  onInstalled: (installation) => console.log(`installed into ${installation.teamName ?? installation.teamId}`),
});

const dispatcher = new Dispatcher({ authority: installer.authority, client });
dispatcher.on('app_mention', async ({ body, client: slack }) => {
  const { channel, user } = body.event;
  if (channel === undefined || slack === undefined) return;
  await slack.chat.postMessage({ channel, text: `Hello <@${user}>, I heard you.` });
});

const events = createEventsHandler({
  signingSecret: required('SLACK_SIGNING_SECRET'),
  authority: installer.authority,
  dispatcher,
  dedupe: stores.dedupe,
  onError: (err) => console.error('event failed:', err),
});

const server = http.createServer(
  nodeListener(routes({ installer, events }), publicUrl, { onError: (err) => console.error(err) }),
);
server.listen(port, process.env.HOST || undefined, () => {
  console.log(`listening: install at ${new URL('/slack/install', publicUrl).href}`);
  console.log(`events at ${new URL('/slack/events', publicUrl).href}`);
});

async function shutdown(): Promise<void> {
  server.closeAllConnections();
  server.close();
  await events.idle(); // listeners still answering
  await stores.close();
  client.close();
}
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
