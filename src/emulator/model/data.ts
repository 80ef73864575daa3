// Finds and reads the reference data in data/. The emulator runs from src/ (tests through tsx) or from
// dist/src/emulator/, so the folder is found by walking up rather than by a fixed relative path.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

let dataDir: string | undefined;

export function findDataDir(start: string = import.meta.dirname): string {
  if (dataDir !== undefined) return dataDir;
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'data', 'methods.json'))) {
      dataDir = join(dir, 'data');
      return dataDir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`emulator: data/methods.json not found above ${start}`);
    dir = parent;
  }
}

export function readDataFile(name: string): unknown {
  return JSON.parse(readFileSync(join(findDataDir(), name), 'utf8')) as unknown;
}
