// The README's runnable blocks (marked `<!-- run -->` above their fence) run as they are, each as its
// own process, against a started emulator with the documented environment: SLACK_API_URL, the
// emulator's bot token as SLACK_BOT_TOKEN, SLACK_CHANNEL_ID, a report.pdf in the folder and a
// SLACK_WEBHOOK_URL from an incoming-webhook install. Each must exit 0 on its own (a block that
// leaves a client open never exits, and fails), and what a block `posts` must show in the channel.
// Type-checking is readme.test.ts's job: here the blocks are only transpiled.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import ts from 'typescript';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { access, authorizeUrl, consent } from '../emulator/oauth-helpers.js';
import { needService } from '../helpers/services.js';
import { type Block, tsBlocks } from './blocks.js';

const root = join(import.meta.dirname, '..', '..', '..');
const blocks = tsBlocks(readFileSync(join(root, 'README.md'), 'utf8'));
const runnable = blocks.filter((b): b is Block & { run: Record<string, string> } => b.run !== undefined);

test('the README marks its first block and at least 5 in all as runnable', () => {
  assert.ok(blocks[0]?.run !== undefined, 'the first ts block (WebClient) is marked <!-- run -->');
  assert.ok(runnable.length >= 5, `only ${runnable.length} runnable blocks`);
});

/** Runs `file` with node in `cwd`; at most `ms`, then it is killed (a block that never exits). */
function run(file: string, cwd: string, env: NodeJS.ProcessEnv, ms = 60_000) {
  const { NODE_TEST_CONTEXT: _, ...inherited } = process.env;
  return new Promise<{ code: number | null; output: string; killed: boolean }>((resolve) => {
    execFile(
      process.execPath,
      [file],
      { cwd, env: { ...inherited, ...env }, timeout: ms, killSignal: 'SIGKILL' },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : null;
        resolve({ code, output: `${stdout}${stderr}`, killed: err?.killed === true });
      },
    );
  });
}

describe('runnable README blocks against the emulator', () => {
  let emulator: Emulator;
  let env: NodeJS.ProcessEnv;
  let general: string;
  let random: string;
  // Files live under dist/ so that `slackline/...` resolves to this package through its exports.
  const dir = join(root, 'dist', 'readme-run');
  const cwd = mkdtempSync(join(tmpdir(), 'slackline-readme-run-'));

  before(async () => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(cwd, 'report.pdf'), '%PDF-1.4\n% a report\n');
    emulator = await startEmulator({ port: 0 });
    const channel = (name: string) =>
      [...emulator.state.channels.values()].find((c) => c.name === name && c.teamId === emulator.workspace.teamId)
        ?.id ?? '';
    general = channel('general');
    random = channel('random');
    // An incoming-webhook install, as a user picking #random on the consent page would make it.
    const url = authorizeUrl(emulator, { scope: 'incoming-webhook,chat:write', team: emulator.workspace.teamId });
    const { location } = await consent(url, 'allow', { channel: random });
    const res = await access(emulator, { code: new URL(location ?? '').searchParams.get('code') ?? '' });
    const hook = res.incoming_webhook as { url: string };
    env = {
      SLACK_API_URL: emulator.apiUrl,
      SLACK_BOT_TOKEN: emulator.tokens.bot,
      SLACK_CHANNEL_ID: general,
      SLACK_WEBHOOK_URL: hook.url,
      SLACKLINE_ENCRYPTION_KEYS: '',
      SLACKLINE_DATABASE_URL: '',
    };
  });
  after(async () => {
    await emulator.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  for (const block of runnable) {
    test(`README.md:${block.line} runs and exits 0${block.run.posts ? `, posting "${block.run.posts}"` : ''}`, {
      timeout: 120_000,
    }, async (t) => {
      const extra: NodeJS.ProcessEnv = {};
      if (block.run.needs === 'redis') {
        const url = await needService(t, 'redis');
        if (url === undefined) return;
        extra.REDIS_URL = url;
      }
      const js = ts.transpileModule(`${block.code}\nexport {};\n`, {
        compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
      }).outputText;
      const file = join(dir, `readme-line-${block.line}.mjs`);
      writeFileSync(file, js);
      const seen = new Set([...emulator.messages(general), ...emulator.messages(random)].map((m) => m.ts));
      const result = await run(file, cwd, { ...env, ...extra });
      assert.equal(result.killed, false, `README.md:${block.line} did not exit within 60 s:\n${result.output}`);
      assert.equal(result.code, 0, `README.md:${block.line} exited ${result.code}:\n${result.output}`);
      if (block.run.posts !== undefined) {
        const posted = [...emulator.messages(general), ...emulator.messages(random)].filter(
          (m) => !seen.has(m.ts) && m.text === block.run.posts,
        );
        assert.equal(posted.length, 1, `README.md:${block.line} posted "${block.run.posts}" once`);
      }
    });
  }
});
