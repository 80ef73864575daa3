// `slackline serve` (startServer) answers events, interactions and slash commands on /slack/events,
// and on /slack/interactions and /slack/commands too: the emulator delivers a command there, and the
// Dispatcher built from the server's authority and client answers it with the installation's client.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { Dispatcher } from '../../src/events/dispatcher.js';
import { type RunningServer, startServer } from '../../src/server/index.js';
import { control } from '../emulator/helpers.js';

let emu: Emulator;
let server: RunningServer;
let plain: RunningServer;

before(async () => {
  emu = await startEmulator({ port: 0 });
  const env = { SLACK_BOT_TOKEN: emu.tokens.bot, SLACK_API_URL: emu.apiUrl, SLACK_SIGNING_SECRET: emu.signingSecret };
  server = await startServer({
    port: 0,
    host: '127.0.0.1',
    env,
    dispatcher: ({ authority, client }) =>
      new Dispatcher({ authority, client }).onCommand('/whoami', async ({ body, client: bot, ack }) => {
        assert.ok(bot, 'the installation has a client');
        const me = await bot.auth.test({});
        ack({ text: `${body.text}: ${String(me.user_id)}` });
      }),
  });
  plain = await startServer({ port: 0, host: '127.0.0.1', env }); // no dispatcher given
});
after(async () => {
  await server.close();
  await plain.close();
  await emu.close();
});

async function runCommand(url: string, command: string) {
  const configured = await control(emu, 'POST', `apps/${emu.clientId}`, {
    events_url: url,
    commands: { [command]: null },
  });
  assert.equal(configured.status, 200, JSON.stringify(configured.body));
  return control(emu, 'POST', 'interactivity/command', { command, text: 'hello' });
}

test('a command on /slack/events and on /slack/commands is answered by the dispatcher with the installation client', async () => {
  for (const path of ['/slack/events', '/slack/commands']) {
    const run = await runCommand(new URL(path, server.url).href, '/whoami');
    assert.equal(run.body.status, 200, path);
    assert.deepEqual(run.body.ack, { text: `hello: ${emu.workspace.botUserId}` }, path);
  }
});

test('without a dispatcher option, serve still acks interactions and commands (empty 200)', async () => {
  const run = await runCommand(new URL('/slack/interactions', plain.url).href, '/anything');
  assert.equal(run.body.status, 200);
  assert.equal(run.body.ack, null);
});
