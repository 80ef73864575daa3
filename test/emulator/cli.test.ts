import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { spawnEmulator, stop } from './spawn.js';

describe('emulator: slackline emulator --json', () => {
  it('prints one JSON line with everything a client needs, serves it, and stops on SIGTERM', async () => {
    const { child, info, line } = await spawnEmulator();
    try {
      assert.deepEqual(Object.keys(info).sort(), [
        'apiUrl',
        'auditUrl',
        'clientId',
        'clientSecret',
        'scimUrl',
        'signingSecret',
        'tokens',
        'url',
        'workspace',
      ]);
      assert.equal(line.includes('\n'), false);
      assert.match(info.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
      assert.equal(info.apiUrl, `${info.url}api/`);
      assert.equal(info.scimUrl, `${info.url}scim/`);
      assert.deepEqual(Object.keys(info.tokens).sort(), ['admin', 'app', 'bot', 'user']);
      assert.equal(info.auditUrl, `${info.url}audit/v1/`);
      const res = await fetch(`${info.apiUrl}auth.test`, {
        method: 'POST',
        headers: { authorization: `Bearer ${info.tokens.bot}` },
      });
      const body = (await res.json()) as { ok: boolean; user_id: string; team_id: string };
      assert.equal(body.ok, true);
      assert.equal(body.user_id, info.workspace.botUserId);
      assert.equal(body.team_id, info.workspace.teamId);
    } finally {
      assert.equal(await stop(child), 0);
    }
  });

  it('--rate-limits and --clock-scale turn on limit enforcement and a faster clock; bad values exit 2', async () => {
    const { child, info } = await spawnEmulator(['--rate-limits', '--clock-scale', '20']);
    try {
      const limits = (await (await fetch(`${info.url}_emulator/rate-limits`)).json()) as { enabled: boolean };
      const clock = (await (await fetch(`${info.url}_emulator/clock`)).json()) as { scale: number };
      assert.equal(limits.enabled, true);
      assert.equal(clock.scale, 20);
    } finally {
      assert.equal(await stop(child), 0);
    }
    await assert.rejects(spawnEmulator(['--clock-scale', '0']), /exited early with 2/);
  });

  it('--all-scopes prints tokens that hold every scope of the catalog for their kind', async () => {
    const { child, info } = await spawnEmulator(['--all-scopes']);
    try {
      for (const [kind, token] of Object.entries(info.tokens)) {
        const res = await fetch(`${info.apiUrl}auth.test`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
        });
        const scopes = new Set((res.headers.get('x-oauth-scopes') ?? '').split(','));
        const expected = kind === 'app' ? ['connections:write', 'authorizations:read'] : ['admin', 'chat:write'];
        for (const scope of kind === 'user' ? [...expected, 'search:read'] : expected.slice(kind === 'bot' ? 1 : 0)) {
          assert.ok(scopes.has(scope), `${kind} token lacks ${scope}`);
        }
        if (kind !== 'app') assert.ok(scopes.size > 50, `${kind} token has only ${scopes.size} scopes`);
      }
    } finally {
      assert.equal(await stop(child), 0);
    }
  });
});
