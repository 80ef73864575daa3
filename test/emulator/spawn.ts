// Runs the compiled CLI (`slackline emulator --port 0 --json`) in a child process.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface EmulatorLine {
  url: string;
  apiUrl: string;
  scimUrl: string;
  auditUrl: string;
  workspace: { teamId: string; botUserId: string; [key: string]: unknown };
  tokens: { bot: string; user: string; app: string; admin: string };
  clientId: string;
  clientSecret: string;
  signingSecret: string;
}

// dist/test/emulator -> dist/src/cli/main.js
export const CLI = join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.js');

export async function spawnEmulator(
  extra: string[] = [],
): Promise<{ child: ChildProcess; info: EmulatorLine; line: string }> {
  const child = spawn(process.execPath, [CLI, 'emulator', '--port', '0', '--json', ...extra], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const line = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`emulator exited early with ${code}`)));
  });
  return { child, info: JSON.parse(line) as EmulatorLine, line };
}

export async function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  return exited;
}
