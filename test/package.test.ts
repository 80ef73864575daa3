// Test what users install: pack the package, install the tarball in an empty folder, import every door.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(import.meta.dirname, '..', '..');

test('the packed package installs with no dependencies and every door imports', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'slackline-pack-'));
  try {
    const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: root });
    const [{ filename }] = JSON.parse(out.toString()) as [{ filename: string }];
    writeFileSync(join(dir, 'package.json'), '{"name":"consumer","private":true,"type":"module"}');
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', join(dir, filename)], { cwd: dir });
    const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, unknown>;
    };
    // The consumer itself and slackline: no runtime dependencies came along.
    assert.deepEqual(Object.keys(lock.packages).sort(), ['', 'node_modules/slackline']);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
    const doors = Object.keys(pkg.exports)
      .filter((k) => k !== './package.json')
      .map((k) => `slackline${k.slice(1)}`);
    const script = `for (const d of ${JSON.stringify(doors)}) { const m = await import(d); if (!Object.keys(m).length) throw new Error(d + ' is empty'); } console.log('ok');`;
    const result = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir });
    assert.equal(result.toString().trim(), 'ok');
    execFileSync(
      process.execPath,
      [join(dir, 'node_modules', 'slackline', 'dist', 'src', 'cli', 'main.js'), '--help'],
      {
        cwd: dir,
      },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
