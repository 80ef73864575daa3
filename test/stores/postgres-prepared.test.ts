// The PostgreSQL statements of the hot paths (lookups, lease claims, write-backs) are prepared once
// per pooled connection instead of parsed and planned by the server at every call, and keep working
// on those connections after a migration adds a column (a prepared `SELECT *` would fail then); with
// `preparedStatements: false` (a pooler in transaction mode) they are sent as text.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { type TestContext, test } from 'node:test';
import { KeyRing } from '../../src/crypto/index.js';
import { PostgresDatabase, PostgresInstallationStore } from '../../src/stores/postgres/index.js';
import { needService } from '../helpers/services.js';
import { install } from './conformance.js';

const q = { enterpriseId: null, teamId: 'T0CONF1', isEnterpriseInstall: false };

interface Fixture {
  db: PostgresDatabase;
  /** Refreshes the installation's token once (it is always due) and answers whether it did. */
  rotate: () => Promise<boolean>;
  /** The refresh token stored now. */
  refreshToken: () => Promise<string | undefined>;
  /** The names of the statements prepared on the database's one connection. */
  prepared: () => Promise<string[]>;
}

/** One rotating installation in a fresh schema, on a pool of one connection (the one to look at). */
async function withInstallation(t: TestContext, prepared: boolean, body: (f: Fixture) => Promise<void>) {
  const url = await needService(t, 'postgres');
  if (url === undefined) return;
  const schema = `slackline_pgprep_${process.pid}_${randomBytes(3).toString('hex')}`;
  const db = new PostgresDatabase({ connectionString: url, schema, max: 1, preparedStatements: prepared });
  const store = new PostgresInstallationStore(db, { keys: new KeyRing([{ id: 'k', key: randomBytes(32) }]) });
  let n = 0;
  const fresh = async () => ({
    token: `xoxb-canary-${++n}`,
    refreshToken: `xoxe-canary-${n}`,
    expiresAt: Date.now() + 60_000,
  });
  try {
    await store.save(install({ bot: { ...install().bot!, refreshToken: 'xoxe-canary-0', expiresAt: 1000 } }));
    await body({
      db,
      rotate: () => store.rotate(q, undefined, () => true, fresh),
      refreshToken: async () => (await store.findBot(q))?.bot?.refreshToken,
      prepared: async () =>
        (await db.query<{ name: string }>('SELECT name FROM pg_prepared_statements ORDER BY name', [])).map(
          (r) => r.name,
        ),
    });
  } finally {
    await db.query(`DROP SCHEMA ${schema} CASCADE`, []);
    await db.close();
  }
}

test(
  'postgres: lookups, claims and write-backs run prepared, and still do after a migration adds a column',
  {
    timeout: 30_000,
  },
  (t) =>
    withInstallation(t, true, async ({ db, rotate, refreshToken, prepared }) => {
      assert.equal(await rotate(), true);
      assert.equal(await refreshToken(), 'xoxe-canary-1');
      assert.deepEqual(await prepared(), ['slackline_claim', 'slackline_finish', 'slackline_get']);
      await db.query('ALTER TABLE $schema.slackline_installations ADD COLUMN added_later TEXT', []);
      assert.equal(await rotate(), true);
      assert.equal(await refreshToken(), 'xoxe-canary-2');
    }),
);

test(
  'postgres: preparedStatements: false (for a pooler in transaction mode) sends every statement as text',
  {
    timeout: 30_000,
  },
  (t) =>
    withInstallation(t, false, async ({ rotate, refreshToken, prepared }) => {
      assert.equal(await rotate(), true);
      assert.equal(await refreshToken(), 'xoxe-canary-1');
      assert.deepEqual(await prepared(), []);
    }),
);
