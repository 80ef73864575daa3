// Interactions and slash commands triggered through the emulator's control API reach an app in Socket
// Mode over its socket (not its HTTP URLs), as `interactive` / `slash_commands` envelopes; the ack's
// payload is the app's answer (a command's reply, a view's response_action). slackline's
// SocketModeClient and Dispatcher on the other end.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { Dispatcher } from '../../src/events/index.js';
import { SocketModeClient } from '../../src/socket-mode/index.js';
import { apiJson, channelId, control } from '../emulator/helpers.js';

let emu: Emulator;
let client: SocketModeClient;
const pressed: { actionId: string; value: unknown; channel: unknown }[] = [];
const modal = { type: 'modal', callback_id: 'signup', title: { type: 'plain_text', text: 'Sign up' }, blocks: [] };

before(async () => {
  emu = await startEmulator({ port: 0 });
  // No HTTP URL at all: an interaction that went over HTTP would be refused with no_request_url.
  const configured = await control(emu, 'POST', `apps/${emu.clientId}`, {
    events_url: null,
    interactivity_url: null,
    commands: { '/deploy': null },
  });
  assert.equal(configured.status, 200, JSON.stringify(configured.body));
  const dispatcher = new Dispatcher()
    .onAction('approve', ({ body, ack }) => {
      ack();
      const action = (body.actions as { action_id: string; value?: string }[])[0];
      pressed.push({ actionId: String(action?.action_id), value: action?.value, channel: body.channel });
    })
    .onCommand('/deploy', ({ body, ack }) => ack({ response_type: 'in_channel', text: `deploying ${body.text}` }))
    .onView('signup', ({ ack }) => ack({ response_action: 'errors', errors: { email: 'Enter an email address' } }));
  client = new SocketModeClient({ appToken: emu.tokens.app, slackApiUrl: emu.apiUrl, dispatcher });
  await client.start();
});
after(async () => {
  await client.stop();
  await emu.close();
});

test('a button press on a posted Block Kit message reaches onAction over the socket', async () => {
  const general = channelId(emu, 'general');
  const blocks = [
    {
      type: 'actions',
      block_id: 'b1',
      elements: [{ type: 'button', action_id: 'approve', value: 'yes', text: { type: 'plain_text', text: 'Approve' } }],
    },
  ];
  const posted = await apiJson(emu, 'chat.postMessage', { channel: general, text: 'approve?', blocks });
  const press = await control(emu, 'POST', 'interactivity/action', {
    channel: general,
    ts: String(posted.body.ts),
    action_id: 'approve',
  });
  assert.equal(press.status, 200, JSON.stringify(press.body));
  assert.equal(press.body.reason, null, 'acked over the socket');
  assert.deepEqual(pressed, [{ actionId: 'approve', value: 'yes', channel: { id: general, name: 'general' } }]);
  const record = emu.install.deliveries().findLast((d) => d.type === 'block_actions');
  assert.equal(record?.url, 'socket-mode');
  assert.equal(record?.state, 'delivered');
});

test('a slash command is answered with a payload over the socket; its in_channel reply is posted', async () => {
  const general = channelId(emu, 'general');
  const run = await control(emu, 'POST', 'interactivity/command', { command: '/deploy', text: 'api' });
  assert.equal(run.status, 200, JSON.stringify(run.body));
  assert.equal(run.body.reason, null);
  assert.deepEqual(run.body.ack, { response_type: 'in_channel', text: 'deploying api' });
  assert.equal(run.body.posted, 'in_channel');
  const texts = emu.messages(general).map((m) => m.text);
  assert.ok(texts.includes('deploying api'), texts.join());
  const record = emu.install.deliveries().findLast((d) => d.type === 'slash_command');
  assert.equal(record?.url, 'socket-mode');
  assert.equal(record?.body.command, '/deploy');
});

test('a view_submission is answered with response_action: errors over the socket; the modal stays open', async () => {
  const trigger = await control(emu, 'POST', 'interactivity/trigger', {});
  const opened = await apiJson(emu, 'views.open', { trigger_id: String(trigger.body.trigger_id), view: modal });
  assert.equal(opened.body.ok, true, JSON.stringify(opened.body));
  const viewId = String((opened.body.view as { id: string }).id);
  const submit = await control(emu, 'POST', 'interactivity/view-submission', {
    view_id: viewId,
    values: { email: { input: { type: 'plain_text_input', value: 'nope' } } },
  });
  assert.equal(submit.status, 200, JSON.stringify(submit.body));
  assert.deepEqual(submit.body.ack, { response_action: 'errors', errors: { email: 'Enter an email address' } });
  assert.equal(submit.body.closed, false);
  assert.ok(emu.state.views.has(viewId), 'the modal is still open');
});

// Last: it stops the client.
test('without an open connection, an app left in Socket Mode gets nothing: the press reports no_connection', async () => {
  await control(emu, 'POST', `apps/${emu.clientId}`, { socket_mode: true });
  await client.stop();
  try {
    const run = await control(emu, 'POST', 'interactivity/command', { command: '/deploy', text: 'x' });
    assert.equal(run.status, 200, JSON.stringify(run.body));
    assert.equal(run.body.reason, 'no_connection');
    assert.equal(run.body.posted, 'none');
  } finally {
    await control(emu, 'POST', `apps/${emu.clientId}`, { socket_mode: null });
  }
});
