// `slackline keys rotate` shows its progress as the audit export does: a cli-progress bar on a
// terminal (run here on a pseudo-terminal through util-linux `script`), a plain line per 10% otherwise.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { KeyRing } from '../../src/crypto/index.js';
import { SqliteInstallationStore } from '../../src/stores/sqlite/index.js';
import { CLI, runCli } from '../e2e/helpers.js';
import { install } from '../stores/conformance.js';

const SCRIPT = '/usr/bin/script';

async function storeWithRows(dir: string, rows: number) {
  const oldSpec = KeyRing.generateSpec('old');
  const newSpec = KeyRing.generateSpec('new');
  const db = join(dir, 'keys.db');
  const store = new SqliteInstallationStore(db, { keys: KeyRing.parse(oldSpec) });
  for (let i = 0; i < rows; i++) await store.save(install({ team: `T0P${i}`, token: `xoxb-canary-p${i}` }));
  await store.close();
  return { SLACKLINE_DATABASE_URL: `sqlite:${db}`, SLACKLINE_ENCRYPTION_KEYS: `${newSpec},${oldSpec}` };
}

test('keys rotate on a terminal: a cli-progress bar that ends at 100%, and no plain lines', async (t) => {
  if (!existsSync(SCRIPT)) {
    t.skip(`${SCRIPT} (util-linux) is needed to run the CLI on a pseudo-terminal`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'slackline-keys-tty-'));
  try {
    const env = { PATH: process.env.PATH ?? '', ...(await storeWithRows(dir, 20)) };
    const screen = await new Promise<string>((resolve) => {
      execFile(
        SCRIPT,
        ['-qec', `"${process.execPath}" "${CLI}" keys rotate`, '/dev/null'],
        { env, timeout: 30_000 },
        (_e, o, e) => resolve(o + e),
      );
    });
    assert.match(screen, /re-sealing \|[█░=\- ]*\| 100% \| 20\/20 rows/);
    assert.doesNotMatch(screen, /re-sealing: \d+\/20 rows\n/);
    assert.match(screen, /resealed 20 row\(s\) under key 'new'/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('keys rotate off a terminal: a plain line per 10%, no bar and no escape codes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'slackline-keys-plain-'));
  try {
    const run = await runCli(['keys', 'rotate'], await storeWithRows(dir, 20));
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stderr.trim().split('\n');
    assert.ok(lines.length >= 2 && lines.length <= 11, run.stderr);
    for (const line of lines) assert.match(line, /^re-sealing: \d+\/20 rows$/);
    assert.equal(lines.at(-1), 're-sealing: 20/20 rows');
    assert.ok(!run.stderr.includes('\u001b') && !run.stderr.includes('|'), run.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
