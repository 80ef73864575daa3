// Issue 12 ("the first hour"), the command line as child processes: read-only commands create
// nothing, a database without its key file, a missing driver, subcommand typos, port collisions,
// bad --limit, deleting nothing, names with terminal escapes, and the banners of serve and dev.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openStores } from '../../src/server/stores.js';
import { CLI, runCli, spawnCliUntil, stop } from '../e2e/helpers.js';

const CLEAN = {
  SLACKLINE_DATABASE_URL: '',
  SLACKLINE_ENCRYPTION_KEYS: '',
  SLACKLINE_STATE_URL: '',
  SLACK_BOT_TOKEN: '',
  SLACK_API_URL: '',
  SLACKLINE_LOG_LEVEL: 'silent',
};

function freshDir(): string {
  return mkdtempSync(join(tmpdir(), 'slackline-first-cli-'));
}

/** A team saved into `<dir>/slackline.db` the way `serve` would (the key file beside it). */
async function seed(dir: string, teamName: string): Promise<void> {
  const stores = await openStores({ SLACKLINE_DATABASE_URL: `sqlite:${join(dir, 'slackline.db')}` });
  try {
    await stores.installations.save({
      appId: 'A1',
      enterpriseId: null,
      teamId: 'T0FIRST01',
      teamName,
      enterpriseName: undefined,
      enterpriseUrl: undefined,
      incomingWebhook: undefined,
      isEnterpriseInstall: false,
      tokenType: 'bot',
      user: { id: 'U1', scopes: [], token: undefined, refreshToken: undefined, expiresAt: undefined },
      bot: {
        token: 'xoxb-canary-first-hour',
        id: 'B1',
        userId: 'UB1',
        scopes: ['chat:write'],
        refreshToken: undefined,
        expiresAt: undefined,
      },
    });
  } finally {
    await stores.close();
  }
}

test('read-only commands in an empty folder create nothing and name the database they looked for', async () => {
  const dir = freshDir();
  try {
    const commands = [
      ['installations', 'list'],
      ['installations', 'show', 'T0000000001'],
      ['installations', 'delete', 'T0000000001', '--yes'],
      ['installations', 'reseal'],
      ['api', 'auth.test', '--team', 'T0000000001'],
    ];
    for (const args of commands) {
      const res = await runCli(args, CLEAN, dir);
      assert.equal(res.code, 1, `${args.join(' ')}: ${res.stderr}`);
      assert.match(res.stderr, /no database at \.\/slackline\.db/, args.join(' '));
      assert.deepEqual(readdirSync(dir), [], `${args.join(' ')} created files`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a database copied without its key file: the error names the key file and what to do; no new key', async () => {
  const dir = freshDir();
  try {
    await seed(dir, 'Copied');
    rmSync(join(dir, 'slackline.db.key'));
    for (const args of [
      ['installations', 'list'],
      ['installations', 'show', 'T0FIRST01'],
    ]) {
      const res = await runCli(args, CLEAN, dir);
      assert.equal(res.code, 1, res.stderr);
      assert.match(res.stderr, /the key file \.\/slackline\.db\.key is missing/);
      assert.match(res.stderr, /Copy it back next to the database .* or set SLACKLINE_ENCRYPTION_KEYS/);
      assert.doesNotMatch(res.stderr, /tampered/);
      assert.equal(existsSync(join(dir, 'slackline.db.key')), false);
    }
    // serve, which may create a fresh database, still refuses to pair this one with a new key.
    const serve = await runCli(
      ['serve', '--port', '0', '--host', '127.0.0.1'],
      {
        ...CLEAN,
        SLACK_CLIENT_ID: '1.2',
        SLACK_CLIENT_SECRET: 'canary-secret',
      },
      dir,
    );
    assert.equal(serve.code, 1);
    assert.match(serve.stderr, /the key file \.\/slackline\.db\.key is missing/);
    assert.equal(existsSync(join(dir, 'slackline.db.key')), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without better-sqlite3 the CLI says so before it writes any file', async () => {
  const dir = freshDir();
  try {
    // The compiled CLI alone, in a folder with no node_modules anywhere above it.
    const copy = join(dir, 'pkg');
    mkdirSync(join(copy, 'dist'), { recursive: true });
    cpSync(join(CLI, '..', '..'), join(copy, 'dist', 'src'), { recursive: true });
    writeFileSync(join(copy, 'package.json'), '{"type":"module","version":"0.0.0-test"}\n');
    const work = join(dir, 'work');
    mkdirSync(work);
    const { execFile } = await import('node:child_process');
    const run = (args: string[], env: Record<string, string>) =>
      new Promise<{ code: number; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          [join(copy, 'dist', 'src', 'cli', 'main.js'), ...args],
          { cwd: work, env: { ...process.env, ...CLEAN, ...env } },
          (err, _stdout, stderr) => resolve({ code: err === null ? 0 : Number(err.code ?? 1), stderr }),
        );
      });
    for (const [args, env] of [
      [['installations', 'list'], {}],
      [['serve', '--port', '0', '--host', '127.0.0.1'], { SLACK_CLIENT_ID: '1.2', SLACK_CLIENT_SECRET: 'canary' }],
    ] as const) {
      const res = await run([...args], env);
      assert.equal(res.code, 1, res.stderr);
      assert.match(res.stderr, /needs the 'better-sqlite3' package: npm install better-sqlite3@12\.x/);
      assert.deepEqual(readdirSync(work), [], `${args[0]} wrote files before failing`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('installations: a typo of an action gets "did you mean"; --limit abc, delete of nothing and escapes in names', async () => {
  const dir = freshDir();
  try {
    const typo = await runCli(['installations', 'lst'], CLEAN, dir);
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /unknown action 'lst' \(did you mean 'list'\?\)/);
    assert.equal((await runCli(['installations', 'shwo', 'T0FIRST01'], CLEAN, dir)).stderr.includes("'show'"), true);
    assert.match((await runCli(['installations', 'list', '--limt', '3'], CLEAN, dir)).stderr, /unknown option --limt/);

    await seed(dir, 'Evil\u001b[2J\u001b]0;owned\u0007Co\u202Eman');
    const limit = await runCli(['installations', 'list', '--limit', 'abc'], CLEAN, dir);
    assert.equal(limit.code, 2);
    assert.match(limit.stderr, /--limit takes a whole number of at least 1/);
    assert.doesNotMatch(limit.stderr, /datatype mismatch/);

    const listed = await runCli(['installations', 'list', '--limit', '1'], CLEAN, dir);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /Evil\?\[2J\?\]0;owned\?Co\?man/);
    for (const c of ['\u001b', '\u0007', '\u202e']) assert.equal(listed.stdout.includes(c), false);

    const nothing = await runCli(['installations', 'delete', 'T0123', '--yes'], CLEAN, dir);
    assert.equal(nothing.code, 1);
    assert.match(nothing.stderr, /no installation for T0123 in SQLite \.\/slackline\.db: nothing deleted/);
    assert.doesNotMatch(nothing.stdout, /deleted/);
    const missing = await runCli(['installations', 'show', 'T0123'], CLEAN, dir);
    assert.match(missing.stderr, /no installation for T0123 in SQLite \.\/slackline\.db/);
    const api = await runCli(['api', 'auth.test', '--team', 'T0123'], CLEAN, dir);
    assert.match(api.stderr, /no stored installation for T0123 in SQLite \.\/slackline\.db/);
    const deleted = await runCli(['installations', 'delete', 'T0FIRST01', '--yes'], CLEAN, dir);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.equal(deleted.stdout, 'deleted T0FIRST01\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

async function occupied(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

test('a busy port: which port, whose it was to be, and the flag that picks another', {
  timeout: 30_000,
}, async () => {
  const dir = freshDir();
  const { server, port } = await occupied();
  try {
    const emulator = await runCli(['dev', '--emulator-port', String(port), '--port', '0'], CLEAN, dir);
    assert.equal(emulator.code, 1);
    assert.match(emulator.stderr, new RegExp(`port ${port}, for the local Slack \\(the emulator\\), is in use`));
    assert.match(emulator.stderr, /--emulator-port N/);
    const app = await runCli(['dev', '--emulator-port', '0', '--port', String(port)], CLEAN, dir);
    assert.equal(app.code, 1);
    assert.match(app.stderr, new RegExp(`port ${port}, for your app's install server, is in use`));
    assert.match(app.stderr, /--port N/);
    const serve = await runCli(
      ['serve', '--port', String(port), '--host', '127.0.0.1'],
      {
        ...CLEAN,
        SLACK_BOT_TOKEN: 'xoxb-canary-port',
      },
      dir,
    );
    assert.equal(serve.code, 1);
    assert.match(serve.stderr, new RegExp(`port ${port}, for the install \\+ events server, is in use.*--port N`));
    for (const res of [emulator, app, serve]) assert.doesNotMatch(res.stderr, /EADDRINUSE|at .*\.js:\d+/);
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('slackline emulator on a busy port: which port, that it is the emulator, and --port', {
  timeout: 30_000,
}, async () => {
  const dir = freshDir();
  const { server, port } = await occupied();
  try {
    const res = await runCli(['emulator', '--port', String(port)], CLEAN, dir);
    assert.equal(res.code, 1, res.stderr);
    assert.match(res.stderr, new RegExp(`port ${port}, for the emulator, is in use`));
    assert.match(res.stderr, /pick another port with --port N/);
    assert.doesNotMatch(res.stderr, /EADDRINUSE|at .*\.js:\d+/);
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('banners: serve with one token offers no install URL; dev on memory: prints no post command that cannot work', {
  timeout: 30_000,
}, async () => {
  const single = await spawnCliUntil(
    ['serve', '--port', '0', '--host', '127.0.0.1'],
    {
      ...CLEAN,
      SLACK_BOT_TOKEN: 'xoxb-canary-single',
      SLACK_CLIENT_ID: '',
    },
    /events: \S+\n/,
  );
  try {
    assert.match(single.text, /single-workspace mode \(SLACK_BOT_TOKEN\): no install page/);
    assert.doesNotMatch(single.text, /slack\/install/);
  } finally {
    await stop(single.child);
  }
  const dir = freshDir();
  const memory = await spawnCliUntil(
    ['dev', '--port', '0', '--emulator-port', '0'],
    { ...CLEAN, SLACKLINE_DATABASE_URL: 'memory:' },
    /messages: \S+/,
    dir,
  );
  try {
    assert.match(memory.text, /open http:\/\/localhost:\d+\/slack\/install and click Add to Slack/);
    assert.doesNotMatch(memory.text, /npx slackline api/);
    assert.match(memory.text, /memory: keeps tokens in this process only/);
    assert.doesNotMatch(memory.text, /your app at/);
    assert.deepEqual(readdirSync(dir), []);
  } finally {
    await stop(memory.child);
    rmSync(dir, { recursive: true, force: true });
  }
});
