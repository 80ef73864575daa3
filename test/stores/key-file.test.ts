// The embedded default key: two `serve` processes started together on a fresh SQLite file race to
// create `<database>.key`. Neither may fail, and both must seal with the one key the file holds.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openStores } from '../../src/server/stores.js';

const STORES = join(import.meta.dirname, '..', '..', 'src', 'server', 'stores.js');

// Each child opens the configured stores at GO_AT (as `serve` does at startup) and saves one team.
const child = `
const { openStores } = await import(process.env.STORES);
await new Promise((r) => setTimeout(r, Math.max(0, Number(process.env.GO_AT) - Date.now())));
const stores = await openStores();
await stores.installations.save({ appId: 'A1', enterpriseId: null, teamId: process.env.TEAM, teamName: 'K',
  isEnterpriseInstall: false, tokenType: 'bot', user: { id: 'U1', scopes: [] },
  bot: { token: 'xoxb-canary-' + process.env.TEAM, userId: 'UB', scopes: ['chat:write'] } });
await stores.close();
`;

function run(env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', child],
      { env: { ...process.env, SLACKLINE_ENCRYPTION_KEYS: '', ...env }, timeout: 30_000 },
      (err, _out, stderr) => resolve({ code: err === null ? 0 : ((err as { code?: number }).code ?? 1), stderr }),
    );
  });
}

test('two processes on a fresh SQLite file, 15 trials: neither fails, both use the one key in the file', {
  timeout: 120_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'slackline-keyfile-'));
  try {
    for (let trial = 0; trial < 15; trial++) {
      const db = join(dir, `fresh-${trial}.db`);
      const env = { STORES, SLACKLINE_DATABASE_URL: `sqlite:${db}`, GO_AT: String(Date.now() + 700) };
      const [a, b] = await Promise.all([run({ ...env, TEAM: 'T0A' }), run({ ...env, TEAM: 'T0B' })]);
      assert.deepEqual([a.code, b.code], [0, 0], `trial ${trial}: ${a.stderr}${b.stderr}`);
      assert.equal(statSync(`${db}.key`).mode & 0o777, 0o600);
      const stores = await openStores({ SLACKLINE_DATABASE_URL: `sqlite:${db}` });
      try {
        for (const team of ['T0A', 'T0B']) {
          const found = await stores.installations.findBot({
            enterpriseId: null,
            teamId: team,
            isEnterpriseInstall: false,
          });
          assert.equal(found?.bot?.token, `xoxb-canary-${team}`, `trial ${trial}: ${team} sealed with the file's key`);
        }
      } finally {
        await stores.close();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
