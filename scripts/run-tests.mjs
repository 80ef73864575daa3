#!/usr/bin/env node
// Runs the compiled test suite (dist/test/**/*.test.js) with Node's own test runner.
// Node 20's --test takes no globs, so the files are listed here. Extra arguments filter by path.
// With CI set, a skipped test is a failure: a PostgreSQL or Redis test that skips there means a
// service that CI should provide is missing or broken, and skipping silently would hide it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..', 'dist', 'test');
// Filters are paths under test/ (a leading 'test/' is accepted, as in the source tree).
const filters = process.argv.slice(2).map((f) => f.replace(/^(?:dist\/)?test\//, ''));
const files = [];
const walk = (dir) => {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) walk(p);
    else if (entry.name.endsWith('.test.js')) files.push(p);
  }
};
walk(root);
const chosen = files.filter((f) => filters.length === 0 || filters.some((x) => relative(root, f).includes(x))).sort();
if (chosen.length === 0) {
  console.error('run-tests: no test files matched');
  process.exit(1);
}
const ci = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';
const dir = mkdtempSync(join(tmpdir(), 'slackline-tests-'));
const tap = join(dir, 'results.tap');
// Two reporters: the usual one on the terminal, TAP into a file to find skips afterwards.
const reporters = ['--test-reporter=spec', '--test-reporter-destination=stdout'];
reporters.push('--test-reporter=tap', `--test-reporter-destination=${tap}`);
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...reporters, ...chosen], {
  stdio: 'inherit',
});
const skipped = readFileSync(tap, 'utf8')
  .split('\n')
  .filter((line) => /^\s*ok \d+ - .* # SKIP/.test(line))
  .map((line) => line.trim().replace(/^ok \d+ - /, ''));
rmSync(dir, { recursive: true, force: true });
if (skipped.length > 0) {
  console.error(`\nrun-tests: ${skipped.length} test(s) skipped:\n${skipped.map((s) => `  - ${s}`).join('\n')}`);
  if (ci) {
    console.error('run-tests: CI is set, so a skipped test is a failure (start the service it names; .ci/run does)');
    process.exit(1);
  }
}
process.exit(result.status ?? 1);
