// How much a piece of work moves into V8's old generation: a full collection first, then the work in
// steps, summing every rise of the old space's used size between steps (a full collection the work
// itself sets off lowers it; a sum of rises still counts what was promoted before it).
// Scavenges copy what survives them and promote it the second time; what a request allocates should
// be dead by then. A structure that keeps dead objects reachable (see src/http/deadlines.ts) makes
// this grow with the work, by megabytes.
//
// Measured in a child process of its own: node:test's own async context tracking keeps promises
// alive longer than an application's do, which alone promotes megabytes of awaited work.
import { spawnSync } from 'node:child_process';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const oldSpace = (): number => {
  let used = 0;
  for (const s of getHeapSpaceStatistics()) {
    if (s.space_name === 'old_space' || s.space_name === 'large_object_space') used += s.space_used_size;
  }
  return used;
};

/** A case: `steps` calls of what `setup` returns (awaited when it returns a promise), then `teardown`. */
export interface PromotionCase {
  steps: number;
  setup(): Promise<{ step: (i: number) => unknown; teardown?: () => unknown }>;
}

/** Bytes promoted while a case's steps ran (in this process: call it from the child, see below). */
export async function promotedBy(c: PromotionCase): Promise<number> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const { step, teardown } = await c.setup();
  gc();
  let promoted = 0;
  let last = oldSpace();
  for (let i = 0; i < c.steps; i++) {
    const result = step(i);
    if (result instanceof Promise) await result;
    const now = oldSpace();
    if (now > last) promoted += now - last;
    last = now;
  }
  await teardown?.();
  return promoted;
}

/** Runs case `name` of the compiled module `module` (exporting `cases`) in a fresh node process. */
export function promotedInChild(module: string, name: string): number {
  const child = spawnSync(process.execPath, [new URL('./promoted-child.js', import.meta.url).pathname, module, name], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (child.status !== 0) throw new Error(`promotion case ${name} failed (${child.status}): ${child.stderr}`);
  return Number(child.stdout.trim().split('\n').at(-1));
}

/** Something young for a step to hold: `kib` KiB in small arrays, as a parsed request is. */
export const garbage = (kib: number): unknown[] => Array.from({ length: kib * 4 }, (_, i) => [i, i + 1, i + 2, 'x']);
