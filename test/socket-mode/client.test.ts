// The Socket Mode client against a real local Slack (HTTP + WebSocket on loopback): delivery and
// acks, every disconnect reason, hand-over without a gap, reconnect counts, stale links, stop().
import assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';
import { SocketModeClient, SocketModeError, SocketModeErrorCode } from '../../src/socket-mode/index.js';
import { APP_ID, APP_TOKEN, type SocketSlack, socketSlack, until } from './harness.js';

let slack: SocketSlack;
const clients: SocketModeClient[] = [];

before(async () => {
  slack = await socketSlack();
});
after(() => slack.close());
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.stop()));
});

function client(options: Partial<ConstructorParameters<typeof SocketModeClient>[0]> = {}): SocketModeClient {
  const c = new SocketModeClient({ appToken: APP_TOKEN, slackApiUrl: slack.apiUrl, reconnectBaseMs: 50, ...options });
  clients.push(c);
  return c;
}

const event = (id: string) => ({ type: 'event_callback', event_id: id, event: { type: 'app_mention', text: id } });

test('events arrive with their payload and are acked; a slash command is answered with a payload', async () => {
  const c = client();
  const seen: string[] = [];
  c.on('events_api', ({ body }) => {
    seen.push(String((body as { event_id: string }).event_id));
  });
  c.on('slash_commands', ({ body, ack }) => ack({ text: `ran ${(body as { command: string }).command}` }));
  await c.start();
  const delivered = await slack.server.deliver(APP_ID, 'events_api', event('Ev1'));
  assert.equal(delivered.acked, true);
  assert.equal(delivered.attempts, 1);
  assert.deepEqual(seen, ['Ev1']);
  const command = await slack.server.deliver(APP_ID, 'slash_commands', { command: '/deploy', text: 'now' });
  assert.deepEqual(command, { acked: true, payload: { text: 'ran /deploy' }, attempts: 1 });
});

test('a view_submission is answered with response_action: errors', async () => {
  const c = client();
  c.on('interactive', ({ body, ack }) => {
    if ((body as { type: string }).type === 'view_submission') {
      ack({ response_action: 'errors', errors: { title: 'Too short' } });
    }
  });
  await c.start();
  const answer = await slack.server.deliver(APP_ID, 'interactive', { type: 'view_submission', view: { id: 'V1' } });
  assert.deepEqual(answer.payload, { response_action: 'errors', errors: { title: 'Too short' } });
});

test('the ack goes out within 3 s while a listener runs far longer, and the work finishes after', async () => {
  const c = client({ ackDeadlineMs: 2_000 });
  let finished = false;
  c.on('events_api', async () => {
    await new Promise((r) => setTimeout(r, 4_000));
    finished = true;
  });
  await c.start();
  const started = performance.now();
  const delivered = await slack.server.deliver(APP_ID, 'events_api', event('EvSlow'));
  const ackedAfter = performance.now() - started;
  assert.equal(delivered.acked, true);
  assert.equal(delivered.attempts, 1, 'acked before Slack would have sent it again');
  assert.ok(ackedAfter < 3_000, `acked after ${Math.round(ackedAfter)} ms`);
  assert.equal(finished, false);
  await until(() => finished, 5_000, 'the listener to finish');
});

test('1,000 events each delivered 3 times reach the listener 1,000 times; every copy is acked', async () => {
  const c = client();
  const runs = new Map<string, number>();
  c.on('events_api', ({ body }) => {
    const id = (body as { event_id: string }).event_id;
    runs.set(id, (runs.get(id) ?? 0) + 1);
  });
  await c.start();
  const deliveries: Promise<{ acked: boolean }>[] = [];
  for (let i = 0; i < 1_000; i++) {
    for (let copy = 0; copy < 3; copy++)
      deliveries.push(slack.server.deliver(APP_ID, 'events_api', event(`EvDup${i}`)));
  }
  const results = await Promise.all(deliveries);
  assert.equal(results.filter((r) => !r.acked).length, 0, 'every copy acked');
  assert.equal(runs.size, 1_000);
  for (const [id, n] of runs) assert.equal(n, 1, `${id} ran ${n} times`);
  assert.equal(c.stats.duplicates, 2_000);
});

test('refresh_requested: the next connection is open before the old one closes; no event lost, no gap', async () => {
  const c = client();
  const seen = new Set<string>();
  c.on('events_api', ({ body }) => {
    seen.add((body as { event_id: string }).event_id);
  });
  let maxSockets = 0;
  const sampler = setInterval(() => {
    maxSockets = Math.max(maxSockets, c.openSockets);
  }, 10);
  try {
    await c.start();
    const offlineBefore = slack.server.offlineMs(APP_ID);
    let sent = 0;
    const pumping = (async () => {
      const results: Promise<{ acked: boolean }>[] = [];
      for (; sent < 300; sent++) {
        results.push(slack.server.deliver(APP_ID, 'events_api', event(`EvR${sent}`)));
        if (sent === 100) slack.server.disconnect(APP_ID, 'refresh_requested');
        await new Promise((r) => setImmediate(r));
      }
      return Promise.all(results);
    })();
    const results = await pumping;
    assert.equal(results.filter((r) => !r.acked).length, 0, 'every event acked');
    assert.equal(seen.size, 300);
    await until(() => c.stats.refreshes === 1 && c.openSockets === 1, 5_000, 'the hand-over');
    assert.equal(c.stats.reconnects, 0, 'a refresh is not a reconnect');
    assert.equal(slack.server.offlineMs(APP_ID) - offlineBefore, 0, 'never without a connection (no delivery gap)');
    assert.ok(maxSockets <= 2, `at most two sockets during the hand-over (saw ${maxSockets})`);
  } finally {
    clearInterval(sampler);
  }
});

test('warning: hands over before the server closes the old socket', async () => {
  const local = await socketSlack({ warningGraceMs: 2_000 });
  try {
    const c = new SocketModeClient({ appToken: APP_TOKEN, slackApiUrl: local.apiUrl });
    clients.push(c);
    await c.start();
    local.server.disconnect(APP_ID, 'warning');
    await until(() => c.stats.refreshes === 1, 2_000, 'the hand-over');
    // The old socket is still open (its grace has not run out) and the new one is live.
    assert.equal(local.server.connections(APP_ID), 1 + (c.openSockets === 2 ? 1 : 0));
    await until(() => local.server.connections(APP_ID) === 1, 5_000, 'the old socket to go');
    assert.equal((await local.server.deliver(APP_ID, 'events_api', event('EvW'))).acked, true);
  } finally {
    await local.close();
  }
});

test('link_disabled stops the client for good and says why', async () => {
  const c = client();
  const stopped: { reason: string; code: string | undefined }[] = [];
  c.on('stopped', ({ reason, error }) => stopped.push({ reason, code: error?.code }));
  await c.start();
  const opensBefore = slack.opens;
  slack.server.disconnect(APP_ID, 'link_disabled');
  await until(() => stopped.length === 1, 2_000, 'the stop');
  assert.deepEqual(stopped, [{ reason: 'link_disabled', code: SocketModeErrorCode.LinkDisabled }]);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(slack.opens, opensBefore, 'no reconnect after link_disabled');
  assert.equal(c.running, false);
  assert.equal(slack.server.connections(APP_ID), 0);
});

test('too_many_websockets backs off before connecting again', async () => {
  const c = client({ reconnectBaseMs: 400 });
  await c.start();
  const disconnectedAt = performance.now();
  slack.server.disconnect(APP_ID, 'too_many_websockets');
  await until(() => c.stats.reconnects === 1, 5_000, 'the reconnect');
  const waited = performance.now() - disconnectedAt;
  assert.ok(waited >= 200, `reconnected after ${Math.round(waited)} ms, without backing off`);
});

test('K dropped connections cause exactly K reconnects, never more than one socket', async () => {
  const c = client();
  let maxSockets = 0;
  const sampler = setInterval(() => {
    maxSockets = Math.max(maxSockets, c.openSockets);
  }, 10);
  try {
    await c.start();
    const K = 7;
    for (let k = 1; k <= K; k++) {
      slack.server.drop(APP_ID);
      await until(() => c.stats.reconnects === k && slack.server.connections(APP_ID) === 1, 5_000, `reconnect ${k}`);
    }
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(c.stats.reconnects, K);
    assert.equal(c.stats.connections, K + 1);
    assert.equal(maxSockets, 1);
  } finally {
    clearInterval(sampler);
  }
});

test('a server that stops answering pings is found stale and replaced', async () => {
  const c = client({ pingIntervalMs: 100, pongTimeoutMs: 200 });
  await c.start();
  slack.server.answerPings(APP_ID, false);
  try {
    await until(() => c.stats.reconnects >= 1, 3_000, 'the stale link to be replaced');
  } finally {
    slack.server.answerPings(APP_ID, true);
  }
  await until(() => slack.server.connections(APP_ID) === 1, 3_000, 'one live connection');
});

test('stop() during a reconnect is clean: no connect after it, and it returns at once', async () => {
  const c = client({ reconnectBaseMs: 300 });
  await c.start();
  slack.failOpens(1_000, 500);
  try {
    slack.server.drop(APP_ID);
    await until(() => slack.opens > 0 && c.openSockets === 0, 2_000, 'the reconnect loop');
    await new Promise((r) => setTimeout(r, 100));
    const started = performance.now();
    await c.stop();
    assert.ok(performance.now() - started < 1_500);
    const opens = slack.opens;
    await new Promise((r) => setTimeout(r, 800));
    assert.equal(slack.opens, opens, 'no apps.connections.open after stop()');
  } finally {
    slack.failOpens(0, 500);
  }
});

test('a refused app token rejects start() with a typed error and stops', async () => {
  const c = new SocketModeClient({ appToken: 'xapp-1-wrong-canary', slackApiUrl: slack.apiUrl });
  clients.push(c);
  await assert.rejects(c.start(), (err: unknown) => {
    assert.ok(err instanceof SocketModeError);
    assert.equal(err.code, SocketModeErrorCode.Refused);
    assert.ok(!err.message.includes('wrong-canary'));
    return true;
  });
  assert.equal(c.running, false);
});

test('200 forced reconnect cycles leave handle and listener counts where they were', async () => {
  const c = client({ reconnectBaseMs: 1 });
  let runs = 0;
  c.on('events_api', () => {
    runs++;
  });
  await c.start();
  const handles = () => (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().length;
  const before = handles();
  for (let i = 1; i <= 200; i++) {
    slack.server.drop(APP_ID);
    await until(() => c.stats.reconnects === i && slack.server.connections(APP_ID) === 1, 5_000, `cycle ${i}`);
  }
  assert.equal((await slack.server.deliver(APP_ID, 'events_api', event('EvAfter'))).acked, true);
  assert.equal(runs, 1);
  await new Promise((r) => setTimeout(r, 100));
  assert.ok(handles() <= before + 2, `handles ${before} -> ${handles()}`);
});

test('app_uninstalled over Socket Mode deletes the installation; an uninstall older than a reinstall keeps it', async () => {
  const { MemoryInstallationStore } = await import('../../src/oauth/memory-store.js');
  const { InstallationAuthority } = await import('../../src/oauth/authorize.js');
  const { WebClient } = await import('../../src/web/client.js');
  const store = new MemoryInstallationStore();
  const web = new WebClient();
  const authority = new InstallationAuthority(store, { scopes: [], client: web });
  const install = () =>
    store.save({
      appId: APP_ID,
      enterpriseId: null,
      enterpriseName: undefined,
      enterpriseUrl: undefined,
      teamId: 'T0SOCKUN1',
      teamName: 'Uninstall',
      isEnterpriseInstall: false,
      tokenType: 'bot',
      bot: {
        token: 'xoxb-canary-socket',
        id: 'B1',
        userId: 'U1',
        scopes: [],
        refreshToken: undefined,
        expiresAt: undefined,
      },
      user: { id: 'U2', token: undefined, scopes: [], refreshToken: undefined, expiresAt: undefined },
      incomingWebhook: undefined,
    });
  const q = { enterpriseId: null, teamId: 'T0SOCKUN1', isEnterpriseInstall: false };
  const uninstall = (id: string, eventTime: number) => ({
    type: 'event_callback',
    team_id: 'T0SOCKUN1',
    event_id: id,
    event_time: eventTime,
    event: { type: 'app_uninstalled' },
  });
  try {
    const c = client({ authority });
    await c.start();
    await install();
    const now = Math.floor(Date.now() / 1000);
    assert.equal((await slack.server.deliver(APP_ID, 'events_api', uninstall('EvUn1', now))).acked, true);
    assert.equal(await store.findBot(q), undefined, 'the uninstall deleted the row');
    await install(); // a reinstall after the event
    assert.equal((await slack.server.deliver(APP_ID, 'events_api', uninstall('EvUn2', now - 60))).acked, true);
    assert.ok((await store.findBot(q)) !== undefined, 'an uninstall from before the reinstall keeps it');
  } finally {
    web.close();
  }
});
