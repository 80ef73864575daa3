// Shared by every benchmark: child processes pinned to a core, medians, result files.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const DIST_BENCH = join(import.meta.dirname, '..');
export const RESULTS_DIR = join(import.meta.dirname, '..', '..', '..', 'bench', 'results');
const README = join(import.meta.dirname, '..', '..', '..', 'README.md');
const HAS_TASKSET = existsSync('/usr/bin/taskset');

/** Spawns `node script args` pinned to `core` (when taskset exists). */
export function spawnNode(script: string, args: string[], core: number): ChildProcess {
  const node = [process.execPath, script, ...args];
  const cmd = HAS_TASKSET ? ['/usr/bin/taskset', '-c', String(core), ...node] : node;
  const [bin, ...rest] = cmd as [string, ...string[]];
  return spawn(bin, rest, { stdio: ['ignore', 'pipe', 'inherit'] });
}

/** Sends SIGTERM and waits for the child to exit (at most 5 s), so it takes no CPU from what runs next. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise<void>((resolve) => setTimeout(resolve, 5_000).unref())]);
}

/** The first line a child prints. */
export function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', (line) => {
      rl.close();
      resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before printing`)));
  });
}

/** Reads a child's stdout a line at a time: each call answers the next line (waiting for it if need be). */
export function lineReader(child: ChildProcess): () => Promise<string> {
  const queue: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const w = waiting.shift();
    if (w) w(line);
    else queue.push(line);
  });
  return () => {
    const line = queue.shift();
    return line === undefined ? new Promise((resolve) => waiting.push(resolve)) : Promise.resolve(line);
  };
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function writeResult(name: string, value: unknown): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${name}.json`);
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
  return file;
}

export function machine(): Record<string, unknown> {
  return { node: process.version, platform: process.platform, arch: process.arch, pinned: HAS_TASKSET };
}

/** Replaces the README's block between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`. */
export function updateReadme(name: string, markdown: string): void {
  const open = `<!-- bench:${name} -->`;
  const close = `<!-- /bench:${name} -->`;
  const text = readFileSync(README, 'utf8');
  const start = text.indexOf(open);
  const end = text.indexOf(close);
  if (start < 0 || end < start) throw new Error(`README.md has no ${open} ... ${close} block`);
  writeFileSync(README, `${text.slice(0, start + open.length)}\n${markdown.trim()}\n${text.slice(end)}`);
}
