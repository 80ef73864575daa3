// Two processes writing one SQLite file: WAL, busy_timeout and BEGIN IMMEDIATE keep one current row.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { KeyRing } from '../../src/crypto/index.js';
import { SqliteInstallationStore } from '../../src/stores/sqlite/index.js';

const STORE = join(import.meta.dirname, '..', '..', 'src', 'stores', 'sqlite', 'index.js');
const KEYS = join(import.meta.dirname, '..', '..', 'src', 'crypto', 'index.js');

const worker = `
const { SqliteInstallationStore } = await import(process.env.STORE);
const { KeyRing } = await import(process.env.KEYS);
const store = new SqliteInstallationStore(process.env.DB, { keys: KeyRing.parse(process.env.SPEC) });
const base = { appId: 'A1', enterpriseId: null, teamId: 'T0PROC', teamName: 'P', isEnterpriseInstall: false, tokenType: 'bot',
  user: { id: 'U1', scopes: [] } };
await Promise.all(Array.from({ length: 100 }, (_, i) =>
  store.save({ ...base, bot: { token: 'xoxb-canary-' + process.env.WHO + '-' + i, userId: 'UB', scopes: ['chat:write'] } })));
await store.close();
`;

function run(env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', worker],
      { env: { ...process.env, ...env } },
      (err, _out, stderr) => (err === null ? resolve() : reject(new Error(stderr))),
    );
  });
}

test('2 processes x 100 concurrent installs of one team → 1 current row, version 200, 200 history rows', {
  timeout: 60_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'slackline-sqlite-proc-'));
  const spec = KeyRing.generateSpec('p');
  const env = { STORE, KEYS, DB: join(dir, 'shared.db'), SPEC: spec };
  try {
    const first = new SqliteInstallationStore(env.DB, { keys: KeyRing.parse(spec) }); // creates the schema
    await first.close();
    await Promise.all([run({ ...env, WHO: 'a' }), run({ ...env, WHO: 'b' })]);
    const store = new SqliteInstallationStore(env.DB, { keys: KeyRing.parse(spec) });
    const q = { enterpriseId: null, teamId: 'T0PROC', isEnterpriseInstall: false };
    assert.equal((await store.list()).items.length, 1);
    assert.equal((await store.findBot(q))?.version, 200);
    assert.equal((await store.history(q)).length, 200);
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
