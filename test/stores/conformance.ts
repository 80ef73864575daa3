// One suite every InstallationStore passes: memory, file, SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { inspect } from 'node:util';
import { KeyRing } from '../../src/crypto/index.js';
import { SlacklineError } from '../../src/http/errors.js';
import { LeaseTimeoutError, StoreErrorCode } from '../../src/oauth/errors.js';
import type { NewInstallation } from '../../src/oauth/from-oauth.js';
import { RowInstallationStore } from '../../src/oauth/row-store.js';
import type { RowBackend } from '../../src/oauth/rows.js';
import type { Installation, InstallationStore, RotatingInstallationStore } from '../../src/oauth/types.js';

export interface StoreFactory {
  name: string;
  /** A fresh, empty store; `raw` reads every stored text (for the sealed-at-rest check). */
  open(): Promise<{ store: InstallationStore; raw?: () => Promise<string> }>;
  /** The same kind of store's rows, fresh and empty, to build several stores (keys, delays) on one database. */
  rows?: () => Promise<{ backend: RowBackend; done: () => Promise<void> }>;
}

/** The backend with `ms` of latency before and after every call, as a database across a network has. */
export function delayed(backend: RowBackend, ms: number): RowBackend {
  const slow =
    <A extends unknown[], R>(f: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      await sleep(ms);
      const result = await f(...args);
      await sleep(ms);
      return result;
    };
  return {
    upsert: slow(backend.upsert.bind(backend)),
    get: slow(backend.get.bind(backend)),
    delete: slow(backend.delete.bind(backend)),
    listBots: slow(backend.listBots.bind(backend)),
    listAll: slow(backend.listAll.bind(backend)),
    history: slow(backend.history.bind(backend)),
    claimLease: slow(backend.claimLease.bind(backend)),
    finishLease: slow(backend.finishLease.bind(backend)),
    close: backend.close.bind(backend),
  };
}

export function install(
  over: Partial<NewInstallation> & { team?: string | null; token?: string } = {},
): NewInstallation {
  const team = over.team === undefined ? 'T0CONF1' : over.team;
  return {
    appId: 'A0CONF',
    enterpriseId: null,
    enterpriseName: undefined,
    enterpriseUrl: undefined,
    teamId: team,
    teamName: 'Conformance',
    isEnterpriseInstall: false,
    tokenType: 'bot',
    bot: {
      token: over.token ?? 'xoxb-canary-bot',
      id: 'B0CONF',
      userId: 'U0BOT',
      scopes: ['chat:write'],
      refreshToken: undefined,
      expiresAt: undefined,
    },
    user: { id: 'U0INSTALLER', token: undefined, scopes: [], refreshToken: undefined, expiresAt: undefined },
    incomingWebhook: undefined,
    ...over,
  };
}

const q = (teamId: string | null, extra: object = {}) => ({
  enterpriseId: null,
  teamId,
  isEnterpriseInstall: false,
  ...extra,
});

export function storeConformance(factory: StoreFactory): void {
  test(`${factory.name}: save, findBot, version bump and history on reinstall`, async () => {
    const { store } = await factory.open();
    try {
      await store.save(install());
      const first = await store.findBot(q('T0CONF1'));
      assert.equal(first?.bot?.token, 'xoxb-canary-bot');
      assert.equal(first?.version, 1);
      await store.save(
        install({
          token: 'xoxb-canary-bot-2',
          bot: { ...install().bot!, token: 'xoxb-canary-bot-2', scopes: ['chat:write', 'users:read'] },
        }),
      );
      const second = await store.findBot(q('T0CONF1'));
      assert.equal(second?.bot?.token, 'xoxb-canary-bot-2');
      assert.deepEqual(second?.bot?.scopes, ['chat:write', 'users:read']);
      assert.equal(second?.version, 2);
      // A save is an install: its rows' installedAt is the save's time (the first one is in history).
      assert.equal(second?.installedAt, second?.updatedAt);
      assert.ok((second?.installedAt ?? 0) >= (first?.installedAt ?? Infinity));
      const history = await store.history(q('T0CONF1'));
      assert.deepEqual(
        history.map((h) => h.version),
        [2, 1],
      );
      assert.deepEqual(history[1]?.botScopes, ['chat:write']);
      assert.doesNotMatch(inspect(second, { depth: 5 }), /xoxb-canary/);
      assert.equal(await store.findBot(q('T0OTHER')), undefined);
    } finally {
      await store.close();
    }
  });

  test(`${factory.name}: a user's token goes only to that user; bot lookups carry none`, async () => {
    const { store } = await factory.open();
    try {
      const alice = {
        id: 'U0ALICE',
        token: 'xoxp-canary-alice',
        scopes: ['search:read'],
        refreshToken: undefined,
        expiresAt: undefined,
      };
      await store.save(install({ user: alice }));
      await store.save(install({ user: { ...alice, id: 'U0BOB', token: 'xoxp-canary-bob' } }));
      assert.equal((await store.findBot(q('T0CONF1')))?.user.token, undefined);
      assert.equal((await store.findInstallation(q('T0CONF1')))?.user.token, undefined);
      assert.equal(
        (await store.findInstallation(q('T0CONF1', { userId: 'U0ALICE' })))?.user.token,
        'xoxp-canary-alice',
      );
      assert.equal((await store.findInstallation(q('T0CONF1', { userId: 'U0BOB' })))?.user.token, 'xoxp-canary-bob');
      const carol = await store.findInstallation(q('T0CONF1', { userId: 'U0CAROL' }));
      assert.equal(carol?.user.token, undefined);
      assert.equal(carol?.bot?.token, 'xoxb-canary-bot');
      await store.deleteInstallation(q('T0CONF1', { userId: 'U0ALICE' }));
      assert.equal((await store.findInstallation(q('T0CONF1', { userId: 'U0ALICE' })))?.user.token, undefined);
      assert.equal((await store.findInstallation(q('T0CONF1', { userId: 'U0BOB' })))?.user.token, 'xoxp-canary-bob');
      await store.deleteBot(q('T0CONF1'));
      assert.equal(await store.findBot(q('T0CONF1')), undefined);
      assert.equal((await store.findInstallation(q('T0CONF1', { userId: 'U0BOB' })))?.user.token, 'xoxp-canary-bob');
      await store.deleteAll(q('T0CONF1'));
      assert.equal(await store.findInstallation(q('T0CONF1', { userId: 'U0BOB' })), undefined);
    } finally {
      await store.close();
    }
  });

  test(`${factory.name}: deleteInstalledUpTo deletes only rows installed at or before the cut-off, each by its own time`, async () => {
    const { store } = await factory.open();
    const user = (id: string) => ({
      id,
      token: `xoxp-canary-${id}`,
      scopes: ['search:read'],
      refreshToken: undefined,
      expiresAt: undefined,
    });
    try {
      await store.save(install({ user: user('U0ALICE') }));
      const first = (await store.findBot(q('T0CONF1')))?.installedAt ?? NaN;
      while (Date.now() <= first) await sleep(2); // the next save happens in a later millisecond
      await store.save(install({ user: user('U0BOB') })); // Bob's grant re-saves the bot row too
      const second = (await store.findBot(q('T0CONF1')))?.installedAt ?? NaN;
      assert.ok(second > first, 'a save over an existing row sets installedAt to the save time');
      const alice = q('T0CONF1', { userId: 'U0ALICE' });
      const bob = q('T0CONF1', { userId: 'U0BOB' });

      assert.deepEqual(await store.deleteInstalledUpTo(q('T0CONF1'), 'all', first - 1), { deleted: 0, kept: 3 });
      assert.deepEqual(await store.deleteInstalledUpTo(q('T0CONF1'), 'bot', first), { deleted: 0, kept: 1 });
      assert.deepEqual(await store.deleteInstalledUpTo(bob, 'user', first), { deleted: 0, kept: 1 });
      assert.equal((await store.findInstallation(bob))?.user.token, 'xoxp-canary-U0BOB');
      // 'all' at Alice's time: only Alice's row is that old; the bot row and Bob's were saved later.
      assert.deepEqual(await store.deleteInstalledUpTo(q('T0CONF1'), 'all', first), { deleted: 1, kept: 2 });
      assert.equal((await store.findInstallation(alice))?.user.token, undefined);
      assert.equal((await store.findBot(q('T0CONF1')))?.bot?.token, 'xoxb-canary-bot');
      assert.equal((await store.findInstallation(bob))?.user.token, 'xoxp-canary-U0BOB');
      // 'user' and 'bot' address only their own row.
      assert.deepEqual(await store.deleteInstalledUpTo(bob, 'user', second), { deleted: 1, kept: 0 });
      assert.equal((await store.findBot(q('T0CONF1')))?.bot?.token, 'xoxb-canary-bot');
      assert.deepEqual(await store.deleteInstalledUpTo(q('T0CONF1'), 'bot', second), { deleted: 1, kept: 0 });
      assert.equal(await store.findBot(q('T0CONF1')), undefined);
      assert.deepEqual(await store.deleteInstalledUpTo(q('T0CONF1'), 'all', Infinity), { deleted: 0, kept: 0 });
      // An org-wide install is addressed at team null, whatever team the query names.
      await store.save(install({ enterpriseId: 'E0ORG', isEnterpriseInstall: true, team: null }));
      const org = { enterpriseId: 'E0ORG', teamId: 'T0ANY', isEnterpriseInstall: true };
      assert.deepEqual(await store.deleteInstalledUpTo(org, 'all', Infinity), { deleted: 1, kept: 0 });
      assert.equal(await store.findBot(org), undefined);
      await assert.rejects(store.deleteInstalledUpTo(q('T0CONF1'), 'user', Infinity), SlacklineError);
    } finally {
      await store.close();
    }
  });

  test(`${factory.name}: a re-install racing a conditional delete for an earlier event is never deleted`, async () => {
    const { store } = await factory.open();
    try {
      for (let i = 0; i < 20; i++) {
        const team = `T0RACE${i}`;
        await store.save(install({ team, token: 'xoxb-canary-old' }));
        const event = (await store.findBot(q(team)))?.installedAt ?? NaN; // the uninstall happened then
        while (Date.now() <= event) await sleep(1);
        // The delete for the event and the re-install run at once; the one started first alternates.
        const remove = () => store.deleteInstalledUpTo(q(team), 'all', event);
        const reinstall = () => store.save(install({ team, token: 'xoxb-canary-new' }));
        const outcome =
          i % 2 === 0 ? await Promise.all([remove(), reinstall()]) : await Promise.all([reinstall(), remove()]);
        assert.equal((await store.findBot(q(team)))?.bot?.token, 'xoxb-canary-new', `round ${i}: ${inspect(outcome)}`);
      }
    } finally {
      await store.close();
    }
  });

  test(`${factory.name}: an org-wide install (team null) is found and deleted; its workspaces are separate`, async () => {
    const { store } = await factory.open();
    try {
      const org = { enterpriseId: 'E0ORG', enterpriseName: 'Org', isEnterpriseInstall: true };
      await store.save(install({ ...org, team: null, token: 'xoxb-canary-org' }));
      await store.save(install({ enterpriseId: 'E0ORG', team: 'T0INORG', token: 'xoxb-canary-ws' }));
      const orgQuery = { enterpriseId: 'E0ORG', teamId: 'T0ANY', isEnterpriseInstall: true };
      const found = await store.findBot(orgQuery);
      assert.equal(found?.bot?.token, 'xoxb-canary-org');
      assert.equal(found?.teamId, null);
      assert.equal(found?.isEnterpriseInstall, true);
      const listed = (await store.list()).items.find((i) => i.isEnterpriseInstall);
      assert.equal(listed?.teamId, null);
      await store.deleteAll({ enterpriseId: 'E0ORG', teamId: null, isEnterpriseInstall: true });
      assert.equal(await store.findBot(orgQuery), undefined);
      assert.equal(
        (await store.findBot({ enterpriseId: 'E0ORG', teamId: 'T0INORG', isEnterpriseInstall: false }))?.bot?.token,
        'xoxb-canary-ws',
      );
    } finally {
      await store.close();
    }
  });

  test(`${factory.name}: list pages through every installation once, without tokens`, async () => {
    const { store } = await factory.open();
    try {
      for (let i = 0; i < 25; i++) await store.save(install({ team: `T0L${String(i).padStart(3, '0')}` }));
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.list({ limit: 7, cursor });
        assert.ok(page.items.length <= 7);
        seen.push(...page.items.map((i) => i.teamId ?? ''));
        assert.doesNotMatch(JSON.stringify(page), /xoxb-/);
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      assert.equal(seen.length, 25);
      assert.equal(new Set(seen).size, 25);
    } finally {
      await store.close();
    }
  });

  test(`${factory.name}: 2 x 100 concurrent installs of one team end in one current row`, async () => {
    const { store } = await factory.open();
    try {
      const wave = (n: number) =>
        Promise.all(
          Array.from({ length: 100 }, (_, i) =>
            store.save(install({ team: 'T0RACE', token: `xoxb-canary-${n}-${i}` })),
          ),
        );
      await Promise.all([wave(1), wave(2)]);
      const page = await store.list({ limit: 1000 });
      assert.equal(page.items.filter((i) => i.teamId === 'T0RACE').length, 1);
      const row = await store.findBot(q('T0RACE'));
      assert.equal(row?.version, 200);
      assert.match(row?.bot?.token ?? '', /^xoxb-canary-[12]-\d+$/);
      assert.equal((await store.history(q('T0RACE'))).length, 200);
    } finally {
      await store.close();
    }
  });

  test(`${factory.name}: tokens are sealed at rest`, async () => {
    const { store, raw } = await factory.open();
    try {
      await store.save(
        install({
          token: 'xoxb-canary-at-rest',
          user: {
            id: 'U0S',
            token: 'xoxp-canary-at-rest',
            scopes: ['a'],
            refreshToken: 'xoxe-canary-refresh',
            expiresAt: undefined,
          },
        }),
      );
      if (raw === undefined) return; // memory: nothing at rest
      const text = await raw();
      assert.match(text, /U0S/); // the rows are there...
      assert.doesNotMatch(text, /canary-at-rest|canary-refresh/); // ...but not the tokens
    } finally {
      await store.close();
    }
  });

  test(`${factory.name}: rotate() holds the row's lease: 20 concurrent callers, one refresh; a failed one writes nothing`, async () => {
    const { store } = await factory.open();
    const s = store as RotatingInstallationStore;
    try {
      const bot = { ...install().bot!, refreshToken: 'xoxe-canary-r1', expiresAt: 1000 };
      await s.save(install({ bot }));
      let calls = 0;
      const due = (c: { expiresAt?: number }) => (c.expiresAt ?? 0) < 10_000;
      const refresh = async (refreshToken: string) => {
        calls++;
        assert.equal(refreshToken, 'xoxe-canary-r1');
        await sleep(20); // the others arrive while this one holds the lease
        return { token: 'xoxb-canary-rotated', refreshToken: 'xoxe-canary-r2', expiresAt: 50_000 };
      };
      const stored: Installation[] = [];
      const onStored = (inst: Installation) => void stored.push(inst);
      const done = await Promise.all(
        Array.from({ length: 20 }, () => s.rotate(q('T0CONF1'), undefined, due, refresh, { onStored })),
      );
      assert.equal(calls, 1);
      assert.equal(done.filter(Boolean).length, 1);
      const after = await s.findBot(q('T0CONF1'));
      // The one that stored it is handed the row exactly as reading it back answers it.
      assert.equal(stored.length, 1);
      assert.deepEqual(stored[0], after);
      assert.deepEqual(
        [after?.bot?.token, after?.bot?.refreshToken, after?.bot?.expiresAt, after?.version],
        ['xoxb-canary-rotated', 'xoxe-canary-r2', 50_000, 2],
      );
      assert.deepEqual([after?.bot?.scopes, after?.bot?.userId], [bot.scopes, bot.userId]);
      assert.equal((await s.history(q('T0CONF1'))).length, 1); // a refresh is not an install
      const boom = async (): Promise<never> => {
        throw new Error('boom');
      };
      await assert.rejects(
        s.rotate(q('T0CONF1'), undefined, () => true, boom),
        /boom/,
      );
      assert.equal((await s.findBot(q('T0CONF1')))?.version, 2);
      // The failed holder let go: the next caller gets the lease at once.
      assert.equal(await s.rotate(q('T0CONF1'), undefined, () => false, boom), false);
      assert.equal(await s.rotate(q('T0NONE'), undefined, () => true, boom), false); // no row: nothing to refresh
    } finally {
      await store.close();
    }
  });

  const rows = factory.rows;
  if (rows === undefined) return;

  test(`${factory.name}: an empty batch is saved as nothing (saveMany([]) and upsert([]))`, async () => {
    const { backend, done } = await rows();
    try {
      await backend.upsert([], 1_000);
      const store = new RowInstallationStore(backend, { keys: new KeyRing([{ id: 'k', key: randomBytes(32) }]) });
      await store.saveMany([]);
      await store.saveMany([install()]);
      assert.equal((await store.findBot(q('T0CONF1')))?.version, 1);
      assert.deepEqual((await store.list({ limit: 10 })).items.length, 1);
    } finally {
      await done();
    }
  });

  test(`${factory.name}: reseal while rotate() refreshes, 20 ms database latency: 0 lost refreshes`, async () => {
    const { backend, done } = await rows();
    try {
      const slow = delayed(backend, 20);
      const oldKey = { id: 'old', key: randomBytes(32) };
      const newKey = { id: 'new', key: randomBytes(32) };
      const rotated = new KeyRing([newKey, oldKey]);
      const before = new RowInstallationStore(slow, { keys: new KeyRing([oldKey]) });
      const teams = Array.from({ length: 8 }, (_, i) => `T0RS${i}`);
      for (const [i, team] of teams.entries()) {
        const bot = { ...install().bot!, refreshToken: `xoxe-canary-spent-${i}`, expiresAt: 1000 };
        await before.save(install({ team, bot }));
      }
      const server = new RowInstallationStore(slow, { keys: rotated }); // serve, restarted with the new key first
      const admin = new RowInstallationStore(slow, { keys: rotated }); // `slackline keys rotate`, meanwhile
      let resealing: Promise<number> | undefined;
      const refreshed = await Promise.all(
        teams.map((team, i) =>
          server.rotate(
            q(team),
            undefined,
            (c) => (c.expiresAt ?? 0) < 10_000,
            async (spent) => {
              assert.equal(spent, `xoxe-canary-spent-${i}`);
              resealing ??= admin.reseal(); // starts while every refresh is out at Slack
              await sleep(25);
              return { token: `xoxb-canary-fresh-${i}`, refreshToken: `xoxe-canary-fresh-${i}`, expiresAt: 50_000 };
            },
          ),
        ),
      );
      assert.deepEqual(
        refreshed,
        teams.map(() => true),
      );
      await resealing;
      const only = new RowInstallationStore(backend, { keys: new KeyRing([newKey]) }); // the old key dropped
      for (const [i, team] of teams.entries()) {
        const found = await only.findBot(q(team));
        assert.equal(found?.bot?.refreshToken, `xoxe-canary-fresh-${i}`, `${team}: the refresh survived the reseal`);
        assert.equal(found?.bot?.token, `xoxb-canary-fresh-${i}`);
        assert.equal((await admin.history(q(team))).length, 1, `${team}: a reseal writes no history`);
      }
      assert.equal(await admin.reseal(), 0); // everything is under 'new' now
    } finally {
      await done();
    }
  });

  test(`${factory.name}: a lease waiter gives up at its deadline or on abort, with a typed error`, async () => {
    const { backend, done } = await rows();
    try {
      const store = new RowInstallationStore(backend, { keys: new KeyRing([{ id: 'k', key: randomBytes(32) }]) });
      await store.save(install({ bot: { ...install().bot!, refreshToken: 'xoxe-canary-r1', expiresAt: 1000 } }));
      const key = { enterpriseId: '', teamId: 'T0CONF1', userId: '' };
      // Another process holds the lease (as data) and is out at Slack for a long time.
      assert.notEqual(await backend.claimLease(key, 'other', Date.now() + 60_000, Date.now()), undefined);
      let called = false;
      const refresh = async () => {
        called = true;
        return { token: 'xoxb-canary-x', refreshToken: 'xoxe-canary-x', expiresAt: 9_000 };
      };
      const started = Date.now();
      const err = await store.rotate(q('T0CONF1'), undefined, () => true, refresh, { waitMs: 300 }).catch((e) => e);
      assert.ok(err instanceof LeaseTimeoutError && err instanceof SlacklineError, String(err));
      assert.equal(err.code, StoreErrorCode.LeaseTimeout);
      assert.ok(Date.now() - started < 5_000, 'gave up near its 300 ms deadline, not at the lease expiry');
      const abort = new AbortController();
      setTimeout(() => abort.abort(), 200);
      const aborted = await store
        .rotate(q('T0CONF1'), undefined, () => true, refresh, { signal: abort.signal })
        .catch((e: unknown) => e);
      assert.ok(aborted instanceof SlacklineError, String(aborted));
      assert.equal((aborted as { reason?: string }).reason, 'aborted');
      assert.ok(Date.now() - started < 10_000);
      assert.equal(called, false);
      // The holder finishes; the row is free again at once.
      await backend.finishLease(key, 'other', undefined, Date.now());
      assert.equal(await store.rotate(q('T0CONF1'), undefined, () => true, refresh), true);
    } finally {
      await done();
    }
  });

  test(`${factory.name}: a reinstall while a refresh is out at Slack wins: the refresh's write-back is refused by version`, async () => {
    const { backend, done } = await rows();
    try {
      const store = new RowInstallationStore(backend, { keys: new KeyRing([{ id: 'k', key: randomBytes(32) }]) });
      const bot = { ...install().bot!, refreshToken: 'xoxe-canary-r1', expiresAt: 1000 };
      await store.save(install({ bot }));
      const reinstalled = install({
        bot: { ...bot, token: 'xoxb-canary-reinstalled', refreshToken: 'xoxe-canary-r2' },
      });
      let stored: Installation | undefined;
      const written = await store.rotate(
        q('T0CONF1'),
        undefined,
        () => true,
        async () => {
          await store.save(reinstalled); // the workspace installs again (no lease) meanwhile
          return { token: 'xoxb-canary-refreshed', refreshToken: 'xoxe-canary-r3', expiresAt: 9_000 };
        },
        {
          onStored: (inst) => {
            stored = inst;
          },
        },
      );
      assert.equal(written, false);
      assert.equal(stored, undefined, 'nothing stored, nothing handed back');
      const row = await store.findBot(q('T0CONF1'));
      assert.equal(row?.bot?.token, 'xoxb-canary-reinstalled');
      assert.equal(row?.bot?.refreshToken, 'xoxe-canary-r2');
    } finally {
      await done();
    }
  });

  test(`${factory.name}: a refresh's write-back that the database fails is tried again: Slack's new tokens are kept`, async () => {
    const { backend, done } = await rows();
    try {
      let failures = 2;
      const flaky: RowBackend = {
        ...delayed(backend, 0),
        finishLease: async (...args) => {
          if (args[2] !== undefined && failures-- > 0)
            throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
          return backend.finishLease(...args);
        },
      };
      const store = new RowInstallationStore(flaky, { keys: new KeyRing([{ id: 'k', key: randomBytes(32) }]) });
      await store.save(install({ bot: { ...install().bot!, refreshToken: 'xoxe-canary-r1', expiresAt: 1000 } }));
      const fresh = { token: 'xoxb-canary-new', refreshToken: 'xoxe-canary-r2', expiresAt: 9_000 };
      let stored: Installation | undefined;
      assert.equal(
        await store.rotate(
          q('T0CONF1'),
          undefined,
          () => true,
          async () => fresh,
          {
            onStored: (inst) => {
              stored = inst;
            },
          },
        ),
        true,
      );
      assert.equal(failures, -1, 'failed twice, then written');
      const row = await store.findBot(q('T0CONF1'));
      assert.deepEqual(stored, row, 'handed back as written by the attempt that went through');
      assert.equal(row?.bot?.token, 'xoxb-canary-new');
      assert.equal(row?.bot?.refreshToken, 'xoxe-canary-r2');
      // The lease was let go: the next caller gets it at once.
      assert.notEqual(
        await backend.claimLease(
          { enterpriseId: '', teamId: 'T0CONF1', userId: '' },
          'next',
          Date.now() + 60_000,
          Date.now(),
        ),
        undefined,
      );
    } finally {
      await done();
    }
  });

  test(`${factory.name}: a lapsed lease taken over says its holder was interrupted; a let-go one does not`, async () => {
    const { backend, done } = await rows();
    try {
      const store = new RowInstallationStore(backend, { keys: new KeyRing([{ id: 'k', key: randomBytes(32) }]) });
      await store.save(install({ bot: { ...install().bot!, refreshToken: 'xoxe-canary-r1', expiresAt: 1000 } }));
      const key = { enterpriseId: '', teamId: 'T0CONF1', userId: '' };
      const seen: boolean[] = [];
      const refresh = async (_token: string, lease?: { interrupted: boolean }) => {
        seen.push(lease?.interrupted ?? false);
        return { token: 'xoxb-canary-x', refreshToken: `xoxe-canary-x${seen.length}`, expiresAt: 9_000 };
      };
      // Free row: claimed fresh.
      assert.equal(await store.rotate(q('T0CONF1'), undefined, () => true, refresh), true);
      // A holder claims and lets go (finished, or failed and released): not an interruption.
      const now = Date.now();
      assert.equal((await backend.claimLease(key, 'other', now + 60_000, now))?.interrupted, false);
      await backend.finishLease(key, 'other', undefined, now);
      assert.equal(await store.rotate(q('T0CONF1'), undefined, () => true, refresh), true);
      // A holder that died: its lease lapsed unreleased, and the next claim is told.
      assert.notEqual(await backend.claimLease(key, 'dead', now - 1, now - 60_001), undefined);
      assert.equal(await store.rotate(q('T0CONF1'), undefined, () => true, refresh), true);
      assert.deepEqual(seen, [false, false, true]);
    } finally {
      await done();
    }
  });
}
