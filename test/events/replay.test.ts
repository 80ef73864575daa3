// A captured, signed app_uninstalled replayed inside the 300 s signature window must never delete a
// fresh re-installation: neither after 10,000 other events pushed its id out of a bounded de-dup
// (through serve over HTTP), nor on a process whose de-dup never saw it (the event_time check alone).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createEventsHandler } from '../../src/events/handler.js';
import { InstallationAuthority } from '../../src/oauth/authorize.js';
import { MemoryInstallationStore } from '../../src/oauth/memory-store.js';
import { startServer } from '../../src/server/index.js';
import { WebClient } from '../../src/web/client.js';
import { install } from '../stores/conformance.js';
import { signedHeaders } from './signed.js';

const SECRET = 'canary-signing-secret-replay';
const TEAM = 'T0REPLAY';
const q = { enterpriseId: null, teamId: TEAM, isEnterpriseInstall: false };

const uninstall = () =>
  JSON.stringify({
    type: 'event_callback',
    team_id: TEAM,
    event_id: 'Ev0UNINSTALL',
    event_time: Math.floor(Date.now() / 1000),
    event: { type: 'app_uninstalled' },
  });

test('10,001 events, then a replayed signed app_uninstalled: the fresh re-installation survives', {
  timeout: 180_000,
}, async () => {
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    env: {
      SLACK_CLIENT_ID: '1.2',
      SLACK_CLIENT_SECRET: 'canary-client-secret',
      SLACK_SIGNING_SECRET: SECRET,
      SLACKLINE_DATABASE_URL: 'memory:',
    },
  });
  const events = new URL('/slack/events', server.url).href;
  const post = async (body: string, headers = signedHeaders(SECRET, body)) => {
    const res = await fetch(events, { method: 'POST', body, headers });
    await res.arrayBuffer();
    return res.status;
  };
  try {
    const store = server.stores?.installations;
    assert.ok(store);
    await store.save(install({ team: TEAM, token: 'xoxb-canary-first' }));
    const captured = uninstall();
    const capturedHeaders = signedHeaders(SECRET, captured);
    assert.equal(await post(captured, capturedHeaders), 200);
    await sleep(50);
    assert.equal(await store.findBot(q), undefined, 'the genuine uninstall deletes');

    await sleep(1_100); // the re-installation happens in a later second than the uninstall
    await store.save(install({ team: TEAM, token: 'xoxb-canary-second' }));
    let next = 0;
    const worker = async () => {
      while (next < 10_001) {
        const i = next++;
        const body = JSON.stringify({
          type: 'event_callback',
          team_id: 'T0OTHER',
          event_id: `Ev${i}`,
          event_time: Math.floor(Date.now() / 1000),
          event: { type: 'message', text: String(i) },
        });
        assert.equal(await post(body), 200);
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));

    assert.equal(await post(captured, capturedHeaders), 200, 'the replay is still inside the signature window');
    await sleep(50);
    const kept = await store.findBot(q);
    assert.equal(kept?.bot?.token, 'xoxb-canary-second', 'the re-installation was deleted by a replay');
  } finally {
    await server.close();
  }
});

test('a replay reaching a process whose de-dup never saw it leaves a newer installation alone', async () => {
  const store = new MemoryInstallationStore();
  const client = new WebClient();
  const authority = new InstallationAuthority(store, { scopes: [], client });
  const handlerFor = () => createEventsHandler({ signingSecret: SECRET, authority });
  const request = (body: string, headers: Record<string, string>) =>
    new Request('https://app.example/slack/events', { method: 'POST', body, headers });
  try {
    await store.save(install({ team: TEAM }));
    const captured = uninstall();
    const headers = signedHeaders(SECRET, captured);
    assert.equal((await handlerFor()(request(captured, headers))).status, 200);
    assert.equal(await store.findBot(q), undefined);
    await sleep(1_100);
    await store.save(install({ team: TEAM, token: 'xoxb-canary-again' }));
    // Another process (its own de-dup): only the event_time check can save the installation.
    assert.equal((await handlerFor()(request(captured, headers))).status, 200);
    assert.equal((await store.findBot(q))?.bot?.token, 'xoxb-canary-again');
    // The same for a bot-token revocation captured before the re-installation.
    const revoked = captured
      .replace('Ev0UNINSTALL', 'Ev0REVOKE')
      .replace('{"type":"app_uninstalled"}', '{"type":"tokens_revoked","tokens":{"bot":["U0BOT"]}}');
    assert.match(revoked, /tokens_revoked/);
    assert.equal((await handlerFor()(request(revoked, signedHeaders(SECRET, revoked)))).status, 200);
    assert.equal((await store.findBot(q))?.bot?.token, 'xoxb-canary-again', 'a stale revocation deleted the bot');
    // An uninstall that really happened after the installation still deletes it.
    await sleep(1_100);
    const later = uninstall().replace('Ev0UNINSTALL', 'Ev0LATER');
    assert.equal((await handlerFor()(request(later, signedHeaders(SECRET, later)))).status, 200);
    assert.equal(await store.findBot(q), undefined);
  } finally {
    client.core.close();
  }
});
