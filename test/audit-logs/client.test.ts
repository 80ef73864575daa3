import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { inspect } from 'node:util';
import { AuditLogsClient, AuditLogsError, AuditLogsErrorCode } from '../../src/audit-logs/index.js';
import type { Emulator } from '../../src/emulator/index.js';
import { HTTPError, InvalidResponseError, RateLimitedError } from '../../src/http/errors.js';
import { type AuditSetup, generate, orgToken, startAuditEmulator } from './helpers.js';

async function all<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe('AuditLogsClient against the emulator', () => {
  let setup: AuditSetup;
  let emu: Emulator;
  let client: AuditLogsClient;
  before(async () => {
    setup = await startAuditEmulator();
    emu = setup.emu;
  });
  beforeEach(() => {
    emu.reset();
    Object.assign(setup, orgToken(emu));
    client?.close();
    client = new AuditLogsClient(setup.token, { baseUrl: emu.auditUrl, retryHandlers: [] });
  });
  after(async () => {
    client.close();
    await emu.close();
  });

  it('walks every entry newest first across pages, each exactly once', async () => {
    await generate(emu, { count: 250, team: setup.orgTeam });
    const entries = await all(client.logs({ limit: 40 }));
    assert.equal(entries.length, 250);
    assert.equal(new Set(entries.map((e) => e.id)).size, 250);
    for (let i = 1; i < entries.length; i++) {
      assert.ok((entries[i - 1] as { id: string }).id > (entries[i] as { id: string }).id, `order at ${i}`);
    }
    const first = entries[0];
    assert.equal(typeof first?.date_create, 'number');
    assert.equal(first?.actor.type, 'user');
    assert.equal(first?.context.location?.type, 'enterprise');
  });

  it('pages carry the cursor they were fetched with and the next one', async () => {
    await generate(emu, { count: 25, team: setup.orgTeam });
    const pages = await all(client.logs({ limit: 10 }).pages());
    assert.deepEqual(
      pages.map((p) => p.entries.length),
      [10, 10, 5],
    );
    assert.equal(pages[0]?.cursor, undefined);
    assert.equal(pages[1]?.cursor, pages[0]?.nextCursor);
    assert.equal(pages[2]?.nextCursor, undefined);
  });

  it('resumes from a saved position mid-page without a gap or a repeat', async () => {
    await generate(emu, { count: 100, team: setup.orgTeam });
    const full = (await all(client.logs({ limit: 30 }))).map((e) => e.id);
    for (const stopAt of [1, 29, 30, 31, 45, 99]) {
      const it1 = client.logs({ limit: 30 });
      const seen: string[] = [];
      for await (const entry of it1) {
        seen.push(entry.id);
        if (seen.length === stopAt) break;
      }
      const rest = (await all(client.logs({ limit: 30, ...it1.position }))).map((e) => e.id);
      assert.deepEqual([...seen, ...rest], full, `stopped after ${stopAt}`);
    }
  });

  it('a position after the last page says done', async () => {
    await generate(emu, { count: 5, team: setup.orgTeam });
    const iterator = client.logs({ limit: 10 });
    await all(iterator);
    assert.equal(iterator.position.done, true);
    assert.equal(iterator.position.cursor, undefined);
  });

  it('filters by action, actor, entity, oldest and latest', async () => {
    await generate(emu, { count: 60, team: setup.orgTeam, actions: ['user_login', 'user_logout'], step_ms: 1000 });
    const logins = await all(client.logs({ action: 'user_login' }));
    assert.equal(logins.length, 30);
    assert.ok(logins.every((e) => e.action === 'user_login'));
    const both = await all(client.logs({ action: ['user_login', 'user_logout'] }));
    assert.equal(both.length, 60);
    const actor = logins[0]?.actor.user?.id as string;
    const byActor = await all(client.logs({ actor }));
    assert.ok(byActor.length > 0 && byActor.every((e) => e.actor.user?.id === actor));
    const byEntity = await all(client.logs({ entity: actor }));
    assert.ok(byEntity.length > 0 && byEntity.every((e) => e.entity.user?.id === actor));
    const newest = both[0]?.date_create as number;
    const window = await all(client.logs({ oldest: newest - 9, latest: newest - 5 }));
    assert.equal(window.length, 5);
    assert.ok(window.every((e) => e.date_create >= newest - 9 && e.date_create <= newest - 5));
  });

  it('schemas() and actions() return Slack lists', async () => {
    const schemas = await client.schemas();
    assert.ok(schemas.schemas.some((s) => s.type === 'channel'));
    const actions = await client.actions();
    assert.ok(actions.actions.user?.includes('user_login'));
    assert.ok(actions.actions.channel?.includes('public_channel_created'));
  });

  it('a token without auditlogs:read is a typed missing_scope error', async () => {
    const weak = emu.issueToken({ type: 'user', scopes: ['admin'], team: setup.orgTeam });
    const c = new AuditLogsClient(weak, { baseUrl: emu.auditUrl, retryHandlers: [] });
    const err = await all(c.logs()).catch((e: unknown) => e);
    c.close();
    assert.ok(err instanceof AuditLogsError);
    assert.equal(err.code, AuditLogsErrorCode.Api);
    assert.equal(err.error, 'missing_scope');
    assert.equal(err.status, 403);
    assert.equal(err.needed, 'auditlogs:read');
    assert.ok(!err.message.includes(weak) && !JSON.stringify(err).includes(weak) && !inspect(err).includes(weak));
  });

  it('an unknown token is invalid_authentication (401); a workspace outside an org is feature_not_enabled', async () => {
    const bad = new AuditLogsClient('not-a-token', { baseUrl: emu.auditUrl, retryHandlers: [] });
    const e1 = await all(bad.logs()).catch((e: unknown) => e);
    bad.close();
    assert.ok(e1 instanceof AuditLogsError);
    assert.equal(e1.error, 'invalid_authentication');
    assert.equal(e1.status, 401);
    const plain = emu.issueToken({ type: 'user', scopes: ['auditlogs:read'] });
    const c = new AuditLogsClient(plain, { baseUrl: emu.auditUrl, retryHandlers: [] });
    const e2 = await all(c.logs()).catch((e: unknown) => e);
    c.close();
    assert.ok(e2 instanceof AuditLogsError);
    assert.equal(e2.error, 'feature_not_enabled');
  });

  it('a bad cursor is invalid_cursor; bad query values are invalid_arguments', async () => {
    const e1 = await all(client.logs({ cursor: 'bm90LWEtY3Vyc29y' })).catch((e: unknown) => e);
    assert.ok(e1 instanceof AuditLogsError && e1.error === 'invalid_cursor' && e1.status === 400);
    const e2 = await all(client.logs({ limit: 10_000 })).catch((e: unknown) => e);
    assert.ok(e2 instanceof AuditLogsError && e2.error === 'invalid_arguments');
    assert.ok(e2.messages[0]?.includes('limit'));
    const e3 = await all(client.logs({ action: 'no_such_action' })).catch((e: unknown) => e);
    assert.ok(e3 instanceof AuditLogsError && e3.error === 'invalid_arguments');
  });

  it('a 429 waits its Retry-After and is retried with the Slack defaults', async () => {
    await generate(emu, { count: 3, team: setup.orgTeam });
    const retrying = new AuditLogsClient(setup.token, { baseUrl: emu.auditUrl });
    emu.addFault({ method: 'audit.logs', kind: 'ratelimit', retryAfter: 1, times: 1 });
    const started = Date.now();
    const entries = await all(retrying.logs());
    retrying.close();
    assert.equal(entries.length, 3);
    assert.ok(Date.now() - started >= 900, 'waited the Retry-After second');
    emu.addFault({ method: 'audit.logs', kind: 'ratelimit', retryAfter: 7, times: 1 });
    const err = await all(client.logs()).catch((e: unknown) => e);
    assert.ok(err instanceof RateLimitedError);
    assert.equal(err.retryAfter, 7);
  });

  it('an HTML 502, a garbled 200 and an error body without JSON are typed errors, never a crash', async () => {
    emu.addFault({ method: 'audit.logs', kind: 'status', status: 502, times: 1 });
    assert.ok((await all(client.logs()).catch((e: unknown) => e)) instanceof HTTPError);
    emu.addFault({ method: 'audit.logs', kind: 'malformed', times: 1 });
    assert.ok((await all(client.logs()).catch((e: unknown) => e)) instanceof InvalidResponseError);
    emu.addFault({ method: 'audit.logs', kind: 'malformed', body: '{"entries":"no"}', times: 1 });
    assert.ok((await all(client.logs()).catch((e: unknown) => e)) instanceof InvalidResponseError);
    emu.addFault({
      method: 'audit.schemas',
      kind: 'status',
      status: 403,
      body: 'forbidden',
      contentType: 'text/plain',
      times: 1,
    });
    const err = await client.schemas().catch((e: unknown) => e);
    assert.ok(err instanceof HTTPError && err.status === 403);
  });

  it('an error body that echoes the token is redacted in the error and its data', async () => {
    const body = JSON.stringify({ ok: false, error: 'invalid_arguments', detail: `bad token ${setup.token}` });
    emu.addFault({
      method: 'audit.logs',
      kind: 'status',
      status: 400,
      body,
      contentType: 'application/json',
      times: 1,
    });
    const err = await all(client.logs()).catch((e: unknown) => e);
    assert.ok(err instanceof AuditLogsError && err.error === 'invalid_arguments');
    assert.ok(!JSON.stringify(err.data).includes(setup.token), 'data redacted');
    assert.ok(!inspect(err).includes(setup.token) && !err.message.includes(setup.token));
  });

  it('a dropped connection on a read is repeated by the Slack defaults', async () => {
    await generate(emu, { count: 30, team: setup.orgTeam });
    const retrying = new AuditLogsClient(setup.token, { baseUrl: emu.auditUrl });
    emu.addFault({ method: 'audit.logs', kind: 'drop', times: 2 });
    const entries = await all(retrying.logs({ limit: 10 }));
    retrying.close();
    assert.equal(entries.length, 30);
  });

  it('refuses bad options at construction and never shows its token', () => {
    assert.throws(() => new AuditLogsClient(''), /token/);
    assert.throws(() => new AuditLogsClient('x', { baseUrl: 'ftp://example.com/' }), /http/);
    assert.ok(!inspect(client).includes(setup.token));
    assert.ok(!JSON.stringify(client).includes(setup.token));
  });
});
