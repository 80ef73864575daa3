// `npm test` says why it skips: every PostgreSQL or Redis test that cannot run here skips through
// needService (test/helpers/services.ts), whose message names the variable to set and how to run
// the test. A test reading the variable itself, or skipping with its own text, would say less.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';

const root = join(import.meta.dirname, '..', '..', '..');
const testDir = join(root, 'test');
const HELPER = join('test', 'helpers', 'services.ts');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) return sources(p);
    return entry.name.endsWith('.ts') ? [p] : [];
  });
}

test('no test reads SLACKLINE_TEST_POSTGRES_URL/REDIS_URL or skips for a service except through needService', () => {
  const offenders: string[] = [];
  for (const file of sources(testDir)) {
    const name = relative(root, file);
    if (name === HELPER) continue;
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        const readsVariable =
          /process\.env\.SLACKLINE_TEST_(POSTGRES|REDIS)_URL|process\.env\[['"]SLACKLINE_TEST_/.test(line);
        const ownSkip = /\.skip\(.*(SLACKLINE_TEST_|postgres|redis)/i.test(line);
        if (readsVariable || ownSkip) offenders.push(`${name}:${i + 1}: ${line.trim()}`);
      });
  }
  assert.deepEqual(offenders, [], 'use needService(t, ...) / serviceUrl(...) from test/helpers/services.ts');
});

test('without the services, the skips name the variable and how to run the test', { timeout: 120_000 }, async () => {
  const files = ['stores/redis-limiter.test.js', 'stores/state-stores.test.js'].map((f) =>
    join(root, 'dist', 'test', f),
  );
  // Without the parent runner's NODE_TEST_CONTEXT, the child reports TAP on its own stdout.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  const tap = await new Promise<string>((resolve) => {
    execFile(
      process.execPath,
      ['--test', '--test-reporter=tap', ...files],
      {
        env: { ...env, SLACKLINE_TEST_POSTGRES_URL: '', SLACKLINE_TEST_REDIS_URL: '', CI: '' },
        maxBuffer: 16 * 1024 * 1024,
      },
      (_err, stdout) => resolve(stdout),
    );
  });
  const skips = tap.split('\n').filter((line) => /^\s*ok \d+ - .* # SKIP/.test(line));
  // The three Redis limiter tests, the Redis and the PostgreSQL state stores.
  assert.equal(skips.length, 5, tap.slice(-2000));
  for (const line of skips) {
    assert.match(
      line,
      /# SKIP SLACKLINE_TEST_(POSTGRES|REDIS)_URL is not set: this test needs (PostgreSQL|Redis)\. Run it with SLACKLINE_TEST_\1_URL=\S+ node scripts\/run-tests\.mjs/,
    );
  }
});
