import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { api } from './helpers.js';
import { access, authorizeUrl, codeFor, type Received, receiver } from './oauth-helpers.js';

type Receiver = Awaited<ReturnType<typeof receiver>>;

/** Checks a delivery the way an app must: v0 HMAC-SHA256 over `v0:{ts}:{body}` with the signing secret. */
function verify(emu: Emulator, got: Received): Record<string, unknown> {
  const ts = String(got.headers['x-slack-request-timestamp']);
  assert.match(ts, /^\d{10}$/);
  assert.ok(Math.abs(Number(ts) - Date.now() / 1000) < 60);
  const expected = `v0=${createHmac('sha256', emu.signingSecret).update(`v0:${ts}:${got.body}`).digest('hex')}`;
  const actual = String(got.headers['x-slack-signature']);
  assert.equal(actual.length, expected.length);
  assert.ok(timingSafeEqual(Buffer.from(actual), Buffer.from(expected)), 'signature must verify');
  if (got.headers['content-type'] === 'application/x-www-form-urlencoded') {
    return Object.fromEntries(new URLSearchParams(got.body));
  }
  assert.equal(got.headers['content-type'], 'application/json');
  return JSON.parse(got.body) as Record<string, unknown>;
}

async function install(emu: Emulator): Promise<{ bot: string; user: string; botUser: string; userId: string }> {
  const res = await access(emu, { code: await codeFor(emu, { scope: 'chat:write', user_scope: 'search:read' }) });
  const authed = res.authed_user as Record<string, string>;
  return {
    bot: String(res.access_token),
    user: authed.access_token ?? '',
    botUser: String(res.bot_user_id),
    userId: authed.id ?? '',
  };
}

describe('emulator: auth.revoke, apps.uninstall and signed event delivery', () => {
  let emu: Emulator;
  let app: Receiver;
  before(async () => {
    app = await receiver();
    emu = await startEmulator({ app: { eventsUrl: app.url } });
  });
  after(async () => {
    await emu.close();
    await app.close();
  });

  it('auth.revoke with test=true changes nothing; without it the token stops working', async () => {
    const { bot, botUser } = await install(emu);
    assert.deepEqual((await api(emu, 'auth.revoke', { test: true }, bot)).body, { ok: true, revoked: false });
    assert.equal((await api(emu, 'auth.test', {}, bot)).body.ok, true);
    assert.deepEqual((await api(emu, 'auth.revoke', {}, bot)).body, { ok: true, revoked: true });
    assert.deepEqual((await api(emu, 'auth.test', {}, bot)).body, { ok: false, error: 'invalid_auth' });
    assert.deepEqual((await api(emu, 'auth.revoke', {}, bot)).body, { ok: false, error: 'invalid_auth' });
    assert.deepEqual((await api(emu, 'auth.revoke', {}, null)).body, { ok: false, error: 'not_authed' });
    await emu.install.deliveriesIdle();
    const event = verify(emu, app.received.at(-1)!);
    assert.deepEqual(event.event, { type: 'tokens_revoked', tokens: { oauth: [], bot: [botUser] } });
  });

  it("apps.uninstall checks the client credentials and that the token is the app's", async () => {
    const { bot } = await install(emu);
    const other = emu.install.registerApp({ name: 'Other' });
    const cases: [Record<string, string>, string][] = [
      [{ client_id: 'nope', client_secret: emu.clientSecret }, 'invalid_client_id'],
      [{ client_id: emu.clientId, client_secret: 'wrong' }, 'bad_client_secret'],
      [{ client_id: other.clientId, client_secret: other.clientSecret }, 'client_id_token_mismatch'],
    ];
    for (const [args, error] of cases)
      assert.deepEqual((await api(emu, 'apps.uninstall', args, bot)).body, { ok: false, error });
    assert.equal((await api(emu, 'auth.test', {}, bot)).body.ok, true);
  });

  it('apps.uninstall revokes every token of the app in the workspace and delivers signed events', async () => {
    app.received.length = 0;
    const { bot, user, botUser, userId } = await install(emu);
    const res = await api(emu, 'apps.uninstall', { client_id: emu.clientId, client_secret: emu.clientSecret }, bot);
    assert.deepEqual(res.body, { ok: true });
    assert.deepEqual((await api(emu, 'auth.test', {}, bot)).body, { ok: false, error: 'token_revoked' });
    assert.deepEqual((await api(emu, 'auth.test', {}, user)).body, { ok: false, error: 'token_revoked' });
    // The seeded default tokens belong to the same app and workspace: gone too.
    assert.deepEqual((await api(emu, 'auth.test', {}, emu.tokens.bot)).body, { ok: false, error: 'token_revoked' });
    await emu.install.deliveriesIdle();
    const events = app.received.map((r) => verify(emu, r));
    assert.deepEqual(
      events.map((e) => (e.event as { type: string }).type),
      ['tokens_revoked', 'app_uninstalled'],
    );
    const [revoked, uninstalled] = events as [Record<string, unknown>, Record<string, unknown>];
    const tokens = (revoked.event as { tokens: { oauth: string[]; bot: string[] } }).tokens;
    assert.ok(tokens.oauth.includes(userId));
    assert.ok(tokens.bot.includes(botUser));
    assert.deepEqual(Object.keys(uninstalled), [
      'token',
      'team_id',
      'api_app_id',
      'event',
      'type',
      'event_id',
      'event_time',
    ]);
    assert.equal(uninstalled.type, 'event_callback');
    assert.equal(uninstalled.team_id, emu.workspace.teamId);
    assert.equal(uninstalled.api_app_id, emu.workspace.appId);
    assert.match(String(uninstalled.event_id), /^Ev[0-9A-Z]+$/);
    assert.notEqual(revoked.event_id, uninstalled.event_id);
    assert.equal(app.received[0]?.headers['x-slack-retry-num'], undefined);
    // A fresh install works again afterwards.
    const again = await install(emu);
    assert.equal((await api(emu, 'auth.test', {}, again.bot)).body.ok, true);
  });

  it('an org-wide uninstall names the enterprise in its events', async () => {
    const org = emu.install.addEnterprise({ name: 'Starship' });
    const url = authorizeUrl(emu, { scope: 'chat:write', team: org.id });
    const { code } = emu.install.approve(url);
    const res = await access(emu, { code: code ?? '' });
    assert.equal(res.is_enterprise_install, true);
    app.received.length = 0;
    const args = { client_id: emu.clientId, client_secret: emu.clientSecret };
    assert.deepEqual((await api(emu, 'apps.uninstall', args, String(res.access_token))).body, { ok: true });
    await emu.install.deliveriesIdle();
    const events = app.received.map((r) => verify(emu, r));
    assert.deepEqual(
      events.map((e) => [e.team_id, e.enterprise_id, (e.event as { type: string }).type]),
      [
        [org.id, org.id, 'tokens_revoked'],
        [org.id, org.id, 'app_uninstalled'],
      ],
    );
  });

  it('shows deliveries on the control API and sends url_verification and custom events on request', async () => {
    const sent = await fetch(`${emu.url}_emulator/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'url_verification' }),
    });
    assert.equal(sent.status, 200);
    await emu.install.deliveriesIdle();
    const challenge = verify(emu, app.received.at(-1)!);
    assert.equal(challenge.type, 'url_verification');
    assert.match(String(challenge.challenge), /^[0-9a-f]{48}$/);
    await fetch(`${emu.url}_emulator/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'ssl_check' }),
    });
    await emu.install.deliveriesIdle();
    const check = app.received.at(-1)!;
    assert.equal(check.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.deepEqual(verify(emu, check), { ssl_check: '1', token: emu.install.app().verificationToken });
    const log = (await (await fetch(`${emu.url}_emulator/events`)).json()) as { deliveries: Record<string, unknown>[] };
    const last = log.deliveries.at(-2)!;
    assert.equal(last.state, 'delivered');
    assert.deepEqual(
      (last.attempts as { status: number }[]).map((a) => a.status),
      [200],
    );
  });
});

describe('emulator: event delivery retries', () => {
  it('retries a slow or failing app with X-Slack-Retry-Num and X-Slack-Retry-Reason', async () => {
    const answers = [{ status: 200, delayMs: 2000 }, { status: 500 }, { status: 200 }];
    const app = await receiver((n) => answers[n - 1] ?? { status: 200 });
    const emu = await startEmulator({
      app: { eventsUrl: app.url },
      events: { timeoutMs: 300, retryDelaysMs: [0, 10, 10] },
    });
    try {
      const { bot } = await install(emu);
      await api(emu, 'auth.revoke', {}, bot);
      await emu.install.deliveriesIdle();
      const first = emu.install.deliveries()[0]!;
      assert.equal(first.type, 'tokens_revoked');
      assert.equal(first.state, 'delivered');
      assert.deepEqual(
        first.attempts.map((a) => [a.retry_num, a.status, a.reason]),
        [
          [0, null, 'http_timeout'],
          [1, 500, 'http_error'],
          [2, 200, null],
        ],
      );
      const mine = app.received.slice(0, 3);
      assert.deepEqual(
        mine.map((r) => [r.headers['x-slack-retry-num'], r.headers['x-slack-retry-reason']]),
        [
          [undefined, undefined],
          ['1', 'http_timeout'],
          ['2', 'http_error'],
        ],
      );
      const ids = mine.map((r) => verify(emu, r).event_id);
      assert.equal(new Set(ids).size, 1, 'a retry carries the same event_id');
    } finally {
      await emu.close();
      await app.close();
    }
  });

  it('gives up after the last retry, and at once when the app says X-Slack-No-Retry', async () => {
    const app = await receiver(() => ({ status: 503 }));
    const emu = await startEmulator({ app: { eventsUrl: app.url }, events: { retryDelaysMs: [0, 5, 5] } });
    try {
      await fetch(`${emu.url}_emulator/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ event: { type: 'app_mention', text: 'hi' } }),
      });
      await emu.install.deliveriesIdle();
      const [record] = emu.install.deliveries();
      assert.equal(record?.state, 'failed');
      assert.equal(record?.attempts.length, 4);
      assert.equal(app.received.length, 4);
    } finally {
      await emu.close();
      await app.close();
    }
    const quiet = await receiver(() => ({ status: 500 }));
    quiet.server.prependListener('request', (_req, res) => res.setHeader('x-slack-no-retry', '1'));
    const emu2 = await startEmulator({ app: { eventsUrl: quiet.url }, events: { retryDelaysMs: [0, 5, 5] } });
    try {
      await api(emu2, 'auth.revoke', {}, emu2.tokens.user);
      await emu2.install.deliveriesIdle();
      assert.equal(emu2.install.deliveries()[0]?.attempts.length, 1);
    } finally {
      await emu2.close();
      await quiet.close();
    }
  });
});
