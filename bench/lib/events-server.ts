// One Events API server in its own process: `slackline` (startServer, as `slackline serve` starts it,
// on serve's default store: a SQLite file, here in a fresh temp folder) or `@slack/bolt` (App with its
// HTTPReceiver). Both verify the signature, authorize the team and dispatch to one no-op `message`
// listener; slackline also records each event_id (de-dup), which Bolt has no built-in for.
// `bare` is the floor: a plain node:http server that reads each body and answers an empty 200, with
// no verification at all, i.e. the most any node:http server can ack on this core with this load.
// Prints the port on its first line. On SIGUSR2 prints its CPU time.
//   node events-server.js <slackline|bolt|bare> <signingSecret>
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [which, secret] = process.argv.slice(2) as [string, string];
// Obvious canaries: nothing here calls Slack.
const BOT_TOKEN = 'xoxb-bench-canary';
const TEAM = 'T0BENCH01';
const cpuAtStart = process.cpuUsage();
let port: number;
let stop: () => Promise<void>;

// Each server loads only its own code (imported in its branch): Bolt's modules in slackline's heap
// would be traced by every one of its full collections, and the other way round.
if (which === 'slackline') {
  const { Dispatcher } = await import('../../src/events/dispatcher.js');
  const { startServer } = await import('../../src/server/index.js');
  const dir = mkdtempSync(join(tmpdir(), 'slackline-bench-events-'));
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    env: {
      SLACK_CLIENT_ID: '1.2',
      SLACK_CLIENT_SECRET: 'bench-canary-client-secret',
      SLACK_SIGNING_SECRET: secret,
      // serve's default store (sqlite:./slackline.db), in a folder of its own; BENCH_EVENTS_STORE
      // (bench/events.ts passes it on) another.
      SLACKLINE_DATABASE_URL: process.env.BENCH_EVENTS_STORE || `sqlite:${join(dir, 'slackline.db')}`,
      SLACK_API_URL: 'http://127.0.0.1:9/api/',
    },
    dispatcher: ({ authority, client }) => new Dispatcher({ authority, client }).on('message', () => {}),
  });
  await server.stores?.installations.save({
    appId: 'A0BENCH001',
    enterpriseId: null,
    enterpriseName: undefined,
    enterpriseUrl: undefined,
    teamId: TEAM,
    teamName: 'Bench',
    isEnterpriseInstall: false,
    tokenType: 'bot',
    bot: {
      token: BOT_TOKEN,
      id: 'B0BENCH01',
      userId: 'U0BENCHBOT',
      scopes: ['chat:write'],
      refreshToken: undefined,
      expiresAt: undefined,
    },
    user: { id: 'U0BENCHUSR', token: undefined, scopes: [], refreshToken: undefined, expiresAt: undefined },
    incomingWebhook: undefined,
  });
  port = server.port;
  stop = async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  };
} else if (which === 'bolt') {
  const { App, LogLevel } = await import('@slack/bolt');
  // botId/botUserId with the token: Bolt's single-workspace authorize answers without calling auth.test.
  const app = new App({
    signingSecret: secret,
    token: BOT_TOKEN,
    botId: 'B0BENCH01',
    botUserId: 'U0BENCHBOT',
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: 'http://127.0.0.1:9/api/' },
  });
  app.event('message', async () => {});
  const server = await app.start({ port: 0, host: '127.0.0.1' });
  port = (server.address() as AddressInfo).port;
  stop = () => app.stop().then(() => {});
} else if (which === 'bare') {
  const server = http.createServer((req, res) => {
    req.on('data', () => {});
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  stop = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
} else {
  throw new Error(`unknown server ${which}`);
}

console.log(port);
process.on('SIGUSR2', () => {
  const cpu = process.cpuUsage(cpuAtStart);
  console.log(JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000 }));
});
process.on('SIGTERM', () => {
  stop().finally(() => process.exit(0));
});
