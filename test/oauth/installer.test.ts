import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { inspect } from 'node:util';
import { Installer } from '../../src/oauth/installer.js';
import { MemoryInstallationStore } from '../../src/oauth/memory-store.js';
import { WebClient } from '../../src/web/client.js';
import { callback, consent, type Harness, startHarness, startInstall } from './harness.js';

describe('the install flow against the emulator, through serve', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  test('Add to Slack → Allow → "Installation completed", then the stored token posts', async () => {
    const started = await startInstall(h);
    assert.equal(started.status, 200);
    assert.match(started.page, /Add to Slack/);
    assert.match(started.cookie, /^slackline_state=[A-Za-z0-9_-]{43}$/);
    const done = await callback(consent(h, started), started.cookie);
    assert.equal(done.status, 200);
    assert.match(done.body, /Installation completed/);
    assert.equal(done.headers.get('cache-control'), 'no-store');
    assert.equal(done.headers.get('referrer-policy'), 'no-referrer');
    assert.match(done.headers.get('set-cookie') ?? '', /slackline_state=; Max-Age=0/);
    assert.equal(h.exchanges(), 1);

    const teamId = h.emulator.workspace.teamId;
    const auth = await h.server.installer.authorize({ enterpriseId: undefined, teamId, isEnterpriseInstall: false });
    assert.match(auth.botToken ?? '', /^xoxb-/);
    assert.deepEqual(auth.missingScopes, []);
    assert.doesNotMatch(inspect(auth), /xoxb-/);
    const client = await h.server.installer.clientFor({ enterpriseId: undefined, teamId, isEnterpriseInstall: false });
    assert.equal(client.core, h.server.client.core); // one transport for every installation
    await client.chat.postMessage({ channel: 'general', text: 'hello from the stored token' });
    assert.ok(h.emulator.messages('general').some((m) => m.text === 'hello from the stored token'));

    const all = [];
    for await (const inst of h.server.installer.eachInstallation()) all.push(inst);
    assert.deepEqual(
      all.map((i) => i.teamId),
      [teamId],
    );
  });

  test('Cancel → the cancel page, state consumed, nothing exchanged or stored', async () => {
    const [writes, exchanges] = [h.writes(), h.exchanges()];
    const started = await startInstall(h);
    const url = consent(h, started, false);
    const cancelled = await callback(url, started.cookie);
    assert.equal(cancelled.status, 200);
    assert.match(cancelled.body, /Installation cancelled/);
    const again = await callback(url, started.cookie);
    assert.equal(again.status, 400);
    assert.equal(h.writes(), writes);
    assert.equal(h.exchanges(), exchanges);
  });

  test('missing or wrong cookie, replayed state → 0 exchanges; the cookie check does not burn the state', async () => {
    const started = await startInstall(h);
    const url = consent(h, started);
    const exchanges = h.exchanges();
    const other = await startInstall(h);
    for (const cookie of [
      undefined,
      other.cookie,
      `${started.cookie}x`,
      'slackline_state=',
      `${started.cookie}; ${other.cookie}`,
    ]) {
      const res = await callback(url, cookie);
      assert.equal(res.status, 400, String(cookie));
      assert.match(res.body, /Installation failed/);
    }
    assert.equal(h.exchanges(), exchanges);
    assert.equal((await callback(url, started.cookie)).status, 200);
    assert.equal(h.exchanges(), exchanges + 1);
    const replay = await callback(url, started.cookie);
    assert.equal(replay.status, 400);
    assert.match(replay.body, /expired or was already used/);
    assert.equal(h.exchanges(), exchanges + 1);
  });

  test('50 concurrent callbacks with one state → exactly one oauth.v2.access and one success', async () => {
    const started = await startInstall(h);
    const url = consent(h, started);
    const exchanges = h.exchanges();
    const results = await Promise.all(Array.from({ length: 50 }, () => callback(url, started.cookie)));
    assert.equal(results.filter((r) => r.status === 200).length, 1);
    assert.equal(results.filter((r) => r.status === 400).length, 49);
    assert.equal(h.exchanges(), exchanges + 1);
  });

  test('scope drift: authorize() names the missing scopes, the install page offers "Update permissions"', async () => {
    const started = await startInstall(h);
    assert.equal((await callback(consent(h, started), started.cookie)).status, 200);
    const teamId = h.emulator.workspace.teamId;
    const wider = new Installer({
      clientId: h.emulator.clientId,
      clientSecret: h.emulator.clientSecret,
      scopes: ['chat:write', 'channels:read', 'users:read'],
      redirectUri: new URL('/slack/oauth_redirect', h.server.url).href,
      installationStore: h.store,
      client: h.server.client,
    });
    const auth = await wider.authorize({ enterpriseId: undefined, teamId, isEnterpriseInstall: false });
    assert.deepEqual(auth.missingScopes, ['users:read']);
    assert.match(auth.botToken ?? '', /^xoxb-/); // drift is reported, the call does not fail
    const page = await (await wider.handleInstall(new Request(`${h.server.url}slack/install?team=${teamId}`))).text();
    assert.match(page, /Update permissions/);
    assert.match(page, /users:read/);
    assert.match(page, new RegExp(`team=${teamId}`));
    const plain = await (
      await h.server.installer.handleInstall(new Request(`${h.server.url}slack/install?team=${teamId}`))
    ).text();
    assert.match(plain, /already installed in <strong>Slackline Emulator<\/strong>/); // nothing missing: nothing to do
  });

  test('apps.uninstall on the emulator: signed app_uninstalled reaches /slack/events and the rows go', async () => {
    const started = await startInstall(h);
    assert.equal((await callback(consent(h, started), started.cookie)).status, 200);
    const q = { enterpriseId: undefined, teamId: h.emulator.workspace.teamId, isEnterpriseInstall: false };
    const client = await h.server.installer.clientFor(q);
    await client.apps.uninstall({ client_id: h.emulator.clientId, client_secret: h.emulator.clientSecret });
    await h.emulator.install.deliveriesIdle();
    const deliveries = h.emulator.install.deliveries();
    assert.ok(deliveries.length >= 1);
    assert.equal(await h.store.findBot(q), undefined);
    await assert.rejects(h.server.installer.authorize(q), /no installation/);
  });

  test('a Slack error other than access_denied is a 400 page with nothing reflected', async () => {
    const started = await startInstall(h);
    const url = new URL(consent(h, started, false));
    url.searchParams.set('error', '<script>alert(1)</script>');
    const res = await callback(url.href, started.cookie);
    assert.equal(res.status, 400);
    assert.doesNotMatch(res.body, /script>alert/);
  });
});

describe('Installer without a socket', () => {
  test('an expired state is refused and nothing is exchanged', async () => {
    let now = 1_000_000;
    const store = new MemoryInstallationStore();
    const client = new WebClient(undefined, { slackApiUrl: 'http://127.0.0.1:9/api/' }); // never reached
    const installer = new Installer({
      clientId: '1.2',
      clientSecret: 'canary-secret',
      scopes: ['chat:write'],
      redirectUri: 'https://app.example/slack/oauth_redirect',
      installationStore: store,
      client,
      clock: { now: () => now, scale: 1 },
    });
    const page = await installer.handleInstall(new Request('https://app.example/slack/install'));
    const cookie = page.headers.get('set-cookie') ?? '';
    assert.match(
      cookie,
      /^__Host-slackline_state=[A-Za-z0-9_-]{43}; Max-Age=600; Path=\/; Secure; HttpOnly; SameSite=Lax$/,
    );
    const state = cookie.split(';')[0]?.split('=')[1] ?? '';
    now += 600_001;
    const res = await installer.handleCallback(
      new Request(`https://app.example/slack/oauth_redirect?code=1.2.abc&state=${state}`, {
        headers: { cookie: cookie.split(';')[0] ?? '' },
      }),
    );
    assert.equal(res.status, 400);
    assert.match(await res.text(), /expired or was already used/);
    assert.equal((await store.list()).items.length, 0);
    client.core.close();
  });

  test('directInstall redirects straight to Slack with the state cookie; pkce adds an S256 challenge', async () => {
    const client = new WebClient();
    const installer = new Installer({
      clientId: '1.2',
      clientSecret: 'canary-secret',
      scopes: ['chat:write', 'users:read'],
      userScopes: ['search:read'],
      redirectUri: 'https://app.example/slack/oauth_redirect',
      installationStore: new MemoryInstallationStore(),
      client,
      directInstall: true,
      pkce: true,
    });
    const res = await installer.handleInstall(new Request('https://app.example/slack/install'));
    assert.equal(res.status, 302);
    const location = new URL(res.headers.get('location') ?? '');
    assert.equal(location.origin + location.pathname, 'https://slack.com/oauth/v2/authorize');
    assert.equal(location.searchParams.get('scope'), 'chat:write,users:read');
    assert.equal(location.searchParams.get('user_scope'), 'search:read');
    assert.equal(location.searchParams.get('redirect_uri'), 'https://app.example/slack/oauth_redirect');
    assert.equal(location.searchParams.get('code_challenge_method'), 'S256');
    assert.match(location.searchParams.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
    const state = location.searchParams.get('state') ?? '';
    assert.match(res.headers.get('set-cookie') ?? '', new RegExp(`^__Host-slackline_state=${state};`));
    assert.equal(res.headers.get('cache-control'), 'no-store');
    client.core.close();
  });

  test('single-workspace mode: authorize() answers from the token, install routes say OAuth is off', async () => {
    const client = new WebClient();
    const installer = new Installer({ botToken: 'xoxb-canary-env', client });
    const auth = await installer.authorize({ enterpriseId: undefined, teamId: 'T1', isEnterpriseInstall: false });
    assert.equal(auth.botToken, 'xoxb-canary-env');
    for (const handler of [installer.handleInstall, installer.handleCallback]) {
      const res = await handler(new Request('http://localhost:3000/slack/install'));
      assert.equal(res.status, 404);
      assert.match(await res.text(), /OAuth is not configured/);
    }
    client.core.close();
  });

  test('redirect URIs on plain http are refused except localhost (development)', () => {
    const base = {
      clientId: '1',
      clientSecret: 's',
      scopes: [],
      installationStore: new MemoryInstallationStore(),
      client: new WebClient(),
    };
    assert.throws(() => new Installer({ ...base, redirectUri: 'http://app.example/cb' }), /https/);
    assert.ok(new Installer({ ...base, redirectUri: 'http://localhost:3000/cb' }));
    base.client.core.close();
  });
});
