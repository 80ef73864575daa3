// `slackline scim` as a user runs it: the compiled CLI in a child process, against the emulator.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';

const CLI = join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.js');
let emu: Emulator;

before(async () => {
  emu = await startEmulator({ port: 0 });
});
after(() => emu.close());

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string> = { SLACK_ADMIN_TOKEN: emu.tokens.admin }): Promise<Run> {
  const childEnv: Record<string, string> = { PATH: process.env.PATH ?? '', SLACK_SCIM_URL: emu.scimUrl, ...env };
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, 'scim', ...args], { env: childEnv, timeout: 20_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? -1) : 0, stdout, stderr });
    });
  });
}

test('users create, get, list (by user name and all) and deactivate, v1 and v2', async () => {
  for (const version of ['v1', 'v2']) {
    const name = `cli${version}`;
    const made = await cli([
      'users',
      'create',
      '--user-name',
      name,
      '--email',
      `${name}@example.com`,
      '--title',
      'Ops',
      '--scim-version',
      version,
    ]);
    assert.equal(made.code, 0, made.stderr);
    const user = JSON.parse(made.stdout) as { id: string; userName: string; title: string };
    assert.equal(user.userName, name);
    assert.equal(user.title, 'Ops');
    const got = await cli(['users', 'get', user.id, '--scim-version', version]);
    assert.equal((JSON.parse(got.stdout) as { id: string }).id, user.id);
    const found = await cli(['users', 'list', '--user-name', name]);
    assert.deepEqual(
      found.stdout
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { id: string }).id),
      [user.id],
    );
    const all = await cli(['users', 'list', '--count', '1']);
    assert.ok(all.stdout.trim().split('\n').length >= 3, 'pages through every user');
    const limited = await cli(['users', 'list', '--count', '1', '--max', '2']);
    assert.equal(limited.stdout.trim().split('\n').length, 2);
    const gone = await cli(['users', 'deactivate', user.id]);
    assert.equal(gone.code, 0, gone.stderr);
    assert.equal(emu.state.users.get(user.id)?.deleted, true);
  }
});

test('groups create, get, list by name and delete', async () => {
  const member = (JSON.parse((await cli(['users', 'list', '--user-name', 'member'])).stdout) as { id: string }).id;
  const made = await cli(['groups', 'create', '--name', 'CLI Crew', '--member', member]);
  assert.equal(made.code, 0, made.stderr);
  const group = JSON.parse(made.stdout) as { id: string; members: { value: string }[] };
  assert.deepEqual(
    group.members.map((m) => m.value),
    [member],
  );
  assert.equal((JSON.parse((await cli(['groups', 'get', group.id])).stdout) as { id: string }).id, group.id);
  const listed = await cli(['groups', 'list', '--name', 'CLI Crew']);
  assert.equal((JSON.parse(listed.stdout) as { id: string }).id, group.id);
  assert.equal((await cli(['groups', 'delete', group.id])).code, 0);
  const missing = await cli(['groups', 'get', group.id]);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr.trim(), 'group_not_found (HTTP 404)');
});

test('the token comes from the environment only; bad command lines exit 2 without echoing secrets', async () => {
  const none = await cli(['users', 'list'], {});
  assert.equal(none.code, 2);
  assert.match(none.stderr, /no token: set SLACK_ADMIN_TOKEN/);
  const other = await cli(['users', 'get', 'U0NOBODY', '--token-env', 'MY_ADMIN'], { MY_ADMIN: emu.tokens.admin });
  assert.equal(other.code, 1);
  assert.equal(other.stderr.trim(), 'user_not_found (HTTP 404)');
  const denied = await cli(['users', 'list'], { SLACK_ADMIN_TOKEN: emu.tokens.user });
  assert.equal(denied.code, 1);
  assert.equal(denied.stderr.trim(), 'missing_scope (HTTP 403)');
  assert.ok(!denied.stderr.includes(emu.tokens.user));
  for (const args of [
    ['users'],
    ['users', 'lst'],
    ['people', 'list'],
    ['users', 'get'],
    ['users', 'list', 'extra'],
    ['users', 'get', '../x'],
    ['users', 'list', '--count', '0'],
    ['users', 'list', '--scim-version', 'v3'],
    ['users', 'create', '--user-name', 'x'],
    ['users', 'list', '--filter', 'userName pr', '--user-name', 'x'],
  ]) {
    const run = await cli(args);
    assert.equal(run.code, 2, args.join(' '));
    assert.ok(!run.stderr.includes(emu.tokens.admin));
  }
  assert.match((await cli(['users', 'lst'])).stderr, /did you mean/);
});
