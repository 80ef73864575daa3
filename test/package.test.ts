// Test what users install: pack the package, install the tarball in an empty folder, import every door.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { installPacked, root } from './helpers/pack.js';

/** The import specifiers of every door the package exports. */
function doors(): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
  return Object.keys(pkg.exports)
    .filter((k) => k !== './package.json')
    .map((k) => `slackline${k.slice(1)}`);
}

test('the packed package installs with undici as its only dependency and every door imports', {
  timeout: 120_000,
}, () => {
  const dir = mkdtempSync(join(tmpdir(), 'slackline-pack-'));
  try {
    installPacked(dir);
    const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, unknown>;
    };
    // The consumer itself, slackline and undici (the default transport): nothing else came along.
    assert.deepEqual(Object.keys(lock.packages).sort(), ['', 'node_modules/slackline', 'node_modules/undici']);
    // Written by `npm run build` (scripts/dist-scope.mjs): Node 20's loader stops its package.json
    // walk there for every module it loads instead of climbing to the package root.
    for (const tree of ['src', 'pkg']) {
      const scope = join(dir, 'node_modules', 'slackline', 'dist', tree, 'package.json');
      assert.deepEqual(JSON.parse(readFileSync(scope, 'utf8')), { type: 'module' }, `dist/${tree}/package.json`);
    }
    const script = `for (const d of ${JSON.stringify(doors())}) { const m = await import(d); if (!Object.keys(m).length) throw new Error(d + ' is empty'); } console.log('ok');`;
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

test('the published types compile in a strict consumer (skipLibCheck off, exactOptionalPropertyTypes) with no driver types installed', {
  timeout: 120_000,
}, () => {
  const dir = mkdtempSync(join(tmpdir(), 'slackline-types-'));
  try {
    installPacked(dir);
    const shipped = JSON.parse(readFileSync(join(dir, 'node_modules', 'slackline', 'package.json'), 'utf8')) as {
      scripts?: Record<string, string>;
    };
    // A `prepare` (or install) script cannot work from the tarball: there is no src/ to build.
    for (const hook of ['prepare', 'preinstall', 'install', 'postinstall']) {
      assert.equal(shipped.scripts?.[hook], undefined, `the shipped package.json has a ${hook} script`);
    }
    const lines = doors().map(
      (d, i) => `import * as door${i} from '${d}';\nexport const used${i} = Object.keys(door${i});`,
    );
    writeFileSync(join(dir, 'index.ts'), `${lines.join('\n')}\n`);
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          skipLibCheck: false,
          exactOptionalPropertyTypes: true,
          noUncheckedIndexedAccess: true,
          noEmit: true,
          types: ['node'],
          // Only Node's types: the driver packages' types must not be needed to compile.
          typeRoots: [join(dir, 'types')],
        },
        files: ['index.ts'],
      }),
    );
    mkdirSync(join(dir, 'types'));
    symlinkSync(join(root, 'node_modules', '@types', 'node'), join(dir, 'types', 'node'), 'dir');
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    try {
      execFileSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], { cwd: dir, stdio: 'pipe' });
    } catch (err) {
      const out = (err as { stdout?: Buffer }).stdout?.toString() ?? String(err);
      assert.fail(`the consumer does not compile:\n${out.slice(0, 4000)}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
