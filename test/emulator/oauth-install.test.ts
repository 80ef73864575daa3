import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { api, control } from './helpers.js';
import { access, authorizeUrl, codeFor, consent, getPage } from './oauth-helpers.js';

describe('emulator: enterprise, webhook and multi-app installs', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator({ enterprises: [{ name: 'Starship', workspaces: ['Bridge', 'Engineering'] }] });
  });
  after(async () => {
    await emu.close();
  });

  const org = () => {
    const list = [...emu.state.teams.values()];
    return { bridge: list.find((t) => t.name === 'Bridge')!, engineering: list.find((t) => t.name === 'Engineering')! };
  };

  it('offers every workspace and the org on the page, with a workspace picker', async () => {
    const page = await getPage(authorizeUrl(emu, { scope: 'chat:write' }));
    assert.equal(page.status, 200);
    assert.match(page.html, /<select id="team" name="team">/);
    assert.match(page.html, /Starship \(entire organization\)/);
    assert.match(page.html, /Bridge \(Starship\)/);
    assert.match(page.html, new RegExp(`<option value="${emu.workspace.teamId}">`));
  });

  it('installs org-wide: team null, enterprise set, is_enterprise_install true', async () => {
    const orgId = /<option value="(E[0-9A-Z]+)">Starship \(entire organization\)/.exec(
      (await getPage(authorizeUrl(emu, { scope: 'chat:write' }))).html,
    )?.[1];
    assert.ok(orgId);
    const { location } = await consent(
      authorizeUrl(emu, { scope: 'chat:write,users:read', user_scope: 'identify' }),
      'allow',
      {
        team: orgId,
      },
    );
    const code = new URL(location ?? '').searchParams.get('code') ?? '';
    const res = await access(emu, { code });
    assert.equal(res.ok, true);
    assert.equal(res.team, null);
    assert.deepEqual(res.enterprise, { id: orgId, name: 'Starship' });
    assert.equal(res.is_enterprise_install, true);
    assert.match(String(res.access_token), /^xoxb-/);
    const user = res.authed_user as Record<string, string>;
    assert.equal(user.id, emu.state.usersOf(org().bridge.id).find((u) => u.isPrimaryOwner)?.id);
    const installs = await control(emu, 'GET', 'oauth/installations');
    const mine = (installs.body.installations as Record<string, unknown>[]).find((i) => i.enterprise_id === orgId);
    assert.deepEqual([mine?.team_id, mine?.is_enterprise_install], [null, true]);
    const test = await api(emu, 'auth.test', {}, String(res.access_token));
    assert.deepEqual([test.body.ok, test.body.enterprise_id, test.body.is_enterprise_install], [true, orgId, true]);
  });

  it('installs into one workspace of an org: team set, enterprise set, not org-wide', async () => {
    const { engineering } = org();
    const other = emu.install.registerApp({ name: 'Workspace App' });
    const url = new URL(authorizeUrl(emu, { scope: 'chat:write', team: engineering.id }));
    url.searchParams.set('client_id', other.clientId);
    const code = emu.install.approve(url.href).code ?? '';
    const res = await access(emu, { code, auth: { client_id: other.clientId, client_secret: other.clientSecret } });
    assert.deepEqual(res.team, { id: engineering.id, name: 'Engineering' });
    assert.equal((res.enterprise as { name: string }).name, 'Starship');
    assert.equal(res.is_enterprise_install, false);
  });

  it('refuses a workspace install of an app that is installed org-wide', async () => {
    const { engineering } = org();
    const code = await codeFor(emu, { scope: 'chat:write', team: engineering.id });
    assert.deepEqual(await access(emu, { code }), { ok: false, error: 'cannot_install_an_org_installed_app' });
  });

  it('incoming-webhook installs return a webhook that posts into the chosen channel', async () => {
    const random = [...emu.state.channels.values()].find(
      (c) => c.name === 'random' && c.teamId === emu.workspace.teamId,
    );
    assert.ok(random);
    const url = authorizeUrl(emu, { scope: 'incoming-webhook,chat:write', team: emu.workspace.teamId });
    const page = await getPage(url);
    assert.match(page.html, /<select id="channel" name="channel">/);
    const { location } = await consent(url, 'allow', { channel: random.id });
    const res = await access(emu, { code: new URL(location ?? '').searchParams.get('code') ?? '' });
    assert.equal(Object.keys(res).at(-1), 'incoming_webhook');
    const hook = res.incoming_webhook as Record<string, string>;
    assert.equal(hook.channel, '#random');
    assert.equal(hook.channel_id, random.id);
    assert.ok(hook.configuration_url.startsWith(`${emu.url}services/B`), hook.configuration_url);
    assert.ok(hook.url.startsWith(`${emu.url}services/${emu.workspace.teamId}/B`));

    const post = await fetch(hook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'from the webhook' }),
    });
    assert.equal(post.status, 200);
    assert.equal(await post.text(), 'ok');
    const last = emu.messages(random.id).at(-1);
    assert.equal(last?.text, 'from the webhook');
    assert.equal(last?.bot_id, emu.workspace.botId);

    const empty = await fetch(hook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    assert.deepEqual([empty.status, await empty.text()], [400, 'no_text']);
    const bad = await fetch(hook.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    assert.deepEqual([bad.status, await bad.text()], [400, 'invalid_payload']);
    const unknown = await fetch(`${hook.url}x`, { method: 'POST', body: '{"text":"x"}' });
    assert.deepEqual([unknown.status, await unknown.text()], [404, 'no_service']);
  });

  it('registers and configures apps through the control API; each app gets its own bot', async () => {
    const created = await control(emu, 'POST', 'apps', {
      name: 'Second App',
      redirect_urls: ['http://127.0.0.1:4000/cb'],
      bot_scopes: 'chat:write',
      events_url: 'http://127.0.0.1:4000/slack/events',
    });
    assert.equal(created.status, 200);
    const app = created.body.app as Record<string, string>;
    assert.match(app.app_id, /^A/);
    assert.notEqual(app.client_id, emu.clientId);
    const listed = await control(emu, 'GET', 'apps');
    assert.equal((listed.body.apps as unknown[]).length >= 2, true);
    const patched = await control(emu, 'POST', `apps/${app.app_id}`, { user_scopes: ['search:read'] });
    assert.deepEqual((patched.body.app as Record<string, unknown>).user_scopes, ['search:read']);
    const bad = await control(emu, 'POST', 'apps', { redirect_urls: ['javascript:alert(1)'] });
    assert.equal(bad.status, 400);

    // The default redirect URL is not registered for this app.
    const url = new URL(authorizeUrl(emu, { scope: 'chat:write', team: emu.workspace.teamId }));
    url.searchParams.set('client_id', app.client_id);
    assert.equal((await getPage(url.href)).status, 200);
    url.searchParams.set('redirect_uri', 'http://localhost:3000/slack/oauth_redirect');
    assert.equal((await getPage(url.href)).status, 400);
    url.searchParams.delete('redirect_uri');
    const { location } = await consent(url.href);
    assert.ok(location?.startsWith('http://127.0.0.1:4000/cb?code='));
    const code = new URL(location ?? '').searchParams.get('code') ?? '';
    const res = await access(emu, { code, auth: { client_id: app.client_id, client_secret: app.client_secret } });
    assert.equal(res.app_id, app.app_id);
    assert.notEqual(res.bot_user_id, emu.workspace.botUserId);
    const me = await api(emu, 'auth.test', {}, String(res.access_token));
    assert.equal(me.body.user_id, res.bot_user_id);
  });

  it('approves headlessly through the control API, from a whole authorize URL', async () => {
    const url = authorizeUrl(emu, { scope: 'chat:write', state: 'h1', team: emu.workspace.teamId });
    const res = await control(emu, 'POST', 'oauth/authorize', { url });
    assert.equal(res.status, 200);
    const location = new URL(String(res.body.location));
    assert.equal(location.searchParams.get('state'), 'h1');
    assert.equal(location.searchParams.get('code'), res.body.code);
    assert.equal((await access(emu, { code: String(res.body.code) })).ok, true);
    const denied = await control(emu, 'POST', 'oauth/authorize', { url, decision: 'cancel' });
    assert.equal(new URL(String(denied.body.location)).searchParams.get('error'), 'access_denied');
    const refused = await control(emu, 'POST', 'oauth/authorize', { client_id: 'x', scope: 'chat:write' });
    assert.deepEqual([refused.status, refused.body.error], [400, 'invalid_client_id']);
    const inProcess = emu.install.approve(url, { allow: true });
    assert.ok(inProcess.code);
  });
});
