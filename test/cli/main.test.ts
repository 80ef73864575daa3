// The top level of the command line: --version, help, and a typo'd command.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { closest, editDistance } from '../../src/cli/suggest.js';
import { runCli } from '../e2e/helpers.js';

test('--version prints the package version', async () => {
  const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  const run = await runCli(['--version'], {});
  assert.equal(run.code, 0);
  assert.equal(run.stdout, `${pkg.version}\n`);
});

test('a typo of a command is answered with the command meant; the help names every subcommand and flag', async () => {
  const run = await runCli(['instalations', 'list'], {});
  assert.equal(run.code, 2);
  assert.match(run.stderr, /^slackline: unknown command 'instalations' \(did you mean 'installations'\?\)\n/);
  const unrelated = await runCli(['frobnicate'], {});
  assert.match(unrelated.stderr, /^slackline: unknown command 'frobnicate'\n/);
  const proto = await runCli(['constructor'], {});
  assert.equal(proto.code, 2, 'an Object.prototype name is not a command');
  const help = await runCli(['--help'], {});
  for (const word of ['reseal', 'refresh', '--rate-limits', '--clock-scale', '--version']) {
    assert.ok(help.stdout.includes(word), word);
  }
});

test('suggestions: transpositions and case are typos; short unrelated words are not', () => {
  assert.equal(editDistance('auth.tset', 'auth.test'), 1);
  assert.equal(editDistance('chat.postmessage', 'chat.postMessage'), 0);
  assert.equal(closest('lst', ['list', 'show', 'delete']), 'list');
  assert.equal(closest('xyz', ['list', 'show', 'delete']), undefined);
  assert.equal(closest('users.lisst', ['users.list', 'users.info']), 'users.list');
});
