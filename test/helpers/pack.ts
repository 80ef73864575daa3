// What users install: the packed tarball of this package, installed with npm into a fresh folder
// (offline: the tarball needs no dependencies). `extra` packs packages this repository already has
// in node_modules (a framework an example uses) and installs them beside it, also offline.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const root = join(import.meta.dirname, '..', '..', '..');

function pack(source: string, dir: string): string {
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir, source], {
    cwd: root,
  });
  const [{ filename }] = JSON.parse(out.toString()) as [{ filename: string }];
  return join(dir, filename);
}

/** Packs the package (and `extra`, by name from node_modules) and installs the tarballs into `dir`. */
export function installPacked(dir: string, extra: readonly string[] = []): void {
  const tarballs = [pack('.', dir), ...extra.map((name) => pack(join(root, 'node_modules', name), dir))];
  writeFileSync(join(dir, 'package.json'), '{"name":"consumer","private":true,"type":"module"}');
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', ...tarballs], { cwd: dir });
}
