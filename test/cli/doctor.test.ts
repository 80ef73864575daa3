// `slackline doctor` as a user runs it (a child process): the source scan over a planted tree finds
// every planted secret of every family and none of the decoys; each environment check fires.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { scanText } from '../../src/cli/doctor-scan.js';
import { runCli } from '../e2e/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'slackline-doctor-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const digits = (n: number) => Array.from(randomBytes(n), (b) => String(b % 10)).join('');
const alnum = (n: number) => randomBytes(n).toString('base64url').replace(/[-_]/g, 'a').slice(0, n);
const X = 'xox';
// Each planted secret: the line it is on, and the kind doctor must name.
const planted: { file: string; text: string; kind: string }[] = [
  { file: 'bot.ts', text: `const t = '${X}b-${digits(12)}-${digits(13)}-${alnum(24)}';`, kind: 'bot token' },
  {
    file: 'user.py',
    text: `TOKEN = "${X}p-${digits(12)}-${digits(12)}-${digits(13)}-${alnum(32)}"`,
    kind: 'user token',
  },
  {
    file: 'app.env',
    text: `SLACK_APP_TOKEN=xa${'pp'}-1-A${digits(10)}-${digits(13)}-${alnum(64)}`,
    kind: 'app-level token',
  },
  { file: 'rot.json', text: `{"token": "${X}e.${X}b-1-${alnum(40)}${digits(6)}"}`, kind: 'rotating access token' },
  { file: 'refresh.go', text: `refresh := "${X}e-1-${alnum(60)}${digits(4)}"`, kind: 'refresh token' },
  { file: 'wf.ts', text: `const w = 'xw${'fp'}-${digits(10)}-${alnum(30)}';`, kind: 'workflow token' },
  { file: 'legacy.rb', text: `LEGACY = '${X}a-2-${digits(12)}-${alnum(20)}'`, kind: 'legacy workspace token' },
  {
    file: 'cfg.yml',
    text: `webhook: https://hooks.slack.com/services/T${digits(9)}/B${digits(9)}/${alnum(24)}`,
    kind: 'webhook URL',
  },
  { file: 'secrets.ts', text: `const signingSecret = '${randomBytes(16).toString('hex')}';`, kind: 'signing secret' },
  { file: 'config.py', text: `client_secret = "${randomBytes(16).toString('hex')}"`, kind: 'client secret' },
  {
    file: 'deep/nested/x.js',
    text: `module.exports = { token: '${X}b-${digits(11)}-${digits(12)}-${alnum(24)}' };`,
    kind: 'bot token',
  },
];
// Things that look like secrets and are not.
const decoys = [
  `const token = process.env.SLACK_BOT_TOKEN;`,
  `const re = /${X}b-[A-Za-z0-9-]+/g;`,
  `// A bot token starts with ${X}b- and a user token with ${X}p-.`,
  `SLACK_BOT_TOKEN=${X}b-...`,
  `SLACK_BOT_TOKEN=${X}b-your-bot-token-here`,
  `const t = '${X}b-XXXXXXXXXXXX-XXXXXXXXXXXXX-XXXXXXXXXXXXXXXXXXXXXXXX';`,
  `url: https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX`,
  `signingSecret: process.env.SLACK_SIGNING_SECRET!,`,
  `client_secret = os.environ["SLACK_CLIENT_SECRET"]`,
  `const clientSecret = '<your client secret>';`,
  `export const example = '${X}b-<token>';`,
];

test('a token whose random part happens to hold a placeholder word is still a token', () => {
  // Random token characters hold "fake", "your" or "sample" now and then (1 in 7,000 for 60 of them).
  for (const part of ['k2FakeQ9r7LmN3pZ8wYt4Bv1', 'q9YOURr7LmN3pZ8wYt4Bv1x2', 'r7Lsample3pZ8wYt4Bv1x2Qz']) {
    const line = `const t = '${X}b-${digits(12)}-${digits(13)}-${part}';`;
    assert.deepEqual(scanText(line), [{ line: 1, kind: 'bot token' }], part);
  }
  assert.deepEqual(
    scanText(`const t = '${X}b-1234-5678-fake-token-abcdefgh';`),
    [],
    'a part that starts with one is a placeholder',
  );
});

test('--scan finds every planted secret of every family, at its file and line, and no decoy', async () => {
  const tree = join(dir, 'tree');
  for (const p of planted) {
    const path = join(tree, p.file);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, `// header\n${p.text}\n`);
  }
  writeFileSync(join(tree, 'decoys.ts'), `${decoys.join('\n')}\n`);
  mkdirSync(join(tree, 'node_modules', 'dep'), { recursive: true });
  writeFileSync(join(tree, 'node_modules', 'dep', 'index.js'), planted[0]?.text ?? '');
  const run = await runCli(['doctor', '--scan', tree], {});
  assert.equal(run.code, 1, run.stderr);
  const found = run.stdout.trim().split('\n').sort();
  const expected = planted.map((p) => `${p.file}:2: ${p.kind}`).sort();
  assert.deepEqual(found, expected);
  for (const p of planted) {
    const secret = /['"=: ]([a-z]{4}[^'"\s]{12,}|[0-9a-f]{32}|https:\S+)/.exec(p.text)?.[1] ?? '';
    assert.ok(secret.length > 10 && !run.stdout.includes(secret) && !run.stderr.includes(secret), 'never the value');
  }
});

test('--scan skips a fixture only when it is marked, and exits 0 on a clean tree', async () => {
  const tree = join(dir, 'fixtures');
  mkdirSync(tree, { recursive: true });
  writeFileSync(join(tree, 'marked.ts'), `// slackline-doctor: ignore-file\n${planted[0]?.text}\n`);
  writeFileSync(join(tree, 'unmarked.ts'), `${planted[1]?.text}\n`);
  writeFileSync(join(tree, 'line.ts'), `${planted[2]?.text} // slackline-doctor: ignore\n`);
  const run = await runCli(['doctor', '--scan', tree], {});
  assert.equal(run.stdout.trim(), 'unmarked.ts:1: user token');
  assert.match(run.stderr, /1 file\(s\) marked ignore-file/);
  rmSync(join(tree, 'unmarked.ts'));
  const clean = await runCli(['doctor', '--scan', tree], {});
  assert.equal(clean.code, 0);
  assert.equal(clean.stdout, '');
});

const base = { PATH: process.env.PATH ?? '', HOME: dir, SLACKLINE_DATABASE_URL: `sqlite:${join(dir, 'none.db')}` };
async function doctor(env: Record<string, string>): Promise<{ code: number; lines: string[] }> {
  const run = await runCli(['doctor'], { ...base, ...env });
  return { code: run.code, lines: run.stdout.trim().split('\n') };
}
const has = (lines: string[], severity: string, text: RegExp) =>
  lines.some((l) => l.startsWith(severity) && text.test(l));

test('each environment check fires: token kinds, client secret, redirect URL, signing secret, keys, store', async () => {
  const bot = `${X}b-${digits(12)}-${digits(13)}-${alnum(24)}`;
  const user = `${X}p-${digits(12)}-${digits(12)}-${alnum(24)}`;
  const wrong = await doctor({ SLACK_BOT_TOKEN: user, SLACK_APP_TOKEN: bot });
  assert.equal(wrong.code, 1);
  assert.ok(has(wrong.lines, 'error', /SLACK_BOT_TOKEN holds a user token; it needs the Bot User OAuth Token/));
  assert.ok(has(wrong.lines, 'error', /SLACK_APP_TOKEN holds a bot token; it needs an app-level token/));
  assert.ok(!wrong.lines.join('\n').includes(bot) && !wrong.lines.join('\n').includes(user), 'no token printed');
  const right = await doctor({ SLACK_BOT_TOKEN: bot, SLACK_SIGNING_SECRET: randomBytes(16).toString('hex') });
  assert.equal(right.code, 0, right.lines.join('\n'));
  assert.ok(has(right.lines, 'ok', /SLACK_BOT_TOKEN holds a bot token/));
  const quoted = await doctor({ SLACK_BOT_TOKEN: `"${bot}"` });
  assert.ok(has(quoted.lines, 'error', /spaces or quotes/));
  const oauth = await doctor({
    SLACK_CLIENT_ID: '123.456',
    SLACK_REDIRECT_URI: 'http://app.example/slack/oauth_redirect',
  });
  assert.ok(has(oauth.lines, 'error', /without SLACK_CLIENT_SECRET/));
  assert.ok(has(oauth.lines, 'error', /SLACK_REDIRECT_URI must be https/));
  assert.ok(has(oauth.lines, 'warn', /SLACK_SIGNING_SECRET is not set/));
  const local = await doctor({
    SLACK_BOT_TOKEN: bot,
    SLACK_REDIRECT_URI: 'http://localhost:3000/slack/oauth_redirect',
  });
  assert.ok(has(local.lines, 'warn', /plain http on localhost/));
  const weak = await doctor({ SLACKLINE_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32).toString('base64')}` });
  assert.equal(weak.code, 1);
  assert.ok(has(weak.lines, 'error', /SLACKLINE_ENCRYPTION_KEYS: /));
  const badSigning = await doctor({ SLACK_BOT_TOKEN: bot, SLACK_SIGNING_SECRET: 'not-hex' });
  assert.ok(has(badSigning.lines, 'warn', /not one or two 32-character hex secrets/));
  const pg = await doctor({ SLACKLINE_DATABASE_URL: 'postgres://127.0.0.1:1/none' });
  assert.ok(has(pg.lines, 'error', /PostgreSQL needs SLACKLINE_ENCRYPTION_KEYS/));
});

test('the store check: a database without its key file is named; rows under an old key are counted; nothing is created', async () => {
  const db = join(dir, 'dev.db');
  // A database made by `keys`-less serve: the CLI installs nothing, so make one through the store door.
  const { KeyRing } = await import('../../src/crypto/index.js');
  const { SqliteInstallationStore } = await import('../../src/stores/sqlite/index.js');
  const oldKey = KeyRing.generateSpec('old');
  const store = new SqliteInstallationStore(db, { keys: KeyRing.parse(oldKey) });
  const bot = `${X}b-${digits(12)}-${digits(13)}-${alnum(24)}`;
  await store.save({
    appId: 'A1',
    enterpriseId: null,
    enterpriseName: undefined,
    enterpriseUrl: undefined,
    teamId: 'T0DOCTOR1',
    teamName: 'Doctor',
    isEnterpriseInstall: false,
    tokenType: 'bot',
    bot: { token: bot, id: 'B1', userId: 'U1', scopes: ['chat:write'], refreshToken: undefined, expiresAt: undefined },
    user: { id: 'U2', token: undefined, scopes: [], refreshToken: undefined, expiresAt: undefined },
    incomingWebhook: undefined,
  });
  await store.close();
  const noKey = await doctor({ SLACKLINE_DATABASE_URL: `sqlite:${db}` });
  assert.equal(noKey.code, 1);
  assert.ok(has(noKey.lines, 'error', /dev\.db\.key does not/), noKey.lines.join('\n'));
  const { existsSync } = await import('node:fs');
  assert.equal(existsSync(`${db}.key`), false, 'doctor created no key file');
  const newKey = KeyRing.generateSpec('new');
  const rotating = await doctor({
    SLACKLINE_DATABASE_URL: `sqlite:${db}`,
    SLACKLINE_ENCRYPTION_KEYS: `${newKey},${oldKey}`,
  });
  assert.ok(has(rotating.lines, 'ok', /all 1 row\(s\) open/), rotating.lines.join('\n'));
  assert.ok(has(rotating.lines, 'warn', /1 under 'old': run `npx slackline keys rotate`/));
  const missing = await doctor({ SLACKLINE_DATABASE_URL: `sqlite:${db}`, SLACKLINE_ENCRYPTION_KEYS: newKey });
  assert.equal(missing.code, 1);
  assert.ok(has(missing.lines, 'error', /1 of 1 row\(s\) do not open/));
});
