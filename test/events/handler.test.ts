import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createEventsHandler, type EventEnvelope } from '../../src/events/handler.js';
import { signSlackRequest } from '../../src/events/verify.js';
import { InstallationAuthority } from '../../src/oauth/authorize.js';
import { MemoryInstallationStore } from '../../src/oauth/memory-store.js';
import { WebClient } from '../../src/web/client.js';
import { install } from '../stores/conformance.js';
import { signedHeaders } from './signed.js';

const SECRET = 'canary-signing-secret';
const NOW = 1_800_000_000;

function signed(body: string, extra: Record<string, string> = {}, ts = NOW, url = 'https://app.example/slack/events') {
  return new Request(url, { method: 'POST', body, headers: signedHeaders(SECRET, body, { ts, extra }) });
}

function setup() {
  const store = new MemoryInstallationStore();
  const client = new WebClient();
  const authority = new InstallationAuthority(store, { scopes: [], client });
  const calls: EventEnvelope[] = [];
  const handler = createEventsHandler({
    signingSecret: SECRET,
    authority,
    clock: { now: () => NOW * 1000, scale: 1 },
    onEvent: (e) => void calls.push(e),
  });
  return { store, authority, calls, handler, close: () => client.core.close() };
}

const event = (id: string, inner: object, team = 'T0CONF1') =>
  JSON.stringify({ type: 'event_callback', team_id: team, event_id: id, event_time: NOW, event: inner });

test('url_verification is answered only when signed', async () => {
  const { handler, calls, close } = setup();
  const body = JSON.stringify({ type: 'url_verification', challenge: 'c-123', token: 'x' });
  const ok = await handler(signed(body));
  assert.deepEqual(await ok.json(), { challenge: 'c-123' });
  const unsigned = await handler(new Request('https://app.example/slack/events', { method: 'POST', body }));
  assert.equal(unsigned.status, 401);
  assert.equal(calls.length, 0);
  close();
});

test('app_uninstalled and tokens_revoked end in the same state in either order; retries are de-duplicated', async () => {
  for (const order of [
    ['revoke', 'uninstall'],
    ['uninstall', 'revoke'],
  ]) {
    const { store, handler, calls, authority, close } = setup();
    const alice = { id: 'U0ALICE', token: 'xoxp-canary', scopes: ['a'], refreshToken: undefined, expiresAt: undefined };
    await store.save(install({ user: alice }));
    await store.save(install({ team: 'T0KEEP' }));
    const q = { enterpriseId: null, teamId: 'T0CONF1', isEnterpriseInstall: false };
    await authority.authorize(q); // cached: the deletes must invalidate it
    const bodies = {
      revoke: event('Ev1', { type: 'tokens_revoked', tokens: { oauth: ['U0ALICE'], bot: ['U0BOT'] } }),
      uninstall: event('Ev2', { type: 'app_uninstalled' }),
    };
    for (const name of order) {
      const body = bodies[name as keyof typeof bodies];
      assert.equal((await handler(signed(body))).status, 200);
      assert.equal(
        (await handler(signed(body, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' }))).status,
        200,
      );
    }
    await handler.idle();
    assert.equal(calls.length, 2, order.join());
    assert.equal(await store.findInstallation({ ...q, userId: 'U0ALICE' }), undefined);
    await assert.rejects(authority.authorize(q), /no installation/);
    assert.ok(await store.findBot({ ...q, teamId: 'T0KEEP' }));
    close();
  }
});

test('Slack gets its 200 before the user handler runs', async () => {
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let started = false;
  let finished = false;
  const handler = createEventsHandler({
    signingSecret: SECRET,
    clock: { now: () => NOW * 1000, scale: 1 },
    onEvent: async () => {
      started = true;
      await gate;
      finished = true;
    },
  });
  const res = await handler(signed(event('Ev9', { type: 'message', text: 'hi' })));
  assert.equal(res.status, 200);
  assert.equal(started, false); // the ack did not wait for the handler
  assert.equal(finished, false);
  release();
  await handler.idle();
  assert.equal(finished, true);
});

test('100,000 mutated signed requests → 0 accepted, 0 handler calls, 0 answers other than 401', {
  timeout: 300_000,
}, async () => {
  const { handler, calls, close } = setup();
  const body = event('EvM', { type: 'message', text: 'mutate me' });
  const good = signSlackRequest(SECRET, NOW, body);
  let x = 12345;
  const r = () => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return x;
  };
  const flip = (s: string) => {
    const i = r() % s.length;
    const c = s.charCodeAt(i) ^ (1 + (r() % 127));
    return s.slice(0, i) + String.fromCharCode(c === 0 ? 1 : c) + s.slice(i + 1);
  };
  const statuses = new Map<number, number>();
  for (let i = 0; i < 100_000; i++) {
    let b = body;
    let sig = good;
    let ts = String(NOW);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    switch (i % 6) {
      case 0:
        b = flip(body);
        break;
      case 1: {
        // A header must stay a valid header value: swap one character for another printable one.
        const at = r() % good.length;
        const c = String.fromCharCode(0x21 + (r() % 94));
        sig = good.slice(0, at) + (c === good[at] ? '~' : c) + good.slice(at + 1);
        break;
      }
      case 2:
        ts = String(NOW + 1 + (r() % 1000) * (r() % 2 ? 1 : -1));
        break;
      case 3:
        sig = signSlackRequest('wrong-secret', NOW, body);
        break;
      case 4:
        sig = `v0=${good.slice(3).split('').reverse().join('')}`;
        break;
      default:
        b = `${body}${' '.repeat(1 + (r() % 3))}`;
    }
    if (b === body && sig === good && ts === String(NOW)) continue;
    headers['x-slack-signature'] = sig;
    headers['x-slack-request-timestamp'] = ts;
    const res = await handler(new Request('https://app.example/slack/events', { method: 'POST', body: b, headers }));
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
  }
  await handler.idle();
  assert.deepEqual([...statuses.keys()], [401]);
  assert.ok((statuses.get(401) ?? 0) > 99_000);
  assert.equal(calls.length, 0);
  close();
});

test('1,000 ssl_check smuggling attempts → 0 handler calls, 0 store writes', async () => {
  const { handler, calls, store, close } = setup();
  await store.save(install());
  const uninstall = event('EvS', { type: 'app_uninstalled' });
  const variants = [
    (i: number) =>
      new Request(`https://app.example/slack/events?ssl_check=1&n=${i}`, { method: 'POST', body: uninstall }),
    (i: number) =>
      signed(
        event(`EvQ${i}`, { type: 'app_uninstalled' }),
        {},
        NOW,
        `https://app.example/slack/events?ssl_check=1&n=${i}`,
      ),
    (i: number) =>
      new Request('https://app.example/slack/events', {
        method: 'POST',
        body: `ssl_check=1&token=x&payload=${encodeURIComponent(uninstall)}&n=${i}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
    (i: number) =>
      new Request(`https://app.example/slack/events?ssl_check=${['01', '1 ', 'true', '1&ssl_check=1', '%31'][i % 5]}`, {
        method: 'POST',
        body: uninstall,
        headers: { 'content-type': 'application/json' },
      }),
    (i: number) =>
      new Request('https://app.example/slack/events', {
        method: 'POST',
        body: JSON.stringify({ ssl_check: 1, ...JSON.parse(uninstall), n: i }),
        headers: { 'content-type': 'application/json' },
      }),
    (i: number) =>
      new Request('https://app.example/slack/events', {
        method: 'POST',
        body: `ssl_check=1&ssl_check=0&n=${i}`,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-slack-signature': 'v0=00',
          'x-slack-request-timestamp': String(NOW),
        },
      }),
  ];
  const statuses = new Map<number, number>();
  for (let i = 0; i < 1000; i++) {
    const res = await handler((variants[i % variants.length] as (n: number) => Request)(i));
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
  }
  await handler.idle();
  assert.equal(calls.length, 0);
  assert.ok(await store.findBot({ enterpriseId: null, teamId: 'T0CONF1', isEnterpriseInstall: false }));
  assert.deepEqual([...statuses.keys()].sort(), [200, 401]);
  close();
});
