// The one HTTP endpoint for events, interactions and slash commands, over a real node:http server:
// each kind reaches the same Dispatcher, the answer is the dispatcher's ack, the signature and
// de-duplication rules hold for all, and after-ack work goes to ctx.waitUntil when one is given.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { Dispatcher } from '../../src/events/dispatcher.js';
import { createEventsHandler, type EventsHandler } from '../../src/events/handler.js';
import { nodeListener } from '../../src/server/node.js';
import { signedHeaders } from './signed.js';

const SECRET = 'inbound-http-test-secret';
const seen: string[] = [];
const dispatcher = new Dispatcher()
  .on('app_mention', ({ body }) => void seen.push(`mention:${body.event_id}`))
  .onCommand('/deploy', ({ body, ack }) => ack({ response_type: 'in_channel', text: `deploying ${body.text}` }))
  .onCommand('/quiet', () => {})
  .onView('signup', ({ ack }) => ack({ response_action: 'errors', errors: { email: 'Taken' } }))
  .onAction('approve', ({ body }) => void seen.push(`action:${body.actions?.[0]?.value}`));
const envelopes: string[] = [];
let handler: EventsHandler;
let server: http.Server;
let url: string;

before(async () => {
  handler = createEventsHandler({
    signingSecret: SECRET,
    dispatcher,
    onEvent: (e) => void envelopes.push(String(e.event_id)),
  });
  server = http.createServer(nodeListener(handler, 'http://localhost'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const formHeaders = (body: string) => ({
  ...signedHeaders(SECRET, body),
  'content-type': 'application/x-www-form-urlencoded',
});
const post = (body: string, headers: Record<string, string>) => fetch(url, { method: 'POST', headers, body });
const command = (name: string, text = '') =>
  form({
    command: name,
    text,
    team_id: 'T1',
    channel_id: 'C1',
    user_id: 'U1',
    response_url: 'http://127.0.0.1:9/none',
    trigger_id: '1.2.abc',
  });
const interaction = (payload: object) => form({ payload: JSON.stringify(payload) });

test('a signed slash command is answered with the ack payload as JSON', async () => {
  const body = command('/deploy', 'api');
  const res = await post(body, formHeaders(body));
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  assert.deepEqual(await res.json(), { response_type: 'in_channel', text: 'deploying api' });
});

test('a command whose listener never acks gets an empty 200 once the listener is done', async () => {
  const body = command('/quiet');
  const res = await post(body, formHeaders(body));
  assert.equal(res.status, 200);
  assert.equal(await res.text(), '');
});

test('a view_submission is answered with response_action: errors', async () => {
  const body = interaction({
    type: 'view_submission',
    team: { id: 'T1' },
    user: { id: 'U1' },
    view: { id: 'V1', callback_id: 'signup' },
  });
  const res = await post(body, formHeaders(body));
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { response_action: 'errors', errors: { email: 'Taken' } });
});

test('a block action and an event reach the same dispatcher; onEvent still gets the envelope', async () => {
  const action = interaction({
    type: 'block_actions',
    team: { id: 'T1' },
    user: { id: 'U1' },
    actions: [{ action_id: 'approve', value: 'yes' }],
  });
  assert.equal((await post(action, formHeaders(action))).status, 200);
  const event = JSON.stringify({
    type: 'event_callback',
    team_id: 'T1',
    event_id: 'EvMENTION1',
    event_time: 1,
    event: { type: 'app_mention', text: 'hi' },
  });
  assert.equal((await post(event, signedHeaders(SECRET, event))).status, 200);
  // Slack's retry of the same event is de-duplicated before the dispatcher sees it.
  assert.equal((await post(event, signedHeaders(SECRET, event, { retry: 1 }))).status, 200);
  await handler.idle();
  assert.ok(seen.includes('action:yes'), seen.join());
  assert.deepEqual(
    seen.filter((s) => s.startsWith('mention:')),
    ['mention:EvMENTION1'],
  );
  assert.deepEqual(envelopes, ['EvMENTION1']);
});

test('form bodies are held to the signature rules: unsigned or altered is 401, nothing dispatched', async () => {
  const body = command('/deploy', 'x');
  const unsigned = await post(body, { 'content-type': 'application/x-www-form-urlencoded' });
  assert.equal(unsigned.status, 401);
  const altered = await post(command('/deploy', 'y'), formHeaders(body));
  assert.equal(altered.status, 401);
  const stale = await post(body, {
    ...signedHeaders(SECRET, body, { ts: Math.floor(Date.now() / 1000) - 600 }),
    'content-type': 'application/x-www-form-urlencoded',
  });
  assert.equal(stale.status, 401);
});

test('a form that is neither an interaction nor a command is a 400', async () => {
  for (const body of [
    form({ payload: '{not json' }),
    form({ payload: '[1]' }),
    `${form({ payload: '{"type":"block_actions"}', extra: '1' })}&payload=%7B%7D`,
    form({ command: 'deploy', team_id: 'T1', channel_id: 'C1', user_id: 'U1' }),
    form({ command: '/deploy', team_id: 'T1', channel_id: 'C1' }),
    `${command('/deploy')}&command=%2Fother`,
  ]) {
    const res = await post(body, formHeaders(body));
    assert.equal(res.status, 400, body);
  }
});

test('without a dispatcher, interactions and commands are refused with 404 and events still work', async () => {
  const plain = createEventsHandler({ signingSecret: SECRET });
  const body = command('/deploy');
  const res = await plain(
    new Request('http://localhost/slack/events', { method: 'POST', headers: formHeaders(body), body }),
  );
  assert.equal(res.status, 404);
  const event = JSON.stringify({ type: 'event_callback', event_id: 'EvPLAIN', event_time: 1, event: { type: 'x' } });
  const ok = await plain(
    new Request('http://localhost/', { method: 'POST', headers: signedHeaders(SECRET, event), body: event }),
  );
  assert.equal(ok.status, 200);
});

test('ctx.waitUntil receives the after-ack work: the response comes first, the listener finishes inside it', async () => {
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const finished: string[] = [];
  const d = new Dispatcher()
    .onCommand('/slow', async ({ ack }) => {
      ack({ text: 'on it' });
      await gate;
      finished.push('command');
    })
    .on('app_mention', async () => {
      await gate;
      finished.push('event');
    });
  const h = createEventsHandler({ signingSecret: SECRET, dispatcher: d });
  const handed: Promise<unknown>[] = [];
  const ctx = { waitUntil: (work: Promise<unknown>) => void handed.push(work) };
  const body = command('/slow');
  const res = await h(new Request('http://localhost/', { method: 'POST', headers: formHeaders(body), body }), ctx);
  assert.deepEqual(await res.json(), { text: 'on it' });
  const event = JSON.stringify({
    type: 'event_callback',
    team_id: 'T1',
    event_id: 'EvSLOW',
    event_time: 1,
    event: { type: 'app_mention' },
  });
  const ok = await h(
    new Request('http://localhost/', { method: 'POST', headers: signedHeaders(SECRET, event), body: event }),
    ctx,
  );
  assert.equal(ok.status, 200);
  assert.equal(handed.length, 2, 'each request hands its after-ack work to waitUntil');
  assert.deepEqual(finished, [], 'the responses went out before the listeners finished');
  release();
  await Promise.all(handed);
  assert.deepEqual(finished.sort(), ['command', 'event']);
});

test('a dispatcher that is not one is refused at construction, naming the option', () => {
  assert.throws(
    () => createEventsHandler({ signingSecret: SECRET, dispatcher: {} as unknown as Dispatcher }),
    /createEventsHandler: dispatcher must be a Dispatcher/,
  );
});
