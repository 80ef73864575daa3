// SQLite refresh leases left behind by a process that died: a lapsed lease is taken over at once, a
// live one is waited out, and only then does the refresh run.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { KeyRing } from '../../src/crypto/index.js';
import { openSqlite, SqliteInstallationStore } from '../../src/stores/sqlite/index.js';
import { install } from './conformance.js';

test('sqlite: a dead holder lease is waited out until it lapses, then one refresh runs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'slackline-lease-'));
  const db = openSqlite(join(dir, 'lease.sqlite'));
  const store = new SqliteInstallationStore(db, { keys: new KeyRing([{ id: 't', key: randomBytes(32) }]) });
  try {
    await store.save(install({ bot: { ...install().bot!, refreshToken: 'xoxe-canary-r1', expiresAt: 1000 } }));
    const q = { enterpriseId: null, teamId: 'T0CONF1', isEnterpriseInstall: false };
    const lease = db.prepare("INSERT OR REPLACE INTO slackline_refresh_leases VALUES ('', 'T0CONF1', '', 'dead', ?)");
    const refresh = async () => ({ token: 'xoxb-canary-2', refreshToken: 'xoxe-canary-r2', expiresAt: 5_000 });

    lease.run(Date.now() - 1); // lapsed
    assert.equal(await store.rotate(q, undefined, (c) => (c.expiresAt ?? 0) < 2000, refresh), true);

    const until = Date.now() + 400; // alive for a moment more
    lease.run(until);
    let ranAt = 0;
    const done = await store.rotate(
      q,
      undefined,
      () => true,
      async () => {
        ranAt = Date.now();
        return { token: 'xoxb-canary-3', refreshToken: 'xoxe-canary-r3', expiresAt: 9_000 };
      },
    );
    assert.equal(done, true);
    assert.ok(ranAt >= until, 'the refresh ran only after the dead lease lapsed');
    assert.equal((await store.findBot(q))?.bot?.refreshToken, 'xoxe-canary-r3');
    const left = db.prepare('SELECT COUNT(*) AS n FROM slackline_refresh_leases').get() as { n: number };
    assert.equal(left.n, 0);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
