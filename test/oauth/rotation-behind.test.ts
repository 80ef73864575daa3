// Refresh behind the lookup (RotationOptions.background, on by default): a due token that still works
// for over a minute is answered at once and refreshed after; refreshes gathered together share their
// commits; a failure behind a lookup is logged and marked, never thrown at a caller.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { KeyRing } from '../../src/crypto/index.js';
import { Dispatcher } from '../../src/events/dispatcher.js';
import { createEventsHandler } from '../../src/events/handler.js';
import { InstallationAuthority } from '../../src/oauth/authorize.js';
import type { RotationOptions } from '../../src/oauth/rotation.js';
import { TokenRefreshError } from '../../src/oauth/rotation.js';
import { startServer } from '../../src/server/index.js';
import { SqliteInstallationStore } from '../../src/stores/sqlite/index.js';
import { signedHeaders } from '../events/signed.js';
import { walCommits } from '../helpers/wal.js';
import {
  clientFor,
  clockOf,
  eachStoreKind,
  installInto,
  nearExpiry,
  refreshCounter,
  spendRefreshToken,
} from './rotation-helpers.js';

const FOUR_MINUTES = 4 * 60_000;

eachStoreKind('refresh behind the lookup', (suite, kind) => {
  const authority = (rotation: Partial<RotationOptions> = {}) =>
    new InstallationAuthority(suite.open.store, {
      scopes: ['chat:write'],
      client: clientFor(suite.emu),
      clock: clockOf(suite.emu),
      rotation: { clientId: suite.emu.clientId, clientSecret: suite.emu.clientSecret, jitterMs: 0, ...rotation },
    });
  const query = (teamId: string) => ({ enterpriseId: null, teamId, isEnterpriseInstall: false });

  it('a due token that works for minutes yet is answered at once, and refreshed behind the lookup', async () => {
    const q = query(await installInto(suite.emu, suite.open.store));
    const refreshes = refreshCounter(suite.emu);
    const auth = authority();
    const first = await auth.authorize(q);
    nearExpiry(suite.emu, FOUR_MINUTES); // inside the 5-minute margin, with 4 minutes left
    const answered = await auth.authorize(q);
    assert.equal(answered.botToken, first.botToken, 'the working token, without waiting for Slack');
    assert.equal(auth.refreshing, true);
    await auth.settled();
    assert.equal(auth.refreshing, false);
    assert.equal(refreshes(true), 1);
    const saved = await suite.open.store.findBot(q);
    assert.notEqual(saved?.bot?.token, first.botToken);
    assert.equal((await auth.authorize(q)).botToken, saved?.bot?.token, 'the refreshed token from then on');
    await auth.settled();
    assert.equal(refreshes(), 1);
    assert.equal(await suite.open.leases(), 0);
  });

  it('with under a minute left, or with background: false, the caller waits for its refresh', async () => {
    for (const [left, rotation] of [
      [50_000, {}],
      [FOUR_MINUTES, { background: false }],
    ] as const) {
      suite.emu.state.clock.offsetMs = 0;
      const q = query(await installInto(suite.emu, suite.open.store));
      const refreshes = refreshCounter(suite.emu);
      const auth = authority(rotation);
      const first = await auth.authorize(q);
      nearExpiry(suite.emu, left);
      const answered = await auth.authorize(q);
      assert.notEqual(answered.botToken, first.botToken, `${left} ms left, ${JSON.stringify(rotation)}`);
      assert.equal(refreshes(true), 1);
      assert.equal(auth.refreshing, false);
      assert.equal((await suite.open.store.findBot(q))?.bot?.token, answered.botToken);
    }
  });

  it('a refresh behind a lookup that Slack refuses marks the row and calls the hook; no caller sees an error until then', async () => {
    const q = query(await installInto(suite.emu, suite.open.store));
    await spendRefreshToken(suite.emu, (await suite.open.store.findBot(q))?.bot?.refreshToken);
    const hooks: unknown[] = [];
    const auth = authority({ onNeedsReinstall: (e) => hooks.push(e) });
    const first = await auth.authorize(q);
    nearExpiry(suite.emu, FOUR_MINUTES);
    assert.equal((await auth.authorize(q)).botToken, first.botToken);
    await auth.settled(); // the refusal is logged, not thrown
    assert.equal(hooks.length, 1);
    assert.equal((await suite.open.store.findBot(q))?.needsReinstall?.reason, 'invalid_refresh_token');
    const err = await auth.authorize(q).catch((e: unknown) => e);
    assert.ok(err instanceof TokenRefreshError, String(err));
    assert.equal(err.code, 'slackline_needs_reinstall');
  });

  if (kind === 'memory') {
    it('a due token answered behind its lookup takes no place in the cache: live entries stay', async () => {
      const due = await installInto(suite.emu, suite.open.store, '', 'T0DUEROW1');
      suite.emu.state.clock.offsetMs = 3_600_000; // the other two installed an hour later: not due with it
      const live = [
        await installInto(suite.emu, suite.open.store, '', 'T0LIVEROW1'),
        await installInto(suite.emu, suite.open.store, '', 'T0LIVEROW2'),
      ];
      let reads = 0;
      const store = suite.open.store;
      const counting = new Proxy(store, {
        get(target, name) {
          if (name === 'findInstallation')
            return (...args: Parameters<typeof store.findInstallation>) => {
              reads++;
              return target.findInstallation(...args);
            };
          const value = Reflect.get(target, name, target);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      const auth = new InstallationAuthority(counting, {
        scopes: ['chat:write'],
        client: clientFor(suite.emu),
        clock: clockOf(suite.emu),
        cacheTtlMs: 24 * 3_600_000,
        cacheSize: 2,
        rotation: { clientId: suite.emu.clientId, clientSecret: suite.emu.clientSecret, jitterMs: 0 },
      });
      for (const t of live) await auth.authorize(query(t));
      nearExpiry(suite.emu, FOUR_MINUTES); // the first row's token is due; the others have an hour more
      for (let i = 0; i < 3; i++) await auth.authorize(query(due));
      const before = reads;
      for (const t of live) await auth.authorize(query(t));
      assert.equal(reads - before, 0, 'both live entries answered from the cache');
      await auth.settled();
    });

    it('a batch window outside 0-60,000 ms is refused with a clear error', () => {
      for (const batchMs of [-1, 60_001, Number.NaN]) {
        assert.throws(() => authority({ batchMs }), /tokenRotation\.batchMs must be 0 to 60,000 ms/);
      }
    });

    it("an event's refresh behind its lookup is part of the work handed to ctx.waitUntil", async () => {
      const q = query(await installInto(suite.emu, suite.open.store));
      const auth = authority();
      const first = await auth.authorize(q);
      nearExpiry(suite.emu, FOUR_MINUTES);
      const secret = 'rotation-behind-test-secret';
      const handler = createEventsHandler({
        signingSecret: secret,
        dispatcher: new Dispatcher({ authority: auth }).on('app_mention', () => {}),
      });
      const body = JSON.stringify({
        type: 'event_callback',
        team_id: q.teamId,
        event_id: 'EvBEHIND1',
        event_time: 1,
        event: { type: 'app_mention' },
      });
      const handed: Promise<unknown>[] = [];
      const request = new Request('http://localhost/', {
        method: 'POST',
        headers: signedHeaders(secret, body),
        body,
      });
      const res = await handler(request, { waitUntil: (work) => void handed.push(work) });
      assert.equal(res.status, 200);
      await Promise.all(handed);
      const saved = await suite.open.store.findBot(q);
      assert.notEqual(saved?.bot?.token, first.botToken, 'refreshed before the handed work ended');
    });
  }

  if (kind === 'sqlite') {
    it("serve's close waits for a refresh behind a lookup: its tokens are stored before the store closes", async () => {
      const spec = KeyRing.generateSpec('behind');
      const path = join(mkdtempSync(join(tmpdir(), 'slackline-behind-serve-')), 'serve.db');
      const server = await startServer({
        port: 0,
        host: '127.0.0.1',
        clock: clockOf(suite.emu),
        env: {
          SLACK_CLIENT_ID: suite.emu.clientId,
          SLACK_CLIENT_SECRET: suite.emu.clientSecret,
          SLACK_API_URL: suite.emu.apiUrl,
          SLACKLINE_DATABASE_URL: `sqlite:${path}`,
          SLACKLINE_ENCRYPTION_KEYS: spec,
        },
      });
      const store = server.stores?.installations;
      assert.ok(store);
      const q = query(await installInto(suite.emu, store));
      const refreshes = refreshCounter(suite.emu);
      const first = await server.installer.authority.authorize(q);
      nearExpiry(suite.emu, FOUR_MINUTES);
      assert.equal((await server.installer.authority.authorize(q)).botToken, first.botToken);
      await server.close(); // at once: the refresh is still gathered, not started
      assert.equal(refreshes(true), 1);
      const reopened = new SqliteInstallationStore(path, { keys: KeyRing.parse(spec) });
      try {
        const saved = await reopened.findBot(q);
        assert.notEqual(saved?.bot?.token, first.botToken, 'the refreshed tokens were written before the close');
      } finally {
        await reopened.close();
      }
    });

    it('ten due tokens looked up together share their commits: one for the claims, the write-backs together', async () => {
      const commitsFor = async (rotation: Partial<RotationOptions>, prefix: string) => {
        suite.emu.state.clock.offsetMs = 0;
        const teams: string[] = [];
        for (let i = 0; i < 10; i++) teams.push(await installInto(suite.emu, suite.open.store, '', `${prefix}${i}`));
        const refreshes = refreshCounter(suite.emu);
        const auth = authority(rotation);
        const before = await Promise.all(teams.map((t) => suite.open.store.findBot(query(t))));
        nearExpiry(suite.emu, FOUR_MINUTES);
        const commits = walCommits(suite.open.env.DB ?? '');
        await Promise.all(teams.map((t) => auth.authorize(query(t))));
        await auth.settled();
        assert.equal(refreshes(true), 10);
        for (const [i, t] of teams.entries()) {
          assert.notEqual((await suite.open.store.findBot(query(t)))?.bot?.token, before[i]?.bot?.token, t);
        }
        return walCommits(suite.open.env.DB ?? '') - commits;
      };
      // Measured: 2 behind the lookups (the claims' commit and the write-backs'); 11 with callers
      // waiting (their claims, asked in one turn, share a commit; each write-back commits as its
      // answer comes). Without the write-backs held for the batch's other answers: 11 as well.
      const behind = await commitsFor({}, 'T0BEHIND');
      const waiting = await commitsFor({ background: false }, 'T0WAITING');
      assert.ok(waiting >= 10, `the counter sees commits: ${waiting} with callers waiting`);
      assert.ok(behind <= 5, `ten refreshes behind lookups committed ${behind} times`);
    });
  }
});
