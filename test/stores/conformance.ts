// One suite every InstallationStore passes: memory, file, SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { inspect } from 'node:util';
import type { NewInstallation } from '../../src/oauth/from-oauth.js';
import type { InstallationStore, RotatingInstallationStore } from '../../src/oauth/types.js';

export interface StoreFactory {
  name: string;
  /** A fresh, empty store; `raw` reads every stored text (for the sealed-at-rest check). */
  open(): Promise<{ store: InstallationStore; raw?: () => Promise<string> }>;
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
      assert.equal(second?.installedAt, first?.installedAt);
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
      const done = await Promise.all(Array.from({ length: 20 }, () => s.rotate(q('T0CONF1'), undefined, due, refresh)));
      assert.equal(calls, 1);
      assert.equal(done.filter(Boolean).length, 1);
      const after = await s.findBot(q('T0CONF1'));
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
}
