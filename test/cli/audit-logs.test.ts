// `slackline audit-logs export` as a user runs it: the compiled CLI in a child process, against the emulator.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type AuditSetup, generate, startAuditEmulator } from '../audit-logs/helpers.js';

const CLI = join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.js');
let setup: AuditSetup;
let dir: string;

before(async () => {
  setup = await startAuditEmulator();
  dir = await mkdtemp(join(tmpdir(), 'slackline-audit-cli-'));
  await generate(setup.emu, { count: 1200, team: setup.orgTeam, step_ms: 60_000 });
});
after(async () => {
  await setup.emu.close();
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string> = { SLACK_AUDIT_TOKEN: setup.token }): Promise<Run> {
  const childEnv = { PATH: process.env.PATH ?? '', SLACK_AUDIT_URL: setup.emu.auditUrl, ...env };
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, 'audit-logs', ...args],
      { env: childEnv, timeout: 30_000 },
      (err, stdout, stderr) => {
        resolve({ code: err ? Number((err as { code?: number }).code ?? -1) : 0, stdout, stderr });
      },
    );
  });
}

test('exports JSONL to stdout, within --since, one entry per line', async () => {
  const all = await cli(['export', '--since', '30d']);
  assert.equal(all.code, 0, all.stderr);
  const lines = all.stdout.trim().split('\n');
  assert.equal(lines.length, 1200);
  assert.ok(lines.every((l) => typeof (JSON.parse(l) as { id: string }).id === 'string'));
  const recent = await cli(['export', '--since', '10h']);
  const count = recent.stdout.trim().split('\n').length;
  assert.ok(count >= 599 && count <= 601, `about 600 entries in 10 hours of one a minute, got ${count}`);
});

test('exports CSV to a file with --resume, prints plain progress lines when not on a terminal', async () => {
  const out = join(dir, 'log.csv');
  const cp = join(dir, 'log.cp');
  const run = await cli(['export', '--since', '30d', '--format', 'csv', '--out', out, '--resume', cp]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /audit-logs export: 1200 entries.*done/);
  const text = await readFile(out, 'utf8');
  const rows = text.trim().split('\r\n');
  assert.equal(rows[0]?.split(',')[0], 'id');
  assert.equal(rows.length, 1201);
  const again = await cli(['export', '--since', '30d', '--format', 'csv', '--out', out, '--resume', cp]);
  assert.equal(again.code, 0);
  assert.equal(await readFile(out, 'utf8'), text);
});

test('--action filters; a bad command line exits 2; a refused token exits 1 without showing it', async () => {
  const logins = await cli(['export', '--since', '30d', '--action', 'user_login', '--limit', '70']);
  assert.equal(logins.stdout.trim().split('\n').length, 600);
  for (const args of [
    ['export'],
    ['export', '--since', 'soon'],
    ['export', '--since', '7d', '--format', 'xml'],
    ['export', '--since', '7d', '--resume', 'x.cp'],
    ['export', '--since', '7d', '--bogus'],
    ['export', '--since', '7d', '--limit', '0'],
  ]) {
    assert.equal((await cli(args)).code, 2, args.join(' '));
  }
  assert.equal((await cli(['export', '--since', '7d'], {})).code, 2);
  const weak = setup.emu.issueToken({ type: 'user', scopes: ['admin'], team: setup.orgTeam });
  const refused = await cli(['export', '--since', '7d'], { SLACK_AUDIT_TOKEN: weak });
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /missing_scope/);
  assert.ok(!refused.stderr.includes(weak));
});

// util-linux `script` runs the CLI on a pseudo-terminal, as a user's shell would.
const SCRIPT = '/usr/bin/script';

test('on a terminal, shows a cli-progress bar that ends at 100%', async (t) => {
  if (!existsSync(SCRIPT)) {
    t.skip(`${SCRIPT} (util-linux) is needed to run the CLI on a pseudo-terminal`);
    return;
  }
  const out = join(dir, 'tty.jsonl');
  const command = `"${process.execPath}" "${CLI}" audit-logs export --since 1d --limit 300 --out "${out}"`;
  const env = { PATH: process.env.PATH ?? '', SLACK_AUDIT_TOKEN: setup.token, SLACK_AUDIT_URL: setup.emu.auditUrl };
  const screen = await new Promise<string>((resolve) => {
    execFile(SCRIPT, ['-qec', command, '/dev/null'], { env, timeout: 30_000 }, (_err, stdout, stderr) =>
      resolve(stdout + stderr),
    );
  });
  assert.match(screen, /audit-logs export \|=+\| 100% \| 1200 entries/);
  assert.equal((await readFile(out, 'utf8')).trim().split('\n').length, 1200);
});
