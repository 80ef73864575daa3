// The one inbound dispatcher, fed by the Socket Mode client over real WebSockets: listeners by
// event type, action, view, shortcut, options and command; acks with payloads; the ack deadline;
// the installation's client; respond() to a real response_url.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, test } from 'node:test';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { Dispatcher, type DispatcherOptions } from '../../src/events/index.js';
import { SocketModeClient } from '../../src/socket-mode/index.js';
import { WebClient } from '../../src/web/index.js';

let emu: Emulator;
const clients: SocketModeClient[] = [];

before(async () => {
  emu = await startEmulator({ port: 0 });
});
after(async () => {
  await emu.close();
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.stop()));
});

async function connect(dispatcher: Dispatcher): Promise<void> {
  const c = new SocketModeClient({ appToken: emu.tokens.app, slackApiUrl: emu.apiUrl, dispatcher });
  clients.push(c);
  await c.start();
}

test('a slash command, a view submission and an options request are answered with their payloads', async () => {
  const d = new Dispatcher()
    .onCommand('/deploy', ({ body, ack }) => ack({ text: `deploying ${body.text}` }))
    .onView('signup', ({ ack }) => ack({ response_action: 'errors', errors: { email: 'Taken' } }))
    .onOptions(/^search-/, ({ body, ack }) =>
      ack({ options: [{ text: { type: 'plain_text', text: String(body.value) }, value: 'v1' }] }),
    );
  await connect(d);
  const command = await emu.socketMode.deliver('slash_commands', {
    command: '/deploy',
    text: 'api',
    team_id: 'T1',
    channel_id: 'C1',
    user_id: 'U1',
    response_url: 'http://127.0.0.1:9/none',
    trigger_id: 't',
  });
  assert.deepEqual(command.payload, { text: 'deploying api' });
  const view = await emu.socketMode.deliver('interactive', {
    type: 'view_submission',
    team: { id: 'T1' },
    user: { id: 'U1' },
    view: { id: 'V1', callback_id: 'signup' },
  });
  assert.deepEqual(view.payload, { response_action: 'errors', errors: { email: 'Taken' } });
  const options = await emu.socketMode.deliver('interactive', {
    type: 'block_suggestion',
    team: { id: 'T1' },
    action_id: 'search-users',
    value: 'an',
  });
  assert.deepEqual(options.payload, { options: [{ text: { type: 'plain_text', text: 'an' }, value: 'v1' }] });
});

test('listeners are chosen per action, shortcut and event type; an unmatched request is acked empty at once', async () => {
  const calls: string[] = [];
  const d = new Dispatcher()
    .onAction('approve', () => {
      calls.push('approve');
    })
    .onAction('reject', () => {
      calls.push('reject');
    })
    .onShortcut('open_ticket', () => {
      calls.push('shortcut');
    })
    .on('app_mention', () => {
      calls.push('mention');
    })
    .on('*', () => {
      calls.push('any event');
    });
  await connect(d);
  await emu.socketMode.deliver('interactive', {
    type: 'block_actions',
    team: { id: 'T1' },
    actions: [{ action_id: 'approve', block_id: 'b' }],
  });
  await emu.socketMode.deliver('interactive', {
    type: 'shortcut',
    team: { id: 'T1' },
    callback_id: 'open_ticket',
  });
  await emu.socketMode.deliver('events_api', {
    type: 'event_callback',
    event_id: 'EvD1',
    event_time: 1,
    event: { type: 'app_mention' },
  });
  const unmatched = await emu.socketMode.deliver('slash_commands', { command: '/nothing', text: '' });
  assert.deepEqual(calls.sort(), ['any event', 'approve', 'mention', 'shortcut']);
  assert.equal(unmatched.acked, true);
  assert.equal(unmatched.payload, undefined);
});

test('a listener that never acks is acked empty by the deadline; its work goes on after', async () => {
  let finished = false;
  const d = new Dispatcher({ ackDeadlineMs: 1_500 }).onCommand('/slow', async () => {
    await new Promise((r) => setTimeout(r, 3_500));
    finished = true;
  });
  await connect(d);
  const t0 = performance.now();
  const answer = await emu.socketMode.deliver('slash_commands', { command: '/slow', text: '' });
  assert.equal(answer.acked, true);
  assert.equal(answer.attempts, 1);
  assert.ok(performance.now() - t0 < 3_000, 'acked inside Slack’s 3 s');
  assert.equal(finished, false);
  await new Promise((r) => setTimeout(r, 2_500));
  assert.equal(finished, true);
});

test('a failing listener is logged and does not stop the others or the client', async () => {
  const logged: string[] = [];
  const logger = {
    debug() {},
    info() {},
    warn() {},
    error(_f: Record<string, unknown>, m?: string) {
      logged.push(m ?? '');
    },
  };
  let other = 0;
  const d = new Dispatcher({ logger })
    .onCommand('/boom', () => {
      throw new Error('listener bug');
    })
    .onCommand('/boom', () => {
      other++;
    });
  await connect(d);
  for (let i = 0; i < 3; i++) {
    assert.equal((await emu.socketMode.deliver('slash_commands', { command: '/boom', text: '' })).acked, true);
  }
  assert.equal(other, 3);
  assert.equal(logged.filter((m) => m === 'inbound: a listener failed').length, 3);
});

test('the installation and its client reach the listener; respond() posts to the response_url', async () => {
  const channel = (
    await new WebClient(emu.tokens.bot, { slackApiUrl: emu.apiUrl }).conversations.list({})
  ).channels?.find((c) => c.name === 'general')?.id as string;
  const received: unknown[] = [];
  const hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      received.push(JSON.parse(body));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  const queries: unknown[] = [];
  const authority: DispatcherOptions['authority'] = {
    authorize: async (query) => {
      queries.push(query);
      return {
        botToken: emu.tokens.bot,
        botId: undefined,
        botUserId: undefined,
        userToken: undefined,
        enterpriseId: null,
        teamId: emu.workspace.teamId,
        isEnterpriseInstall: false,
        missingScopes: [],
      };
    },
  };
  const base = new WebClient(undefined, { slackApiUrl: emu.apiUrl });
  try {
    const d = new Dispatcher({ authority, client: base })
      .on('app_mention', async ({ body, client }) => {
        await client?.chat.postMessage({ channel, text: `you said ${String(body.event.text)}` });
      })
      .onCommand('/status', async ({ ack, respond }) => {
        ack();
        await respond({ text: 'all green', response_type: 'in_channel' });
      });
    await connect(d);
    await emu.socketMode.deliver('events_api', {
      type: 'event_callback',
      team_id: emu.workspace.teamId,
      event_id: 'EvClient1',
      event_time: 1,
      event: { type: 'app_mention', text: 'hi' },
    });
    await emu.socketMode.deliver('slash_commands', {
      command: '/status',
      text: '',
      team_id: emu.workspace.teamId,
      user_id: 'U1',
      response_url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/commands/1`,
    });
    const deadline = performance.now() + 5_000;
    while (
      (received.length === 0 || !emu.messages(channel).some((m) => m.text === 'you said hi')) &&
      performance.now() < deadline
    ) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.ok(
      emu.messages(channel).some((m) => m.text === 'you said hi'),
      'posted with the installation’s client',
    );
    assert.deepEqual(received, [{ text: 'all green', response_type: 'in_channel' }]);
    assert.deepEqual(queries[0], { enterpriseId: null, teamId: emu.workspace.teamId, isEnterpriseInstall: false });
  } finally {
    base.core.close();
    hook.close();
  }
});
