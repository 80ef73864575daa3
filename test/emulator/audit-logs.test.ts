// The emulator's Audit Logs surface over raw HTTP: Slack's wire format (paths, query names, status
// codes, error bodies), the entries its activity records, the generate control route and cursors.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Emulator } from '../../src/emulator/index.js';
import { readDataFile } from '../../src/emulator/model/data.js';
import { type AuditSetup, generate, orgToken, startAuditEmulator } from '../audit-logs/helpers.js';
import { api, control } from './helpers.js';
import { access, authorizeUrl } from './oauth-helpers.js';

interface Entry {
  id: string;
  date_create: number;
  action: string;
  actor: { type: string; user: { id: string; name: string } };
  entity: Record<string, { id: string; name?: string }> & { type: string };
  context: { location: { type: string; id: string } };
}

async function get(
  emu: Emulator,
  path: string,
  token?: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  const res = await fetch(`${emu.auditUrl}${path}`, { headers });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('emulator: Audit Logs API', () => {
  let setup: AuditSetup;
  let emu: Emulator;
  before(async () => {
    setup = await startAuditEmulator();
    emu = setup.emu;
  });
  beforeEach(() => {
    emu.reset();
    Object.assign(setup, orgToken(emu));
  });
  after(() => emu.close());

  const entries = async (query = ''): Promise<Entry[]> => {
    const res = await get(emu, `logs${query}`, setup.token);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.entries as Entry[];
  };

  it('serves at /audit/v1/ and names it in info and the Emulator object', async () => {
    assert.equal(emu.auditUrl, `${emu.url}audit/v1/`);
    const info = await control(emu, 'GET', 'info');
    assert.equal(info.body.auditUrl, emu.auditUrl);
  });

  it('schemas and actions need no token and answer Slack’s recorded lists', async () => {
    const data = readDataFile('audit-logs.json') as { schemas: unknown[]; actions: Record<string, string[]> };
    const schemas = await get(emu, 'schemas');
    assert.equal(schemas.status, 200);
    assert.deepEqual(schemas.body.schemas, data.schemas);
    const actions = await get(emu, 'actions');
    assert.deepEqual(actions.body.actions, data.actions);
  });

  it('answers Slack’s status codes and error bodies', async () => {
    assert.deepEqual(await get(emu, 'logs'), { status: 401, body: { ok: false, error: 'invalid_authentication' } });
    assert.equal((await get(emu, 'logs', 'xoxp-not-issued')).status, 401);
    const bot = await get(emu, 'logs', emu.tokens.bot);
    assert.deepEqual([bot.status, bot.body.error], [403, 'not_allowed_token_type']);
    const weak = emu.issueToken({ type: 'user', scopes: ['admin'], team: setup.orgTeam });
    const scope = await get(emu, 'logs', weak);
    assert.deepEqual([scope.status, scope.body.error, scope.body.needed], [403, 'missing_scope', 'auditlogs:read']);
    const plain = emu.issueToken({ type: 'user', scopes: ['auditlogs:read'] });
    assert.deepEqual((await get(emu, 'logs', plain)).body, { ok: false, error: 'feature_not_enabled' });
    emu.revokeToken(setup.token);
    assert.equal((await get(emu, 'logs', setup.token)).status, 401);
    assert.equal((await get(emu, 'nothing')).status, 404);
    const post = await fetch(`${emu.auditUrl}logs`, { method: 'POST' });
    assert.equal(post.status, 405);
  });

  it('refuses bad query values with 400 and says which', async () => {
    Object.assign(setup, orgToken(emu));
    for (const [query, error] of [
      ['?limit=0', 'invalid_arguments'],
      ['?limit=10000', 'invalid_arguments'],
      ['?oldest=yesterday', 'invalid_arguments'],
      ['?action=not_an_action', 'invalid_arguments'],
      [`?action=${Array(31).fill('user_login').join(',')}`, 'invalid_arguments'],
      ['?cursor=%%%', 'invalid_cursor'],
      [`?cursor=${Buffer.from('audit:x').toString('base64url')}`, 'invalid_cursor'],
    ] as const) {
      const res = await get(emu, `logs${query}`, setup.token);
      assert.deepEqual([res.status, res.body.ok, res.body.error], [400, false, error], query);
    }
  });

  it('records channel creation in an org workspace, with the actor, the channel and the org', async () => {
    const user = emu.issueToken({ type: 'user', scopes: ['*'], team: setup.orgTeam });
    const made = await api(emu, 'conversations.create', { name: 'audit-public' }, user);
    const secret = await api(emu, 'conversations.create', { name: 'audit-private', is_private: true }, user);
    const list = await entries();
    const created = list.find((e) => e.action === 'public_channel_created');
    const channel = (made.body.channel as { id: string }).id;
    assert.equal(created?.entity.type, 'channel');
    assert.deepEqual([created?.entity.channel?.id, created?.entity.channel?.name], [channel, 'audit-public']);
    assert.equal(created?.actor.user.id, emu.state.tokens.get(user)?.userId);
    assert.equal(created?.context.location.type, 'enterprise');
    const priv = list.find((e) => e.action === 'private_channel_created');
    assert.equal(priv?.entity.channel?.id, (secret.body.channel as { id: string }).id);
  });

  it('records the consent login, the install and the uninstall of an app', async () => {
    const url = authorizeUrl(emu, { scope: 'chat:write', team: setup.orgTeam });
    const code = emu.install.approve(url).code ?? '';
    const res = await access(emu, { code });
    assert.equal(res.ok, true);
    let list = await entries();
    assert.ok(list.some((e) => e.action === 'user_login'));
    const installed = list.find((e) => e.action === 'app_installed');
    assert.equal(installed?.entity.app?.id, res.app_id);
    const bot = String(res.access_token);
    const gone = await api(emu, 'apps.uninstall', { client_id: emu.clientId, client_secret: emu.clientSecret }, bot);
    assert.equal(gone.body.ok, true);
    // Uninstalling revoked every token of the app in that workspace, the audit token too.
    Object.assign(setup, orgToken(emu));
    list = await entries();
    assert.equal(list[0]?.action, 'app_uninstalled');
    assert.equal(list[0]?.entity.app?.id, res.app_id);
  });

  it('an org reads its own entries, not another org’s', async () => {
    await generate(emu, { count: 5, team: setup.orgTeam });
    const betaTeam = [...emu.state.teams.values()].find((t) => t.name === 'Beta One')?.id;
    const beta = emu.issueToken({ type: 'user', scopes: ['auditlogs:read'], team: betaTeam });
    assert.equal((await entries()).length, 5);
    assert.deepEqual((await get(emu, 'logs', beta)).body.entries, []);
  });

  it('cursors are stable while entries are added: no repeat, no gap', async () => {
    await generate(emu, { count: 30, team: setup.orgTeam });
    const first = await get(emu, 'logs?limit=10', setup.token);
    const cursor = (first.body.response_metadata as { next_cursor: string }).next_cursor;
    assert.ok(cursor.length > 0);
    await generate(emu, { count: 7, team: setup.orgTeam });
    const rest = await entries(`?limit=100&cursor=${cursor}`);
    const ids = [...(first.body.entries as Entry[]), ...rest].map((e) => e.id);
    assert.equal(ids.length, 30);
    assert.equal(new Set(ids).size, 30);
    const last = await get(emu, `logs?limit=100&cursor=${cursor}`, setup.token);
    assert.equal((last.body.response_metadata as { next_cursor: string }).next_cursor, '');
  });

  it('generate needs JSON, checks its body, and reset empties the log', async () => {
    const form = await fetch(`${emu.url}_emulator/audit/generate`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'count=5',
    });
    assert.equal(form.status, 415);
    for (const body of [{ count: 0 }, { count: 'many' }, { actions: ['nope'] }, { team: 'T404' }, { step_ms: -1 }]) {
      const res = await control(emu, 'POST', 'audit/generate', body);
      assert.equal(res.status, 400, JSON.stringify(body));
    }
    await generate(emu, { count: 1_000_000, team: setup.orgTeam });
    assert.equal((await control(emu, 'GET', 'audit')).body.size, 1_000_000);
    const page = await entries('?limit=9999');
    assert.equal(page.length, 9999);
    emu.reset();
    assert.equal((await control(emu, 'GET', 'audit')).body.size, 0);
  });

  it('with rate limits on, logs is Tier 3 per org: a 429 with Retry-After past the minute’s budget', async () => {
    emu.rateLimits.enabled = true;
    try {
      // Another workspace of the same org: Slack counts the budget per org.
      const acmeTwo = [...emu.state.teams.values()].find((t) => t.name === 'Acme Two')?.id;
      const other = emu.issueToken({ type: 'user', scopes: ['auditlogs:read'], team: acmeTwo });
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 60; i++) {
        const res = await fetch(`${emu.auditUrl}logs`, {
          headers: { authorization: `Bearer ${i % 2 === 0 ? setup.token : other}` },
        });
        statuses.push(res.status);
        if (res.status === 429) retryAfter ??= res.headers.get('retry-after');
        await res.arrayBuffer();
      }
      assert.ok(statuses.filter((s) => s === 200).length <= 52, 'two tokens of one org share the budget');
      assert.ok(statuses.includes(429));
      assert.ok(Number(retryAfter) >= 1);
    } finally {
      emu.rateLimits.enabled = false;
    }
  });

  it('a rare filter over a huge log answers a bounded page with a cursor instead of stalling', async () => {
    await generate(emu, { count: 600_000, team: setup.orgTeam, actions: ['user_login'] });
    const res = await get(emu, 'logs?action=user_logout', setup.token);
    assert.deepEqual(res.body.entries, []);
    assert.notEqual((res.body.response_metadata as { next_cursor: string }).next_cursor, '');
  });
});
