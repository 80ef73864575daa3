import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { access, authorizeUrl, codeFor, getPage } from './oauth-helpers.js';

describe('emulator: PKCE', () => {
  let emu: Emulator;
  let publicApp: Readonly<{ clientId: string; clientSecret: string }>;
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  before(async () => {
    emu = await startEmulator({ apps: [{ name: 'Desktop', pkce: true }] });
    publicApp = emu.install.app('A0000000001');
  });
  after(async () => {
    await emu.close();
  });

  const pkceCode = async () => {
    const url = new URL(
      authorizeUrl(emu, { scope: 'chat:write', code_challenge: challenge, code_challenge_method: 'S256' }),
    );
    url.searchParams.set('client_id', publicApp.clientId);
    const { code } = emu.install.approve(url.href);
    return code ?? '';
  };

  it('a PKCE app exchanges a code with its code_verifier and no client secret', async () => {
    const code = await pkceCode();
    const auth = { client_id: publicApp.clientId };
    const withSecret = { client_id: publicApp.clientId, client_secret: publicApp.clientSecret };
    // A code bound to a challenge needs the verifier, even from a caller that knows the secret.
    assert.deepEqual(await access(emu, { code, auth: withSecret }), { ok: false, error: 'invalid_code_verifier' });
    assert.deepEqual(await access(emu, { code, auth }), { ok: false, error: 'bad_client_secret' });
    const wrong = { code, auth, code_verifier: randomBytes(32).toString('base64url') };
    assert.deepEqual(await access(emu, wrong), { ok: false, error: 'invalid_code_verifier' });
    const res = await access(emu, { code, auth, code_verifier: verifier });
    assert.equal(res.ok, true);
    assert.match(String(res.access_token), /^xoxb-/);
  });

  it('without a verifier, a PKCE app still needs its secret', async () => {
    const code = await codeFor(emu, { scope: 'chat:write', client_id: publicApp.clientId });
    assert.deepEqual(await access(emu, { code, auth: { client_id: publicApp.clientId } }), {
      ok: false,
      error: 'bad_client_secret',
    });
    const auth = { client_id: publicApp.clientId, client_secret: publicApp.clientSecret };
    assert.equal((await access(emu, { code, auth })).ok, true);
  });

  it('an app without PKCE enabled is refused pkce_not_allowed, on the page and at the exchange', async () => {
    const page = await getPage(
      authorizeUrl(emu, { scope: 'chat:write', code_challenge: challenge, code_challenge_method: 'S256' }),
    );
    assert.equal(page.status, 400);
    assert.match(page.html, /data-error="pkce_not_allowed"/);
    const code = await codeFor(emu, { scope: 'chat:write' });
    assert.deepEqual(await access(emu, { code, code_verifier: verifier }), { ok: false, error: 'pkce_not_allowed' });
    const plain = new URL(
      authorizeUrl(emu, { scope: 'chat:write', code_challenge: verifier, code_challenge_method: 'plain' }),
    );
    plain.searchParams.set('client_id', publicApp.clientId);
    assert.match((await getPage(plain.href)).html, /data-error="invalid_code_challenge"/);
  });
});
