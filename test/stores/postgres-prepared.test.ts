// The PostgreSQL statements of the hot paths (lookups, lease claims, write-backs) are prepared once
// per pooled connection instead of parsed and planned by the server at every call, and keep working
// on those connections after a migration adds a column (a prepared `SELECT *` would fail then).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { KeyRing } from '../../src/crypto/index.js';
import { PostgresDatabase, PostgresInstallationStore } from '../../src/stores/postgres/index.js';
import { needService } from '../helpers/services.js';
import { install } from './conformance.js';

const q = { enterpriseId: null, teamId: 'T0CONF1', isEnterpriseInstall: false };

test('postgres: lookups, claims and write-backs run prepared, and still do after a migration adds a column', {
  timeout: 30_000,
}, async (t) => {
  const url = await needService(t, 'postgres');
  if (url === undefined) return;
  const schema = `slackline_pgprep_${process.pid}_${randomBytes(3).toString('hex')}`;
  const db = new PostgresDatabase({ connectionString: url, schema, max: 1 }); // one connection to look at
  const store = new PostgresInstallationStore(db, { keys: new KeyRing([{ id: 'k', key: randomBytes(32) }]) });
  let n = 0;
  const rotate = () =>
    store.rotate(
      q,
      undefined,
      () => true,
      async () => ({ token: `xoxb-canary-${++n}`, refreshToken: `xoxe-canary-${n}`, expiresAt: Date.now() + 60_000 }),
    );
  try {
    await store.save(install({ bot: { ...install().bot!, refreshToken: 'xoxe-canary-0', expiresAt: 1000 } }));
    assert.equal(await rotate(), true);
    assert.equal((await store.findBot(q))?.bot?.refreshToken, 'xoxe-canary-1');
    const names = await db.query<{ name: string }>('SELECT name FROM pg_prepared_statements ORDER BY name', []);
    assert.deepEqual(
      names.map((r) => r.name),
      ['slackline_claim', 'slackline_finish', 'slackline_get'],
    );
    await db.query('ALTER TABLE $schema.slackline_installations ADD COLUMN added_later TEXT', []);
    assert.equal(await rotate(), true);
    assert.equal((await store.findBot(q))?.bot?.refreshToken, 'xoxe-canary-2');
  } finally {
    await db.query(`DROP SCHEMA ${schema} CASCADE`, []);
    await db.close();
  }
});

test('postgres: preparedStatements: false (for a pooler in transaction mode) sends every statement as text', {
  timeout: 30_000,
}, async (t) => {
  const url = await needService(t, 'postgres');
  if (url === undefined) return;
  const schema = `slackline_pgtext_${process.pid}_${randomBytes(3).toString('hex')}`;
  const db = new PostgresDatabase({ connectionString: url, schema, max: 1, preparedStatements: false });
  const store = new PostgresInstallationStore(db, { keys: new KeyRing([{ id: 'k', key: randomBytes(32) }]) });
  try {
    await store.save(install({ bot: { ...install().bot!, refreshToken: 'xoxe-canary-0', expiresAt: 1000 } }));
    const refreshed = async () => ({
      token: 'xoxb-canary-1',
      refreshToken: 'xoxe-canary-1',
      expiresAt: Date.now() + 60_000,
    });
    assert.equal(await store.rotate(q, undefined, () => true, refreshed), true);
    assert.equal((await store.findBot(q))?.bot?.refreshToken, 'xoxe-canary-1');
    const names = await db.query<{ name: string }>('SELECT name FROM pg_prepared_statements', []);
    assert.deepEqual(names, []);
  } finally {
    await db.query(`DROP SCHEMA ${schema} CASCADE`, []);
    await db.close();
  }
});
