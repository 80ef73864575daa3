// What users install: the packed tarball of this package, installed with npm into a fresh folder,
// offline: its dependencies (undici) are packed from node_modules and installed beside it, as is
// `extra` (packages this repository already has in node_modules, such as a framework an example uses).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const root = join(import.meta.dirname, '..', '..', '..');

function pack(source: string, dir: string): string {
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir, source], {
    cwd: root,
  });
  const [{ filename }] = JSON.parse(out.toString()) as [{ filename: string }];
  return join(dir, filename);
}

/** The package's own runtime dependencies, packed from node_modules for an offline install. */
const DEPENDENCIES = Object.keys(
  (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies?: object }).dependencies ?? {},
);

/** Packs the package (its dependencies and `extra`, by name from node_modules) and installs them into `dir`. */
export function installPacked(dir: string, extra: readonly string[] = []): void {
  const others = [...DEPENDENCIES, ...extra].map((name) => pack(join(root, 'node_modules', name), dir));
  const tarballs = [pack('.', dir), ...others];
  writeFileSync(join(dir, 'package.json'), '{"name":"consumer","private":true,"type":"module"}');
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', ...tarballs], { cwd: dir });
}
