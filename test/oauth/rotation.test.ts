// Token rotation through authorize() against the emulator, on memory, SQLite and PostgreSQL stores.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { InstallationAuthority } from '../../src/oauth/authorize.js';
import { TokenRefreshError } from '../../src/oauth/rotation.js';
import {
  authorityFor,
  clientFor,
  clockOf,
  eachStoreKind,
  installInto,
  nearExpiry,
  refreshCounter,
  spendRefreshToken,
  TWELVE_HOURS,
} from './rotation-helpers.js';

eachStoreKind('token rotation', (suite) => {
  it('answers the stored token until the margin, then refreshes once; the new token posts', async () => {
    const teamId = await installInto(suite.emu, suite.open.store, 'search:read');
    const refreshes = refreshCounter(suite.emu);
    const q = { enterpriseId: null, teamId, isEnterpriseInstall: false };
    const authority = authorityFor(suite.emu, suite.open.store);
    const first = await authority.authorize(q);
    assert.match(first.botToken ?? '', /^xoxe\.xoxb-1-/);
    suite.emu.state.clock.offsetMs = TWELVE_HOURS - 20 * 60_000; // outside the 5-6 minute margin
    assert.equal((await authority.authorize(q)).botToken, first.botToken);
    assert.equal(refreshes(), 0);

    nearExpiry(suite.emu, 60_000); // inside the margin: the cached entry must not be answered
    const before = await suite.open.store.findBot(q);
    const fresh = await authority.authorize(q);
    assert.notEqual(fresh.botToken, first.botToken);
    assert.equal(refreshes(true), 1);
    const saved = await suite.open.store.findBot(q);
    assert.equal(saved?.bot?.token, fresh.botToken);
    assert.notEqual(saved?.bot?.refreshToken, before?.bot?.refreshToken);
    assert.equal(saved?.version, (before?.version ?? 0) + 1);
    assert.ok((saved?.bot?.expiresAt ?? 0) > Date.now() + suite.emu.state.clock.offsetMs + TWELVE_HOURS - 60_000);

    suite.emu.state.clock.offsetMs += 2 * 60_000; // the old token has now expired in Slack
    const old = await clientFor(suite.emu)
      .withToken(first.botToken ?? '')
      .auth.test()
      .catch((e: Error) => e);
    assert.equal((old as { error?: string }).error, 'token_expired');
    const client = await authority.clientFor(q);
    const posted = await client.chat.postMessage({ channel: 'general', text: 'after rotation' });
    assert.equal(posted.ok, true);
    assert.equal(refreshes(), 1);
  });

  it("refreshes the asking user's own expiring token too", async () => {
    const teamId = await installInto(suite.emu, suite.open.store, 'search:read');
    const refreshes = refreshCounter(suite.emu);
    const inst = await suite.open.store.findInstallation({ enterpriseId: null, teamId, isEnterpriseInstall: false });
    const q = { enterpriseId: null, teamId, isEnterpriseInstall: false, userId: inst?.user.id };
    const authority = authorityFor(suite.emu, suite.open.store);
    const first = await authority.authorize(q);
    assert.match(first.userToken ?? '', /^xoxe\.xoxp-1-/);
    nearExpiry(suite.emu);
    const fresh = await authority.authorize(q);
    assert.notEqual(fresh.userToken, first.userToken);
    assert.notEqual(fresh.botToken, first.botToken);
    assert.equal(refreshes(true), 2); // bot and user
    const res = await clientFor(suite.emu)
      .withToken(fresh.userToken ?? '')
      .auth.test();
    assert.equal(res.ok, true);
  });

  it('a refresh this process stored is answered as stored, without reading the row back; a user lookup reads it', async () => {
    const teamId = await installInto(suite.emu, suite.open.store, 'search:read');
    const refreshes = refreshCounter(suite.emu);
    const bot = { enterpriseId: null, teamId, isEnterpriseInstall: false };
    const user = { ...bot, userId: (await suite.open.store.findInstallation(bot))?.user.id };
    const reads: (string | undefined)[] = [];
    const real = suite.open.store;
    // The real store with its lookups counted (its methods run on the store itself).
    const store = new Proxy(real, {
      get: (target, name) => {
        if (name === 'findInstallation') {
          return (query: typeof user) => {
            reads.push(query.userId);
            return target.findInstallation(query);
          };
        }
        const value = Reflect.get(target, name, target) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const authority = authorityFor(suite.emu, store, 0);
    nearExpiry(suite.emu);
    const fresh = await authority.authorize(bot);
    assert.equal(refreshes(true), 1);
    assert.deepEqual(reads, [undefined], 'one read, before the refresh');
    const reread = await authorityFor(suite.emu, real, 0).authorize(bot); // not due any more: as stored
    assert.deepEqual(fresh, reread);
    assert.equal(refreshes(), 1);

    reads.length = 0;
    nearExpiry(suite.emu, 60_000 - TWELVE_HOURS); // the refreshed bot token and the user's token are due
    const mine = await authority.authorize(user);
    assert.equal(refreshes(true), 3);
    assert.deepEqual(reads, [user.userId, user.userId], 'read back: the user row was refreshed too');
    assert.equal(mine.botToken, (await real.findBot(bot))?.bot?.token);
  });

  it('50 concurrent authorize() calls in one process → exactly 1 refresh, one token for all', async () => {
    const teamId = await installInto(suite.emu, suite.open.store);
    const refreshes = refreshCounter(suite.emu);
    const q = { enterpriseId: null, teamId, isEnterpriseInstall: false };
    const authority = authorityFor(suite.emu, suite.open.store);
    const first = await authority.authorize(q);
    nearExpiry(suite.emu);
    const all = await Promise.all(Array.from({ length: 50 }, () => authority.authorize(q)));
    const tokens = new Set(all.map((a) => a.botToken));
    assert.equal(tokens.size, 1);
    assert.ok(!tokens.has(first.botToken));
    assert.equal(refreshes(), 1);
  });

  it('two authorities on one store (no shared cache or flight) → exactly 1 refresh', async () => {
    const teamId = await installInto(suite.emu, suite.open.store);
    const refreshes = refreshCounter(suite.emu);
    const q = { enterpriseId: null, teamId, isEnterpriseInstall: false };
    const a = authorityFor(suite.emu, suite.open.store, 0);
    const b = authorityFor(suite.emu, suite.open.store, 0);
    nearExpiry(suite.emu);
    const answers = await Promise.all([a, b, a, b].map((x) => x.authorize(q)));
    assert.equal(new Set(answers.map((r) => r.botToken)).size, 1);
    assert.equal(refreshes(), 1);
  });

  it('refreshDue() refreshes what is due (or due within aheadMs) and nothing else', async () => {
    const teamId = await installInto(suite.emu, suite.open.store);
    const refreshes = refreshCounter(suite.emu);
    const q = { enterpriseId: null, teamId, isEnterpriseInstall: false };
    const authority = authorityFor(suite.emu, suite.open.store);
    const first = await authority.authorize(q);
    assert.deepEqual(await authority.refreshDue(), { checked: 1, refreshed: 0, failed: [], deferred: [] });
    assert.equal(refreshes(), 0);
    const ahead = await authority.refreshDue({ aheadMs: 12 * 3_600_000 });
    assert.deepEqual([ahead.checked, ahead.refreshed, ahead.failed.length], [1, 1, 0]);
    const next = await authority.authorize(q); // the cache entry was dropped
    assert.notEqual(next.botToken, first.botToken);
    assert.equal((await suite.open.store.findBot(q))?.bot?.token, next.botToken);
    assert.equal((await authority.refreshDue()).refreshed, 0);
    assert.equal(refreshes(), 1);
  });

  it('a refused refresh token → TokenRefreshError slackline_refresh_rejected, row kept as it was', async () => {
    const teamId = await installInto(suite.emu, suite.open.store);
    const refreshes = refreshCounter(suite.emu);
    const q = { enterpriseId: null, teamId, isEnterpriseInstall: false };
    const stored = await suite.open.store.findBot(q);
    // Someone else spends the refresh token (as a lost response would): ours is now single-use-spent.
    await spendRefreshToken(suite.emu, stored?.bot?.refreshToken);
    const authority = authorityFor(suite.emu, suite.open.store);
    nearExpiry(suite.emu);
    const err = await authority.authorize(q).catch((e: unknown) => e);
    assert.ok(err instanceof TokenRefreshError, String(err));
    assert.equal(err.code, 'slackline_refresh_rejected');
    assert.equal(err.error, 'invalid_refresh_token');
    assert.equal(err.teamId, teamId);
    assert.doesNotMatch(`${err.message} ${err.stack}`, /xoxe/);
    const kept = await suite.open.store.findBot(q);
    assert.equal(kept?.version, (stored?.version ?? 0) + 1, 'only the mark was written');
    assert.equal(kept?.bot?.refreshToken, stored?.bot?.refreshToken);
    assert.equal(kept?.bot?.token, stored?.bot?.token);
    assert.equal(kept?.needsReinstall?.reason, 'invalid_refresh_token');
    assert.equal(refreshes(false), 1);
  });

  it('a refused refresh marks the installation: authorize() answers needs_reinstall at once from every process, the hook fires once, a reinstall clears it', async () => {
    const teamId = await installInto(suite.emu, suite.open.store);
    const refreshes = refreshCounter(suite.emu);
    const q = { enterpriseId: null, teamId, isEnterpriseInstall: false };
    await spendRefreshToken(suite.emu, (await suite.open.store.findBot(q))?.bot?.refreshToken);
    const hooks: unknown[] = [];
    const rotation = {
      clientId: suite.emu.clientId,
      clientSecret: suite.emu.clientSecret,
      onNeedsReinstall: (e: unknown) => hooks.push(e),
    };
    const make = () =>
      new InstallationAuthority(suite.open.store, {
        scopes: ['chat:write'],
        client: clientFor(suite.emu),
        clock: clockOf(suite.emu),
        rotation,
      });
    const [a, b] = [make(), make()]; // two processes' authorities on one store
    nearExpiry(suite.emu);
    const first = await a.authorize(q).catch((e: unknown) => e);
    assert.ok(first instanceof TokenRefreshError && first.code === 'slackline_refresh_rejected', String(first));
    for (const authority of [a, b, a, b]) {
      const again = await authority.authorize(q).catch((e: unknown) => e);
      assert.ok(again instanceof TokenRefreshError, String(again));
      assert.equal(again.code, 'slackline_needs_reinstall');
      assert.equal(again.error, 'invalid_refresh_token');
    }
    assert.equal(refreshes(false), 1, 'Slack was asked once (and refused), not once per call or per process');
    assert.deepEqual(hooks, [{ enterpriseId: null, teamId, userId: undefined, reason: 'invalid_refresh_token' }]);
    const listed = (await suite.open.store.list()).items.find((i) => i.teamId === teamId);
    assert.equal(listed?.needsReinstall?.reason, 'invalid_refresh_token');
    suite.emu.state.clock.offsetMs = 0;
    await installInto(suite.emu, suite.open.store); // the workspace installs the app again
    const after = await make().authorize(q);
    assert.match(after.botToken ?? '', /^xoxe\.xoxb-1-/);
    assert.equal((await suite.open.store.findBot(q))?.needsReinstall, undefined);
  });

  it('a network failure keeps the row: the current token is answered while it works, then slackline_refresh_failed', async () => {
    const teamId = await installInto(suite.emu, suite.open.store);
    const refreshes = refreshCounter(suite.emu);
    const q = { enterpriseId: null, teamId, isEnterpriseInstall: false };
    const stored = await suite.open.store.findBot(q);
    const authority = authorityFor(suite.emu, suite.open.store, 0);
    const dead = authorityFor(suite.emu, suite.open.store, 0, 'http://127.0.0.1:9/api/'); // nothing listens on port 9
    nearExpiry(suite.emu);
    assert.equal((await dead.authorize(q)).botToken, stored?.bot?.token); // still valid: answered
    suite.emu.state.clock.offsetMs = TWELVE_HOURS + 1000;
    const err = await dead.authorize(q).catch((e: unknown) => e);
    assert.ok(err instanceof TokenRefreshError, String(err));
    assert.equal(err.code, 'slackline_refresh_failed');
    assert.equal(err.mayHaveBeenReceived, false); // connection refused: Slack never saw it
    const kept = await suite.open.store.findBot(q);
    assert.equal(kept?.version, stored?.version);
    assert.equal(kept?.bot?.refreshToken, stored?.bot?.refreshToken);
    // The kept refresh token still works once Slack is reachable again.
    const fresh = await authority.authorize(q);
    assert.notEqual(fresh.botToken, stored?.bot?.token);
    assert.equal(refreshes(true), 1);
  });
});
