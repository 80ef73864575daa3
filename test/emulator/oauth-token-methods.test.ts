// The emulator's token methods around rotation (FACTS.md section 2), on its clock: a used refresh
// token's grace period, the limit of 2 active tokens, oauth.v2.exchange and tooling.tokens.rotate.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { api } from './helpers.js';
import { access, codeFor } from './oauth-helpers.js';

async function call(emu: Emulator, method: string, form: Record<string, string>): Promise<Record<string, unknown>> {
  const res = await fetch(new URL(`api/${method}`, emu.apiUrl.replace(/api\/$/, '')), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
  return (await res.json()) as Record<string, unknown>;
}

const authed = async (emu: Emulator, token: string) => (await api(emu, 'auth.test', {}, token)).body;
/** Whether a configuration token is accepted (apps.manifest.export: any answer but an auth error). */
const configAccepted = async (emu: Emulator, token: string) => {
  const { body } = await api(emu, 'apps.manifest.export', { app_id: emu.workspace.appId }, token);
  return !['invalid_auth', 'not_authed', 'token_revoked', 'token_expired', 'not_allowed_token_type'].includes(
    String(body.error),
  );
};

describe('emulator: refresh grace period and the limit of 2 active tokens', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator({ app: { tokenRotation: true } });
  });
  after(() => emu.close());
  afterEach(() => {
    emu.state.clock.offsetMs = 0;
  });

  it('a used refresh token works again within 30 s of emulator time, then is refused', async () => {
    const res = await access(emu, { code: await codeFor(emu, { scope: 'chat:write' }) });
    const refresh = String(res.refresh_token);
    const first = await access(emu, { grant_type: 'refresh_token', refresh_token: refresh });
    assert.equal(first.ok, true);
    emu.state.clock.offsetMs += 20_000;
    const retried = await access(emu, { grant_type: 'refresh_token', refresh_token: refresh });
    assert.equal(retried.ok, true, 'a client whose answer was lost can retry inside the grace period');
    assert.notEqual(retried.access_token, first.access_token);
    emu.state.clock.offsetMs += 11_000;
    assert.deepEqual(await access(emu, { grant_type: 'refresh_token', refresh_token: refresh }), {
      ok: false,
      error: 'invalid_refresh_token',
    });
  });

  it('refreshing again and again keeps 2 tokens active: the oldest extra one is revoked', async () => {
    const res = await access(emu, { code: await codeFor(emu, { scope: 'chat:write' }) });
    const tokens = [String(res.access_token)];
    let refresh = String(res.refresh_token);
    for (let i = 0; i < 3; i++) {
      const next = await access(emu, { grant_type: 'refresh_token', refresh_token: refresh });
      tokens.push(String(next.access_token));
      refresh = String(next.refresh_token);
    }
    const states = await Promise.all(tokens.map(async (t) => (await authed(emu, t)).ok === true));
    assert.deepEqual(states, [false, false, true, true]);
  });
});

describe('emulator: oauth.v2.exchange', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator();
  });
  after(() => emu.close());
  afterEach(() => {
    emu.state.clock.offsetMs = 0;
  });

  it('turns a long-lived token into a rotating one, once; the original expires at the first refresh', async () => {
    const res = await access(emu, { code: await codeFor(emu, { scope: 'chat:write' }) });
    const longLived = String(res.access_token);
    assert.equal(res.expires_in, undefined, 'installed without rotation: a token that does not expire');
    const creds = { client_id: emu.clientId, client_secret: emu.clientSecret, token: longLived };
    assert.deepEqual(await call(emu, 'oauth.v2.exchange', creds), { ok: false, error: 'token_rotation_not_enabled' });
    emu.install.configureApp(emu.clientId, { tokenRotation: true });
    const exchanged = await call(emu, 'oauth.v2.exchange', creds);
    assert.equal(exchanged.ok, true, JSON.stringify(exchanged));
    assert.match(String(exchanged.access_token), /^xoxe\.xoxb-1-/);
    assert.match(String(exchanged.refresh_token), /^xoxe-1-/);
    assert.equal(exchanged.expires_in, 43200);
    assert.equal(exchanged.token_type, 'bot');
    assert.equal((await authed(emu, longLived)).ok, true, 'the original still works until the first refresh');
    assert.deepEqual(await call(emu, 'oauth.v2.exchange', creds), { ok: false, error: 'token_already_exchanged' });
    const refreshed = await access(emu, {
      grant_type: 'refresh_token',
      refresh_token: String(exchanged.refresh_token),
    });
    assert.equal(refreshed.ok, true);
    assert.deepEqual(await authed(emu, longLived), { ok: false, error: 'token_expired' });
    assert.equal((await authed(emu, String(refreshed.access_token))).ok, true);
  });

  it('answers its documented errors', async () => {
    const res = await access(emu, { code: await codeFor(emu, { scope: 'chat:write' }) });
    emu.install.configureApp(emu.clientId, { tokenRotation: true });
    const base = { client_id: emu.clientId, client_secret: emu.clientSecret };
    assert.equal((await call(emu, 'oauth.v2.exchange', { ...base, token: 'not-a-token' })).error, 'invalid_token');
    const wrong = { ...base, client_secret: 'wrong', token: String(res.access_token) };
    assert.equal((await call(emu, 'oauth.v2.exchange', wrong)).error, 'bad_client_secret');
    const other = emu.install.registerApp({ tokenRotation: true });
    const foreign = { client_id: other.clientId, client_secret: other.clientSecret, token: String(res.access_token) };
    assert.equal((await call(emu, 'oauth.v2.exchange', foreign)).error, 'authorization_not_found');
  });
});

describe('emulator: tooling.tokens.rotate', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator();
  });
  after(() => emu.close());

  it('trades a configuration refresh token for a new pair, once; the old configuration token stops working', async () => {
    const pair = emu.install.configurationToken();
    assert.equal(await configAccepted(emu, pair.token), true);
    const rotated = await call(emu, 'tooling.tokens.rotate', { refresh_token: pair.refreshToken });
    assert.equal(rotated.ok, true, JSON.stringify(rotated));
    assert.match(String(rotated.token), /^xoxe\.xoxp-1-/);
    assert.match(String(rotated.refresh_token), /^xoxe-1-/);
    assert.equal(rotated.team_id, emu.workspace.teamId);
    assert.equal(rotated.user_id, emu.workspace.userId);
    assert.equal(Number(rotated.exp) - Number(rotated.iat), 43200);
    assert.equal(await configAccepted(emu, String(rotated.token)), true);
    assert.equal(await configAccepted(emu, pair.token), false);
    assert.deepEqual(await call(emu, 'tooling.tokens.rotate', { refresh_token: pair.refreshToken }), {
      ok: false,
      error: 'invalid_refresh_token',
    });
    assert.equal((await call(emu, 'tooling.tokens.rotate', { refresh_token: 'nope' })).error, 'invalid_refresh_token');
  });
});
