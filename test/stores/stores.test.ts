import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { KeyRing } from '../../src/crypto/index.js';
import {
  FileInstallationStore,
  fileRowBackend,
  MemoryInstallationStore,
  MemoryRowBackend,
} from '../../src/oauth/memory-store.js';
import type { RowInstallationStore } from '../../src/oauth/row-store.js';
import { PostgresDatabase, PostgresInstallationStore, PostgresRowBackend } from '../../src/stores/postgres/index.js';
import { openSqlite, SqliteInstallationStore, SqliteRowBackend } from '../../src/stores/sqlite/index.js';
import { needService, serviceUrl } from '../helpers/services.js';
import { install, storeConformance } from './conformance.js';

const keys = () => new KeyRing([{ id: 'test', key: randomBytes(32) }]);
const dir = mkdtempSync(join(tmpdir(), 'slackline-stores-'));
let n = 0;

describe('memory store', () => {
  storeConformance({
    name: 'memory',
    open: async () => ({ store: new MemoryInstallationStore() }),
    rows: async () => ({ backend: new MemoryRowBackend(), done: async () => {} }),
  });
});

describe('file store', () => {
  storeConformance({
    name: 'file',
    open: async () => {
      const path = join(dir, `file-${n++}.json`);
      return { store: new FileInstallationStore(path, { keys: keys() }), raw: async () => readFileSync(path, 'utf8') };
    },
    rows: async () => ({ backend: fileRowBackend(join(dir, `file-rows-${n++}.json`)), done: async () => {} }),
  });
});

describe('sqlite store', () => {
  storeConformance({
    name: 'sqlite',
    open: async () => {
      const path = join(dir, `db-${n++}.sqlite`);
      const db = openSqlite(path);
      const store = new SqliteInstallationStore(db, { keys: keys() });
      const raw = async () => JSON.stringify(db.prepare('SELECT * FROM slackline_installations').all());
      return { store: { ...bind(store), close: async () => void db.close() }, raw };
    },
    rows: async () => {
      const db = openSqlite(join(dir, `rows-${n++}.sqlite`));
      return { backend: new SqliteRowBackend(db), done: async () => void db.close() };
    },
  });
});

const pgUrl = serviceUrl('postgres');
describe('postgres store', () => {
  if (pgUrl === undefined) {
    test('postgres conformance', async (t) => void (await needService(t, 'postgres')));
    return;
  }
  storeConformance({
    name: 'postgres',
    open: async () => {
      const schema = `slackline_test_${process.pid}_${n++}_${randomBytes(3).toString('hex')}`;
      const db = new PostgresDatabase({ connectionString: pgUrl, schema, max: 10 });
      const store = new PostgresInstallationStore(db, { keys: keys() });
      const raw = async () => JSON.stringify(await db.query(`SELECT * FROM ${schema}.slackline_installations`, []));
      return {
        store: {
          ...bind(store),
          close: async () => {
            await db.query(`DROP SCHEMA ${schema} CASCADE`, []);
            await db.close();
          },
        },
        raw,
      };
    },
    rows: async () => {
      const schema = `slackline_rows_${process.pid}_${n++}_${randomBytes(3).toString('hex')}`;
      const db = new PostgresDatabase({ connectionString: pgUrl, schema, max: 10 });
      return {
        backend: new PostgresRowBackend(db),
        done: async () => {
          await db.query(`DROP SCHEMA ${schema} CASCADE`, []);
          await db.close();
        },
      };
    },
  });
});

/** The store's methods as own properties, so one can be replaced (close) without subclassing. */
function bind(store: SqliteInstallationStore | PostgresInstallationStore) {
  return {
    save: store.save.bind(store),
    findBot: store.findBot.bind(store),
    findInstallation: store.findInstallation.bind(store),
    deleteBot: store.deleteBot.bind(store),
    deleteInstallation: store.deleteInstallation.bind(store),
    deleteAll: store.deleteAll.bind(store),
    deleteInstalledUpTo: store.deleteInstalledUpTo.bind(store),
    list: store.list.bind(store),
    history: store.history.bind(store),
    rotate: store.rotate.bind(store),
  };
}

describe('reseal under a rotated key', () => {
  const backends: [string, () => Promise<{ make: (k: KeyRing) => RowInstallationStore; done: () => Promise<void> }>][] =
    [
      [
        'sqlite',
        async () => {
          const db = openSqlite(join(dir, `reseal-${n++}.sqlite`));
          return { make: (k) => new SqliteInstallationStore(db, { keys: k }), done: async () => void db.close() };
        },
      ],
    ];
  if (pgUrl !== undefined) {
    backends.push([
      'postgres',
      async () => {
        const schema = `slackline_reseal_${process.pid}_${randomBytes(3).toString('hex')}`;
        const db = new PostgresDatabase({ connectionString: pgUrl, schema });
        return {
          make: (k) => new PostgresInstallationStore(db, { keys: k }),
          done: async () => {
            await db.query(`DROP SCHEMA ${schema} CASCADE`, []);
            await db.close();
          },
        };
      },
    ]);
  }
  for (const [name, open] of backends) {
    test(`${name}: every bot and user row is sealed again; the old key can then go`, async () => {
      const { make, done } = await open();
      try {
        const oldKey = { id: 'old', key: randomBytes(32) };
        const newKey = { id: 'new', key: randomBytes(32) };
        const before = make(new KeyRing([oldKey]));
        const teams = ['T0R1', 'T0R2', 'T0R3'];
        for (const team of teams) {
          const user = {
            id: `U${team}`,
            token: `xoxp-canary-${team}`,
            scopes: ['a'],
            refreshToken: undefined,
            expiresAt: undefined,
          };
          await before.save(install({ team, token: `xoxb-canary-${team}`, user }));
        }
        assert.equal(await make(new KeyRing([newKey, oldKey])).reseal(), 6);
        assert.equal(await make(new KeyRing([newKey, oldKey])).reseal(), 0); // nothing left under 'old'
        const after = make(new KeyRing([newKey]));
        for (const team of teams) {
          const found = await after.findInstallation({
            enterpriseId: null,
            teamId: team,
            userId: `U${team}`,
            isEnterpriseInstall: false,
          });
          assert.equal(found?.bot?.token, `xoxb-canary-${team}`);
          assert.equal(found?.user.token, `xoxp-canary-${team}`);
        }
        await assert.rejects(
          make(new KeyRing([oldKey])).findBot({ enterpriseId: null, teamId: 'T0R1', isEnterpriseInstall: false }),
          /no key 'new'/,
        );
      } finally {
        await done();
      }
    });
  }
});

describe('a clock that answers fractions of a millisecond', () => {
  test('postgres saves and deletes by install time', async (t) => {
    if (pgUrl === undefined) return void (await needService(t, 'postgres'));
    const schema = `slackline_frac_${process.pid}_${randomBytes(3).toString('hex')}`;
    const db = new PostgresDatabase({ connectionString: pgUrl, schema });
    // performance.timeOrigin + performance.now() is such a clock; PostgreSQL keeps times as bigint.
    const clock = { now: () => 1_700_000_000_000.75 + performance.now(), scale: 1 };
    try {
      const store = new PostgresInstallationStore(db, { keys: keys(), clock });
      await store.save(install({ team: 'T0FRAC1' }));
      const found = await store.findInstallation({ enterpriseId: null, teamId: 'T0FRAC1', isEnterpriseInstall: false });
      assert.ok(Number.isInteger(found?.installedAt), 'installedAt in whole milliseconds');
      const gone = await store.deleteInstalledUpTo(
        { enterpriseId: null, teamId: 'T0FRAC1', isEnterpriseInstall: false },
        'all',
        clock.now() + 1000,
      );
      assert.equal(gone.deleted, 1);
    } finally {
      await db.query(`DROP SCHEMA ${schema} CASCADE`, []).catch(() => {});
      await db.close();
    }
  });
});
