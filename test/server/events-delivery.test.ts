// The emulator delivering signed requests to serve's /slack/events: url_verification, ssl_check
// (form-encoded), and a message event that reaches the app's handler after the ack.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { EventEnvelope } from '../../src/events/handler.js';
import { callback, consent, type Harness, startHarness, startInstall } from '../oauth/harness.js';

let h: Harness;
const received: EventEnvelope[] = [];
before(async () => {
  h = await startHarness({}, { events: { retryDelaysMs: [] } }, { onEvent: (e) => void received.push(e) });
  const started = await startInstall(h);
  assert.equal((await callback(consent(h, started), started.cookie)).status, 200);
  h.emulator.install.configureApp(h.emulator.clientId, { botEvents: ['message.channels'] });
});
after(() => h.close());

async function deliver(body: object) {
  const res = await fetch(`${h.emulator.url}_emulator/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 200, await res.clone().text());
  await h.emulator.install.deliveriesIdle();
  return h.emulator.install.deliveries().at(-1);
}

test('url_verification and ssl_check from the emulator are answered 200; neither reaches the handler', async () => {
  const verification = await deliver({ type: 'url_verification' });
  assert.equal(verification?.state, 'delivered');
  const ssl = await deliver({ type: 'ssl_check' });
  assert.equal(ssl?.encoding, 'form');
  assert.equal(ssl?.state, 'delivered');
  assert.deepEqual(
    ssl?.attempts.map((a) => a.status),
    [200],
  );
  assert.equal(received.length, 0);
});

test('a message posted in the emulator arrives signed and runs the handler', async () => {
  const user = h.emulator.tokens.user;
  const teamId = h.emulator.workspace.teamId;
  const { botUserId } = await h.server.installer.authorize({
    enterpriseId: undefined,
    teamId,
    isEnterpriseInstall: false,
  });
  const general = [...h.emulator.state.channels.values()].find((c) => c.name === 'general' && c.teamId === teamId);
  const invite = await fetch(`${h.emulator.apiUrl}conversations.invite`, {
    method: 'POST',
    headers: { authorization: `Bearer ${user}`, 'content-type': 'application/json' },
    body: JSON.stringify({ channel: general?.id, users: botUserId }),
  });
  const invited = (await invite.json()) as { ok: boolean; error?: string };
  assert.ok(invited.ok || invited.error === 'already_in_channel', invited.error);
  const res = await fetch(`${h.emulator.apiUrl}chat.postMessage`, {
    method: 'POST',
    headers: { authorization: `Bearer ${user}`, 'content-type': 'application/json' },
    body: JSON.stringify({ channel: 'general', text: 'an event for the app' }),
  });
  assert.equal(((await res.json()) as { ok: boolean }).ok, true);
  await h.emulator.install.deliveriesIdle();
  for (let i = 0; i < 50 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
  const event = received.find((e) => (e.event as { text?: string } | undefined)?.text === 'an event for the app');
  assert.ok(event, JSON.stringify(h.emulator.install.deliveries().map((d) => [d.type, d.state])));
  assert.equal(event.type, 'event_callback');
});
