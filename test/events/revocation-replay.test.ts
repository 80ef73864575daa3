// Uninstall and revocation bookkeeping judges each row by its own installedAt, inside the store's one
// conditional delete: a user's re-grant after a revocation survives a replay of it, a genuine later
// revocation still removes it, and a re-installation landing while the uninstall's delete runs is kept.
// Real stores (memory, SQLite, PostgreSQL: SLACKLINE_TEST_POSTGRES_URL) on a clock the
// test sets, driven through the events handler with signed requests.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { KeyRing } from '../../src/crypto/index.js';
import { createEventsHandler } from '../../src/events/handler.js';
import type { Clock } from '../../src/http/clock.js';
import { InstallationAuthority } from '../../src/oauth/authorize.js';
import { MemoryRowBackend } from '../../src/oauth/memory-store.js';
import { RowInstallationStore } from '../../src/oauth/row-store.js';
import type { RowBackend } from '../../src/oauth/rows.js';
import type { DeleteOutcome, DeleteScope, InstallationQuery } from '../../src/oauth/types.js';
import { PostgresDatabase, PostgresRowBackend } from '../../src/stores/postgres/index.js';
import { openSqlite, SqliteRowBackend } from '../../src/stores/sqlite/index.js';
import { WebClient } from '../../src/web/client.js';
import { needService, serviceUrl } from '../helpers/services.js';
import { install } from '../stores/conformance.js';
import { signedHeaders } from './signed.js';

const SECRET = 'canary-signing-secret-revocation';
const TEAM = 'T0REVOKE';
const bot = { enterpriseId: null, teamId: TEAM, isEnterpriseInstall: false };
const as = (userId: string) => ({ ...bot, userId });
/** When the events happened (whole seconds, as Slack's event_time). */
const EVENT_S = 1_900_000_000;

const grant = (id: string) => ({
  id,
  token: `xoxp-canary-${id}`,
  scopes: ['search:read'],
  refreshToken: undefined,
  expiresAt: undefined,
});

/** A store whose delete lets a re-installation land first, as a concurrent OAuth callback would. */
class RacedStore extends RowInstallationStore {
  beforeDelete: (() => Promise<void>) | undefined;
  override async deleteAll(query: InstallationQuery): Promise<void> {
    await this.#race();
    await super.deleteAll(query);
  }
  override async deleteInstalledUpTo(
    query: InstallationQuery,
    what: DeleteScope,
    upTo: number,
  ): Promise<DeleteOutcome> {
    await this.#race();
    return super.deleteInstalledUpTo(query, what, upTo);
  }
  async #race(): Promise<void> {
    const run = this.beforeDelete;
    this.beforeDelete = undefined;
    await run?.();
  }
}

type Rows = () => Promise<{ backend: RowBackend; done: () => Promise<void> }>;
const kinds: [string, Rows][] = [
  ['memory', async () => ({ backend: new MemoryRowBackend(), done: async () => {} })],
  [
    'sqlite',
    async () => {
      const db = openSqlite(':memory:');
      return { backend: new SqliteRowBackend(db), done: async () => void db.close() };
    },
  ],
];
const pgUrl = serviceUrl('postgres');
if (pgUrl === undefined) {
  test('postgres store: the revocation tests', async (t) => void (await needService(t, 'postgres')));
} else {
  kinds.push([
    'postgres',
    async () => {
      const schema = `slackline_revoke_${process.pid}_${randomBytes(3).toString('hex')}`;
      const db = new PostgresDatabase({ connectionString: pgUrl, schema });
      return {
        backend: new PostgresRowBackend(db),
        done: async () => {
          await db.query(`DROP SCHEMA ${schema} CASCADE`, []);
          await db.close();
        },
      };
    },
  ]);
}

async function world(rows: Rows) {
  const { backend, done } = await rows();
  let now = (EVENT_S - 100) * 1000;
  const clock: Clock = { now: () => now, scale: 1 };
  const store = new RacedStore(backend, { keys: new KeyRing([{ id: 'k', key: randomBytes(32) }]), clock });
  const client = new WebClient();
  const authority = new InstallationAuthority(store, { scopes: [], client, cacheTtlMs: 0 });
  let n = 0;
  /** Delivers the event to a fresh handler (another process: its de-dup never saw the id). */
  const deliver = async (event: object, eventTime = EVENT_S) => {
    const body = JSON.stringify({
      type: 'event_callback',
      team_id: TEAM,
      event_id: 'Ev0REVOKE',
      event_time: eventTime,
      event,
    });
    const handler = createEventsHandler({ signingSecret: SECRET, authority });
    const res = await handler(
      new Request('https://app.example/slack/events', {
        method: 'POST',
        body,
        headers: signedHeaders(SECRET, body),
      }),
    );
    await handler.idle();
    assert.equal(res.status, 200, `delivery ${++n}`);
  };
  return {
    store,
    at: (seconds: number) => {
      now = seconds * 1000;
    },
    deliver,
    userToken: async (userId: string) => (await store.findInstallation(as(userId)))?.user.token,
    close: async () => {
      client.core.close();
      await done();
    },
  };
}

const revoke = (...users: string[]) => ({ type: 'tokens_revoked', tokens: { oauth: users, bot: [] } });

for (const [kind, rows] of kinds) {
  describe(`${kind} store`, () => {
    test('a user re-grant after a revocation survives its replay; a later revocation removes it', async () => {
      const w = await world(rows);
      try {
        w.at(EVENT_S - 100);
        await w.store.save(install({ team: TEAM, user: grant('U0ALICE') }));
        w.at(EVENT_S);
        await w.deliver(revoke('U0ALICE'));
        assert.equal(await w.userToken('U0ALICE'), undefined, 'the genuine revocation deletes the user row');

        // Alice grants her user scopes again; the bot row is not re-saved (a user-only grant).
        w.at(EVENT_S + 2);
        await w.store.save(install({ team: TEAM, bot: undefined, user: grant('U0ALICE') }));
        assert.equal(await w.userToken('U0ALICE'), 'xoxp-canary-U0ALICE');
        assert.equal((await w.store.findBot(bot))?.installedAt, (EVENT_S - 100) * 1000, 'the bot row is older');

        await w.deliver(revoke('U0ALICE')); // the captured revocation, replayed
        assert.equal(await w.userToken('U0ALICE'), 'xoxp-canary-U0ALICE', 'a replay deleted the re-granted token');

        w.at(EVENT_S + 10);
        await w.deliver(revoke('U0ALICE'), EVENT_S + 5); // Alice really revokes it later
        assert.equal(await w.userToken('U0ALICE'), undefined, 'a genuine later revocation must remove it');
        assert.equal((await w.store.findBot(bot))?.bot?.token, 'xoxb-canary-bot', 'the bot row stays');
      } finally {
        await w.close();
      }
    });

    test("a revocation is judged by the user's row, not by a bot row another user's install re-saved", async () => {
      const w = await world(rows);
      try {
        w.at(EVENT_S - 100);
        await w.store.save(install({ team: TEAM, user: grant('U0ALICE') }));
        // Bob installs after Alice revoked, before her revocation is processed: the bot row is newer.
        w.at(EVENT_S + 2);
        await w.store.save(install({ team: TEAM, user: grant('U0BOB') }));
        await w.deliver(revoke('U0ALICE'));
        assert.equal(await w.userToken('U0ALICE'), undefined, "Alice's revoked token was kept");
        assert.equal(await w.userToken('U0BOB'), 'xoxp-canary-U0BOB');
        assert.equal((await w.store.findBot(bot))?.bot?.token, 'xoxb-canary-bot');
      } finally {
        await w.close();
      }
    });

    test('a re-installation landing while the uninstall deletes is kept', async () => {
      const w = await world(rows);
      try {
        w.at(EVENT_S - 100);
        await w.store.save(install({ team: TEAM, token: 'xoxb-canary-old', user: grant('U0ALICE') }));
        w.at(EVENT_S + 2);
        w.store.beforeDelete = () => w.store.save(install({ team: TEAM, token: 'xoxb-canary-new' }));
        await w.deliver({ type: 'app_uninstalled' });
        assert.equal(w.store.beforeDelete, undefined, 'the re-installation landed during the delete');
        assert.equal((await w.store.findBot(bot))?.bot?.token, 'xoxb-canary-new', 'the re-installation was deleted');
        assert.equal(await w.userToken('U0ALICE'), undefined, 'the uninstalled user row still goes');
      } finally {
        await w.close();
      }
    });
  });
}
