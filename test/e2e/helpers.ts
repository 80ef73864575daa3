// Real processes and a real browser: the compiled CLI in child processes, Debian's Chromium through
// playwright-core (never a downloaded browser), with the flags the house rules name.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

// dist/test/e2e -> dist/src/cli/main.js
export const CLI = join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.js');
export const CHROMIUM = '/usr/bin/chromium';

export function chromiumMissing(): string | undefined {
  return existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is missing (apt-get install -y chromium; .ci/run does it)`;
}

/** A fresh profile directory each time (playwright passes it as --user-data-dir). */
export async function launchChromium(): Promise<{ browser: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'slackline-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    close: async () => {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Where tests keep what a person should be able to look at afterwards (screenshots). */
export const ARTIFACTS =
  process.env.SLACKLINE_TEST_ARTIFACTS || join(import.meta.dirname, '..', '..', '..', '.tmp', 'artifacts');

/** Starts `slackline <args>` and resolves with its first stdout line (the --json banner). */
export async function spawnCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd?: string,
): Promise<{ child: ChildProcess; line: string }> {
  const { child, text } = await spawnCliUntil(args, env, /\n/, cwd);
  return { child, line: text.slice(0, text.indexOf('\n')) };
}

/** Starts `slackline <args>` and resolves with its stdout once it matches `until` (a banner's end). */
export async function spawnCliUntil(
  args: string[],
  env: NodeJS.ProcessEnv,
  until: RegExp,
  cwd?: string,
): Promise<{ child: ChildProcess; text: string }> {
  const child = spawn(process.execPath, [CLI, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
    ...(cwd === undefined ? {} : { cwd }),
  });
  let text = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      text += chunk.toString('utf8');
      if (until.test(text)) {
        child.stdout?.off('data', onData);
        child.off('exit', onExit);
        resolve();
      }
    };
    const onExit = (code: number | null) =>
      reject(new Error(`slackline ${args[0]} exited early with ${code}: ${text}`));
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
  // Keep draining stdout so a later line cannot block the child on a full pipe.
  child.stdout?.resume();
  return { child, text };
}

/** Runs `slackline <args>` to completion. */
export function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { ...process.env, ...env }, ...(cwd === undefined ? {} : { cwd }) },
      (err, stdout, stderr) => {
        resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr });
      },
    );
  });
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await exited;
}
