// The Socket Mode client against the emulator (apps.connections.open over HTTP, its Socket Mode
// server over WebSockets, on loopback): delivery and acks, every disconnect reason, hand-over without
// a gap, reconnect counts, stale links, stop().
import assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';
import WebSocket, { type ClientOptions } from 'ws';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { SocketModeClient, SocketModeError, SocketModeErrorCode } from '../../src/socket-mode/index.js';
import { WebClient } from '../../src/web/index.js';
import { busy, startTap } from '../helpers/tap.js';
import { until } from '../helpers/until.js';

let emu: Emulator;
let APP_ID: string;
const clients: SocketModeClient[] = [];

before(async () => {
  emu = await startEmulator({ port: 0 });
  APP_ID = emu.workspace.appId;
});
after(() => emu.close());
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.stop()));
});

/** apps.connections.open calls answered so far (any outcome). */
const opens = (): number => emu.requests().filter((r) => r.api_method === 'apps.connections.open').length;

function client(options: Partial<ConstructorParameters<typeof SocketModeClient>[0]> = {}): SocketModeClient {
  const c = new SocketModeClient({
    appToken: emu.tokens.app,
    slackApiUrl: emu.apiUrl,
    reconnectBaseMs: 50,
    ...options,
  });
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
  const delivered = await emu.socketMode.deliver('events_api', event('Ev1'));
  assert.equal(delivered.acked, true);
  assert.equal(delivered.attempts, 1);
  assert.deepEqual(seen, ['Ev1']);
  const command = await emu.socketMode.deliver('slash_commands', { command: '/deploy', text: 'now' });
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
  const answer = await emu.socketMode.deliver('interactive', { type: 'view_submission', view: { id: 'V1' } });
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
  const delivered = await emu.socketMode.deliver('events_api', event('EvSlow'));
  const ackedAfter = performance.now() - started;
  assert.equal(delivered.acked, true);
  assert.equal(delivered.attempts, 1, 'acked before Slack would have sent it again');
  assert.ok(ackedAfter < 3_000, `acked after ${Math.round(ackedAfter)} ms`);
  assert.equal(finished, false);
  await until('the listener to finish', () => finished, 5_000);
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
    for (let copy = 0; copy < 3; copy++) deliveries.push(emu.socketMode.deliver('events_api', event(`EvDup${i}`)));
  }
  const results = await Promise.all(deliveries);
  assert.equal(results.filter((r) => !r.acked).length, 0, 'every copy acked');
  assert.equal(runs.size, 1_000);
  for (const [id, n] of runs) assert.equal(n, 1, `${id} ran ${n} times`);
  assert.equal(c.stats.duplicates, 2_000);
});

test('a listener added while envelopes flow is called from the next envelope on, and not once removed', async () => {
  const c = client();
  const calls: string[] = [];
  const id = (body: unknown) => (body as { event_id: string }).event_id;
  c.on('events_api', ({ body }) => {
    calls.push(`typed ${id(body)}`);
  });
  await c.start();
  await emu.socketMode.deliver('events_api', event('EvL1'));
  const off = c.on('envelope', ({ body }) => {
    calls.push(`any ${id(body)}`);
  });
  await emu.socketMode.deliver('events_api', event('EvL2'));
  off();
  await emu.socketMode.deliver('events_api', event('EvL3'));
  assert.deepEqual(calls, ['typed EvL1', 'typed EvL2', 'any EvL2', 'typed EvL3']);
});

test('an envelope its synchronous listener held without acking is acked empty by the deadline counted from its arrival', async () => {
  const c = client({ ackDeadlineMs: 1_000 });
  c.on('events_api', () => {
    const start = performance.now();
    while (performance.now() - start < 1_500) {} // past the deadline before the listener returns
    return new Promise<void>(() => {}); // and its work never ends
  });
  await c.start();
  const started = performance.now();
  const delivered = await emu.socketMode.deliver('events_api', event('EvHeld'));
  const ackedAfter = performance.now() - started;
  assert.equal(delivered.acked, true);
  // Due 1,000 ms after arrival, so acked as soon as the listener lets go (~1,500 ms), not 1,000 ms later.
  assert.ok(ackedAfter < 2_000, `acked after ${Math.round(ackedAfter)} ms`);
});

test('a long burst is acked as it is handled, not all at its end: Slack reads the first acks while the app works', async () => {
  // The tap holds Slack's 64 envelopes and passes them on in one write: the client reads them at once.
  const tap = await startTap(Number(new URL(emu.apiUrl).port), { holdMs: 50 });
  try {
    const Tapped = class extends WebSocket {
      constructor(url: string, options?: ClientOptions) {
        const target = new URL(url);
        target.port = String(tap.port);
        super(target.href, options);
      }
    };
    const c = client({ WebSocket: Tapped });
    c.on('events_api', () => busy(10)); // 64 envelopes: about 640 ms of synchronous work in one turn
    await c.start();
    const before = (await tap.chunks()).length;
    const results = await Promise.all(
      Array.from({ length: 64 }, (_, i) => emu.socketMode.deliver('events_api', event(`EvBurst${i}`))),
    );
    assert.equal(results.filter((r) => !r.acked).length, 0);
    const acks = (await tap.chunks()).slice(before).filter((chunk) => chunk.way === 'up');
    const spread = acks.at(-1)!.at - acks[0]!.at;
    assert.ok(spread > 200, `the first acks left ${Math.round(spread)} ms before the last (one write at the end: 0)`);
  } finally {
    await tap.close();
  }
});

test('at most maxConcurrency listener runs at once; the rest wait their turn, and every envelope is acked', async () => {
  const c = client({ maxConcurrency: 2 });
  let running = 0;
  let peak = 0;
  let ran = 0;
  const gates: (() => void)[] = [];
  c.on('events_api', async () => {
    running++;
    peak = Math.max(peak, running);
    await new Promise<void>((resolve) => gates.push(resolve));
    running--;
    ran++;
  });
  await c.start();
  const results = Array.from({ length: 5 }, (_, i) => emu.socketMode.deliver('events_api', event(`EvConc${i}`)));
  await until('two listeners running', () => gates.length === 2, 2_000);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(running, 2, 'the other three wait');
  while (ran < 5) {
    for (const open of gates.splice(0)) open();
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.equal(peak, 2);
  assert.deepEqual(
    (await Promise.all(results)).map((r) => r.acked),
    [true, true, true, true, true],
  );
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
    const offlineBefore = emu.socketMode.offlineMs();
    let sent = 0;
    const pumping = (async () => {
      const results: Promise<{ acked: boolean }>[] = [];
      for (; sent < 300; sent++) {
        results.push(emu.socketMode.deliver('events_api', event(`EvR${sent}`)));
        if (sent === 100) emu.socketMode.disconnect('refresh_requested');
        await new Promise((r) => setImmediate(r));
      }
      return Promise.all(results);
    })();
    const results = await pumping;
    assert.equal(results.filter((r) => !r.acked).length, 0, 'every event acked');
    assert.equal(seen.size, 300);
    await until('the hand-over', () => c.stats.refreshes === 1 && c.openSockets === 1, 5_000);
    assert.equal(c.stats.reconnects, 0, 'a refresh is not a reconnect');
    assert.equal(emu.socketMode.offlineMs() - offlineBefore, 0, 'never without a connection (no delivery gap)');
    assert.ok(maxSockets <= 2, `at most two sockets during the hand-over (saw ${maxSockets})`);
  } finally {
    clearInterval(sampler);
  }
});

test('warning: hands over before the server closes the old socket', async () => {
  // Slack's 10 s warning grace in 2 s: Slack time at 5x.
  const local = await startEmulator({ port: 0, clock: { scale: 5 } });
  try {
    const c = new SocketModeClient({ appToken: local.tokens.app, slackApiUrl: local.apiUrl });
    clients.push(c);
    await c.start();
    local.socketMode.disconnect('warning');
    await until('the hand-over', () => c.stats.refreshes === 1, 2_000);
    // The old socket is still open (its grace has not run out) and the new one is live.
    assert.equal(local.socketMode.connections(), 1 + (c.openSockets === 2 ? 1 : 0));
    await until('the old socket to go', () => local.socketMode.connections() === 1, 5_000);
    assert.equal((await local.socketMode.deliver('events_api', event('EvW'))).acked, true);
  } finally {
    await Promise.all(clients.splice(0).map((c) => c.stop()));
    await local.close();
  }
});

test('link_disabled stops the client for good and says why', async () => {
  const c = client();
  const stopped: { reason: string; code: string | undefined }[] = [];
  c.on('stopped', ({ reason, error }) => stopped.push({ reason, code: error?.code }));
  await c.start();
  const opensBefore = opens();
  emu.socketMode.disconnect('link_disabled');
  await until('the stop', () => stopped.length === 1, 2_000);
  assert.deepEqual(stopped, [{ reason: 'link_disabled', code: SocketModeErrorCode.LinkDisabled }]);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(opens(), opensBefore, 'no reconnect after link_disabled');
  assert.equal(c.running, false);
  assert.equal(emu.socketMode.connections(), 0);
});

test('too_many_websockets backs off before connecting again', async () => {
  const c = client({ reconnectBaseMs: 400 });
  await c.start();
  const disconnectedAt = performance.now();
  emu.socketMode.disconnect('too_many_websockets');
  await until('the reconnect', () => c.stats.reconnects === 1, 5_000);
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
      emu.socketMode.drop();
      await until(`reconnect ${k}`, () => c.stats.reconnects === k && emu.socketMode.connections() === 1, 5_000);
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
  emu.socketMode.answerPings(false);
  try {
    await until('the stale link to be replaced', () => c.stats.reconnects >= 1, 3_000);
  } finally {
    emu.socketMode.answerPings(true);
  }
  await until('one live connection', () => emu.socketMode.connections() === 1, 3_000);
});

test('stop() during a reconnect is clean: no connect after it, and it returns at once', async () => {
  const c = client({ reconnectBaseMs: 300 });
  await c.start();
  emu.addFault({ method: 'apps.connections.open', kind: 'status', status: 500, times: 1_000 });
  try {
    emu.socketMode.drop();
    await until('the reconnect loop', () => opens() > 0 && c.openSockets === 0, 2_000);
    await new Promise((r) => setTimeout(r, 100));
    const started = performance.now();
    await c.stop();
    assert.ok(performance.now() - started < 1_500);
    const opened = opens();
    await new Promise((r) => setTimeout(r, 800));
    assert.equal(opens(), opened, 'no apps.connections.open after stop()');
  } finally {
    emu.clearFaults();
  }
});

test('a refused app token rejects start() with a typed error and stops', async () => {
  const c = new SocketModeClient({ appToken: 'xapp-1-wrong-canary', slackApiUrl: emu.apiUrl });
  clients.push(c);
  await assert.rejects(c.start(), (err: unknown) => {
    assert.ok(err instanceof SocketModeError);
    assert.equal(err.code, SocketModeErrorCode.Refused);
    assert.ok(!err.message.includes('wrong-canary'));
    return true;
  });
  assert.equal(c.running, false);
});

test('200 forced reconnect cycles leave handle and listener counts where they were', async (t) => {
  // The client's own WebClient paces apps.connections.open at Slack's published tier (about 50 a
  // minute after a burst): right for an app, but 200 cycles would take minutes. This one does not pace.
  const web = new WebClient(emu.tokens.app, { slackApiUrl: emu.apiUrl, rateLimits: false });
  t.after(() => web.close());
  const c = client({ reconnectBaseMs: 1, client: web });
  let runs = 0;
  c.on('events_api', () => {
    runs++;
  });
  await c.start();
  const handles = () => (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().length;
  const before = handles();
  for (let i = 1; i <= 200; i++) {
    emu.socketMode.drop();
    await until(`cycle ${i}`, () => c.stats.reconnects === i && emu.socketMode.connections() === 1, 5_000);
  }
  assert.equal((await emu.socketMode.deliver('events_api', event('EvAfter'))).acked, true);
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
    assert.equal((await emu.socketMode.deliver('events_api', uninstall('EvUn1', now))).acked, true);
    assert.equal(await store.findBot(q), undefined, 'the uninstall deleted the row');
    await install(); // a reinstall after the event
    assert.equal((await emu.socketMode.deliver('events_api', uninstall('EvUn2', now - 60))).acked, true);
    assert.ok((await store.findBot(q)) !== undefined, 'an uninstall from before the reinstall keeps it');
  } finally {
    web.close();
  }
});
