import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { authorizeUrl, consent, field, getPage, REDIRECT } from './oauth-helpers.js';

describe('emulator: the consent page at /oauth/v2/authorize', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator();
  });
  after(async () => {
    await emu.close();
  });

  it('shows the app, the workspace, the scopes and Allow/Cancel buttons, with safe headers', async () => {
    const page = await getPage(
      authorizeUrl(emu, { scope: 'chat:write,channels:read', user_scope: 'search:read', state: 's1' }),
    );
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(page.headers.get('cache-control'), 'no-store');
    assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
    assert.match(page.html, /<button type="submit" id="allow" name="decision" value="allow">Allow<\/button>/);
    assert.match(page.html, /<button type="submit" id="cancel" name="decision" value="cancel">Cancel<\/button>/);
    assert.match(
      page.html,
      /<ul id="bot-scopes"><li data-scope="chat:write">Send messages as the app<code>chat:write<\/code><\/li><li data-scope="channels:read">/,
    );
    assert.match(
      page.html,
      /<ul id="user-scopes"><li data-scope="search:read">Search the workspace content<code>search:read<\/code>/,
    );
    assert.match(page.html, /Slackline Emulator/);
    assert.equal(field(page.html, 'team'), emu.workspace.teamId);
    assert.match(field(page.html, 'ticket') ?? '', /^[0-9a-f]{40}$/);
  });

  it('Allow redirects to the redirect URL with a code and the state', async () => {
    const res = await consent(authorizeUrl(emu, { scope: 'chat:write', state: 'xyz 1&2', redirect_uri: REDIRECT }));
    assert.equal(res.status, 302);
    const location = new URL(res.location ?? '');
    assert.equal(`${location.origin}${location.pathname}`, REDIRECT);
    assert.match(location.searchParams.get('code') ?? '', /^\d+\.\d+\.[0-9a-f]{64}$/);
    assert.equal(location.searchParams.get('state'), 'xyz 1&2');
    assert.equal(location.searchParams.has('error'), false);
  });

  it('Cancel redirects with error=access_denied and the state, and no code', async () => {
    const res = await consent(authorizeUrl(emu, { scope: 'chat:write', state: 'st' }), 'cancel');
    assert.equal(res.status, 302);
    const location = new URL(res.location ?? '');
    assert.equal(location.searchParams.get('error'), 'access_denied');
    assert.equal(location.searchParams.get('state'), 'st');
    assert.equal(location.searchParams.has('code'), false);
  });

  it('keeps a query string the registered redirect URL already has, and accepts a sub-path', async () => {
    emu.install.configureApp(emu.clientId, { redirectUrls: ['http://127.0.0.1:9/cb?x=1', REDIRECT] });
    try {
      const sub = await consent(authorizeUrl(emu, { scope: 'chat:write', redirect_uri: `${REDIRECT}/more` }));
      assert.ok(sub.location?.startsWith(`${REDIRECT}/more?code=`));
      const first = await consent(authorizeUrl(emu, { scope: 'chat:write' }));
      const url = new URL(first.location ?? '');
      assert.equal(url.searchParams.get('x'), '1');
      assert.ok(url.searchParams.get('code'));
    } finally {
      emu.install.configureApp(emu.clientId, { redirectUrls: [REDIRECT] });
    }
  });

  it('shows errors on the page and never redirects for a bad client_id, redirect_uri or scope', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ client_id: 'nope', scope: 'chat:write' }, 'invalid_client_id'],
      [{ client_id: '', scope: 'chat:write' }, 'invalid_client_id'],
      [{ scope: 'chat:write', redirect_uri: 'https://evil.example/cb' }, 'bad_redirect_uri'],
      [{ scope: 'chat:write', redirect_uri: 'http://localhost:3001/slack/oauth_redirect' }, 'bad_redirect_uri'],
      [{ scope: 'chat:write', redirect_uri: 'http://localhost:3000/slack/oauth_redirect_x' }, 'bad_redirect_uri'],
      [{ scope: 'chat:write', redirect_uri: `${REDIRECT}#frag` }, 'bad_redirect_uri'],
      [{ scope: 'chat:write,not:a_scope' }, 'invalid_scope'],
      [{ scope: 'chat:write', team: 'T_NOPE' }, 'invalid_team'],
    ];
    for (const [params, code] of cases) {
      const page = await getPage(authorizeUrl(emu, params));
      assert.equal(page.status, 400, code);
      assert.equal(page.headers.get('location'), null);
      assert.match(page.html, new RegExp(`data-error="${code}"`));
      assert.doesNotMatch(page.html, /evil\.example/);
    }
  });

  it('refuses a used or unknown consent ticket', async () => {
    const page = await getPage(authorizeUrl(emu, { scope: 'chat:write' }));
    const form = new URLSearchParams({ ticket: field(page.html, 'ticket') ?? '', decision: 'allow' });
    const post = () =>
      fetch(`${emu.url}oauth/v2/authorize`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form,
      });
    assert.equal((await post()).status, 302);
    const again = await post();
    assert.equal(again.status, 400);
    assert.equal(again.headers.get('location'), null);
    assert.match(await again.text(), /expired or was already used/);
  });

  it("uses the app's configured scopes when the URL asks for none", async () => {
    const page = await getPage(authorizeUrl(emu, {}));
    assert.equal(page.status, 200);
    for (const scope of emu.install.app().botScopes) assert.match(page.html, new RegExp(`<code>${scope}</code>`));
  });

  it('escapes everything it shows', async () => {
    emu.install.configureApp(emu.clientId, { name: '<script>alert(1)</script>' });
    try {
      const page = await getPage(authorizeUrl(emu, { scope: 'chat:write' }));
      assert.doesNotMatch(page.html, /<script>/);
      assert.match(page.html, /&lt;script&gt;/);
    } finally {
      emu.install.configureApp(emu.clientId, { name: 'Slackline Emulator App' });
    }
  });
  it('never sends the browser off the registered origin, whatever redirect_uri says', async () => {
    const base = new URL(REDIRECT);
    const hostile = [
      'http://localhost:3000@evil.example/slack/oauth_redirect',
      'http://localhost:3000.evil.example/slack/oauth_redirect',
      '//evil.example/slack/oauth_redirect',
      'http://evil.example\\@localhost:3000/slack/oauth_redirect',
      `${REDIRECT}/../../elsewhere`,
      `${REDIRECT}/%2e%2e/%2e%2e/elsewhere`,
      'javascript:alert(1)//localhost:3000/slack/oauth_redirect',
      'data:text/html,hi',
      'https://localhost:3000/slack/oauth_redirect',
      'http://localhost/slack/oauth_redirect',
      'HTTP://LOCALHOST:3000/slack/oauth_redirect',
      `${REDIRECT}?next=https://evil.example`,
      ` ${REDIRECT}`,
      `${REDIRECT}\n`,
      '',
    ];
    for (const uri of hostile) {
      const url = authorizeUrl(emu, { scope: 'chat:write', redirect_uri: uri });
      const page = await getPage(url);
      assert.ok(page.status === 200 || page.status === 400, `${uri}: ${page.status}`);
      assert.equal(page.headers.get('location'), null);
      if (page.status !== 200) continue;
      const { location } = await consent(url);
      const target = new URL(location ?? '');
      assert.equal(target.origin, base.origin, uri);
      assert.ok(target.pathname.startsWith(base.pathname), uri);
    }
  });

  it('answers garbage form posts with a 4xx page, never a 5xx or a redirect', async () => {
    const bodies = [
      '',
      'ticket=',
      'ticket=%zz',
      `ticket=${'a'.repeat(5000)}`,
      'decision=allow',
      '\u0000\uffff',
      '&&&=&=',
    ];
    for (const body of bodies) {
      const res = await fetch(`${emu.url}oauth/v2/authorize`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
      assert.equal(res.status, 400, body);
      assert.equal(res.headers.get('location'), null);
      await res.arrayBuffer();
    }
    const big = await fetch(`${emu.url}oauth/v2/authorize`, { method: 'POST', body: 'x'.repeat(100_000) });
    assert.equal(big.status, 413);
    await big.arrayBuffer();
  });
});
