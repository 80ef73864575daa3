// The emulator delivering interactions and slash commands to an app over real HTTP, signed and
// form-encoded as Slack sends them, into slackline's HTTP handler and Dispatcher: a command answered
// with a payload, a button whose trigger_id opens a modal and whose response_url replaces the
// message, a view_submission refused with response_action: errors, and triggers that expire.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { Dispatcher } from '../../src/events/dispatcher.js';
import { createEventsHandler, type EventsHandler } from '../../src/events/handler.js';
import { nodeListener } from '../../src/server/node.js';
import { WebClient } from '../../src/web/index.js';
import { apiJson, channelId, control } from './helpers.js';

let emu: Emulator;
let server: http.Server;
let handler: EventsHandler;
let client: WebClient;
const opened: string[] = [];
const modal = { type: 'modal', callback_id: 'signup', title: { type: 'plain_text', text: 'Sign up' }, blocks: [] };

before(async () => {
  emu = await startEmulator({ port: 0 });
  client = new WebClient(emu.tokens.bot, { slackApiUrl: emu.apiUrl });
  const dispatcher = new Dispatcher()
    .onCommand('/deploy', ({ body, ack }) => ack({ response_type: 'in_channel', text: `deploying ${body.text}` }))
    .onCommand('/whisper', async ({ ack, respond }) => {
      ack();
      await respond({ text: 'only you see this' });
    })
    .onAction('approve', async ({ body, ack, respond }) => {
      ack();
      const view = await client.views.open({ trigger_id: String(body.trigger_id), view: modal });
      opened.push(String((view.view as { id: string }).id));
      await respond({ replace_original: true, text: 'approved' });
    })
    .onView('signup', ({ body, ack }) => {
      const values = (body.view as { state?: { values?: Record<string, Record<string, { value?: string }>> } }).state
        ?.values;
      const email = values?.email?.input?.value ?? '';
      ack(email.includes('@') ? undefined : { response_action: 'errors', errors: { email: 'Enter an email address' } });
    });
  handler = createEventsHandler({ signingSecret: emu.signingSecret, dispatcher });
  server = http.createServer(nodeListener(handler, 'http://localhost'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack`;
  const configured = await control(emu, 'POST', `apps/${emu.clientId}`, {
    events_url: `${base}/events`,
    interactivity_url: `${base}/interactions`,
    commands: { '/deploy': `${base}/commands`, '/whisper': null },
  });
  assert.equal(configured.status, 200, JSON.stringify(configured.body));
});
after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  client.core.close();
  await emu.close();
});

test('a slash command is delivered signed and form-encoded; its in_channel ack is posted in the channel', async () => {
  const general = channelId(emu, 'general');
  const run = await control(emu, 'POST', 'interactivity/command', {
    command: '/deploy',
    text: 'api',
    channel: general,
  });
  assert.equal(run.status, 200, JSON.stringify(run.body));
  assert.equal(run.body.status, 200);
  assert.deepEqual(run.body.ack, { response_type: 'in_channel', text: 'deploying api' });
  assert.equal(run.body.posted, 'in_channel');
  const history = await apiJson(emu, 'conversations.history', { channel: general });
  const texts = (history.body.messages as { text: string }[]).map((m) => m.text);
  assert.ok(texts.includes('deploying api'), texts.join());
  // The command's own delivery (the in_channel reply it posts may fire a message event after it).
  const delivery = emu.install.deliveries().findLast((d) => d.encoding === 'form');
  assert.equal(delivery?.encoding, 'form');
  assert.equal(delivery?.url.endsWith('/slack/commands'), true);
});

test("a command's response_url shows its message to the user alone; an unknown command is refused", async () => {
  const run = await control(emu, 'POST', 'interactivity/command', { command: '/whisper' });
  assert.equal(run.body.status, 200);
  assert.equal(run.body.ack, null);
  await handler.idle();
  const ephemeral = await control(emu, 'GET', 'interactivity/ephemeral');
  const messages = ephemeral.body.messages as { text: string; user_id: string }[];
  assert.deepEqual(
    messages.map((m) => [m.text, m.user_id]),
    [['only you see this', emu.workspace.userId]],
  );
  const unknown = await control(emu, 'POST', 'interactivity/command', { command: '/nope' });
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.error, 'command_not_found');
});

test('a button press opens a modal with its trigger_id and replaces the message through its response_url', async () => {
  const general = channelId(emu, 'general');
  const blocks = [
    {
      type: 'actions',
      block_id: 'b1',
      elements: [{ type: 'button', action_id: 'approve', value: 'yes', text: { type: 'plain_text', text: 'Approve' } }],
    },
  ];
  const posted = await apiJson(emu, 'chat.postMessage', { channel: general, text: 'approve?', blocks });
  const ts = String(posted.body.ts);
  const press = await control(emu, 'POST', 'interactivity/action', { channel: general, ts, action_id: 'approve' });
  assert.equal(press.status, 200, JSON.stringify(press.body));
  assert.equal(press.body.status, 200);
  await handler.idle();
  assert.equal(opened.length, 1);
  assert.ok(emu.state.views.has(opened[0] as string), 'the modal is open');
  const history = await apiJson(emu, 'conversations.history', { channel: general });
  const message = (history.body.messages as { ts: string; text: string }[]).find((m) => m.ts === ts);
  assert.equal(message?.text, 'approved');
  // The trigger was spent by that views.open: a second exchange is refused as Slack refuses it.
  const again = await apiJson(emu, 'views.open', { trigger_id: String(press.body.trigger_id), view: modal });
  assert.equal(again.body.error, 'exchanged_trigger_id');
  const missing = await control(emu, 'POST', 'interactivity/action', { channel: general, ts, action_id: 'nope' });
  assert.equal(missing.status, 404);
});

test('a view_submission is answered with response_action: errors (the modal stays), then accepted (it closes)', async () => {
  const viewId = opened[0] as string;
  assert.ok(viewId, 'the previous test opened the modal');
  const bad = await control(emu, 'POST', 'interactivity/view-submission', {
    view_id: viewId,
    values: { email: { input: { type: 'plain_text_input', value: 'nope' } } },
  });
  assert.equal(bad.status, 200, JSON.stringify(bad.body));
  assert.deepEqual(bad.body.ack, { response_action: 'errors', errors: { email: 'Enter an email address' } });
  assert.equal(bad.body.closed, false);
  assert.ok(emu.state.views.has(viewId));
  const good = await control(emu, 'POST', 'interactivity/view-submission', {
    view_id: viewId,
    values: { email: { input: { type: 'plain_text_input', value: 'a@b.example' } } },
  });
  assert.equal(good.body.ack, null);
  assert.equal(good.body.closed, true);
  assert.equal(emu.state.views.has(viewId), false);
});

test('views.open takes only a trigger the emulator issued, once, within 3 s of emulator time', async () => {
  const forged = await apiJson(emu, 'views.open', { trigger_id: '12345.98765.abcd2358fdea', view: modal });
  assert.equal(forged.body.error, 'invalid_trigger_id');
  const fresh = await control(emu, 'POST', 'interactivity/trigger', {});
  const late = await control(emu, 'POST', 'interactivity/trigger', {});
  await control(emu, 'POST', 'clock', { advance_ms: 2_000 });
  const inTime = await apiJson(emu, 'views.open', { trigger_id: String(fresh.body.trigger_id), view: modal });
  assert.equal(inTime.body.ok, true, JSON.stringify(inTime.body));
  await control(emu, 'POST', 'clock', { advance_ms: 1_500 });
  const expired = await apiJson(emu, 'views.open', { trigger_id: String(late.body.trigger_id), view: modal });
  assert.equal(expired.body.error, 'expired_trigger_id');
  await control(emu, 'POST', 'clock', { offset_ms: 0 });
});

test('a response_url takes 5 posts, then answers expired_url; an unknown one answers no_service', async () => {
  const run = await control(emu, 'POST', 'interactivity/command', { command: '/whisper' });
  await handler.idle(); // the listener used it once
  const url = String(run.body.response_url);
  for (let i = 2; i <= 5; i++) {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"text":"again"}',
    });
    assert.equal(res.status, 200, `post ${i}`);
  }
  const sixth = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"text":"x"}',
  });
  assert.deepEqual(await sixth.json(), { ok: false, error: 'expired_url' });
  const unknown = await fetch(`${emu.url}commands/T0/1/abc`, { method: 'POST', body: '{"text":"x"}' });
  assert.deepEqual(await unknown.json(), { ok: false, error: 'no_service' });
});

test('deliveries are signed with the app signing secret: signed with another, the app refuses and nothing is posted', async () => {
  const original = emu.signingSecret;
  await control(emu, 'POST', `apps/${emu.clientId}`, { signing_secret: 'not-the-apps-secret' });
  try {
    const run = await control(emu, 'POST', 'interactivity/command', { command: '/deploy', text: 'forged' });
    assert.equal(run.body.status, 401);
    assert.equal(run.body.reason, 'http_error');
    assert.equal(run.body.posted, 'none');
  } finally {
    await control(emu, 'POST', `apps/${emu.clientId}`, { signing_secret: original });
  }
  const attempts = emu.install.deliveries().at(-1)?.attempts ?? [];
  assert.equal(attempts.length, 1, 'an interaction is never retried');
});
