// `slackline api` as a user runs it: the compiled CLI in a child process, against the emulator.
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

function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const childEnv: Record<string, string> = { PATH: process.env.PATH ?? '', SLACK_API_URL: emu.apiUrl, ...env };
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, 'api', ...args], { env: childEnv, timeout: 20_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? -1) : 0, stdout, stderr });
    });
  });
}

test('prints Slack’s JSON and exits 0 on ok:true; key=value and --json arguments', async () => {
  const general = (await cli(['conversations.list', '--json', '{"limit": 50}'], { SLACK_BOT_TOKEN: emu.tokens.bot }))
    .stdout;
  const id = (JSON.parse(general) as { channels: { id: string; name: string }[] }).channels.find(
    (c) => c.name === 'general',
  )?.id;
  assert.ok(id);
  const posted = await cli(['chat.postMessage', `channel=${id}`, 'text=hello from the CLI'], {
    SLACK_BOT_TOKEN: emu.tokens.bot,
  });
  assert.equal(posted.code, 0, posted.stderr);
  assert.equal((JSON.parse(posted.stdout) as { ok: boolean }).ok, true);
  assert.ok(emu.messages(id).some((m) => m.text === 'hello from the CLI'));
});

test('exits 1 on ok:false with the error code on stderr; --token-env picks the variable', async () => {
  const missing = await cli(['conversations.info', 'channel=C404NOPE', '--token-env', 'MY_TOKEN'], {
    MY_TOKEN: emu.tokens.bot,
  });
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr.trim(), 'channel_not_found');
  const revoked = await cli(['auth.test'], { SLACK_BOT_TOKEN: 'xoxb-not-a-real-token-canary' });
  assert.equal(revoked.code, 1);
  assert.equal(revoked.stderr.trim(), 'invalid_auth');
});

test('no token: says which variable to set or to use --team, and sends nothing', async () => {
  const before = emu.messages('general').length;
  const run = await cli(['chat.postMessage', 'channel=general', 'text=x']);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /no token: set SLACK_BOT_TOKEN .*--team/);
  const named = await cli(['auth.test', '--token-env', 'MY_TOKEN']);
  assert.match(named.stderr, /no token: set MY_TOKEN, or use --team/);
  assert.equal(emu.messages('general').length, before);
  // Methods Slack answers without a token still go out.
  const open = await cli(['api.test']);
  assert.equal(open.code, 0, open.stderr);
});

test('a method one typo from a known one is refused with the suggestion; flags and URLs get one clear line', async () => {
  const env = { SLACK_BOT_TOKEN: emu.tokens.bot };
  for (const [typo, meant] of [
    ['auth.tset', 'auth.test'],
    ['chat.postmessage', 'chat.postMessage'],
    ['conversations.lsit', 'conversations.list'],
  ] as const) {
    const run = await cli([typo], env);
    assert.equal(run.code, 2, typo);
    assert.equal(run.stderr, `slackline api: unknown method '${typo}': did you mean '${meant}'?\n`);
  }
  const flag = await cli(['auth.test', '--frobnicate'], env);
  assert.equal(flag.stderr, 'slackline api: unknown option --frobnicate (see slackline api --help)\n');
  const url = await cli(['auth.test', '--api-url', 'notaurl'], env);
  assert.equal(url.code, 2);
  assert.match(url.stderr, /--api-url is not a URL/);
  const noApi = await cli(['auth.test'], { ...env, SLACK_API_URL: emu.apiUrl.replace(/api\/$/, '') });
  assert.equal(noApi.code, 1);
  assert.match(noApi.stderr, /hint: the Web API base URL ends in \/api\//);
  const ftp = await cli(['auth.test', '--api-url', 'ftp://127.0.0.1/api/'], env);
  assert.match(ftp.stderr, /--api-url must be an http\(s\) URL/);
});

test('bad command lines exit 2 with one clear line, and never echo a token', async () => {
  const token = emu.tokens.bot;
  for (const args of [
    ['auth.test', `token=${token}`],
    ['auth.test', '--json', '{not json'],
    ['auth.test', '--json', '[1]'],
    ['auth.test', token],
    ['auth.test', '--no-such-flag'],
  ]) {
    const run = await cli(args, { SLACK_BOT_TOKEN: token });
    assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, /^slackline api: .+\n$/);
    assert.ok(!run.stderr.includes(token) && !run.stdout.includes(token));
  }
  const hostile = await cli(['../../oauth.v2.access'], { SLACK_BOT_TOKEN: token });
  assert.equal(hostile.code, 1);
  assert.match(hostile.stderr, /slack_invalid_argument/);
});
