// Every TypeScript block in README.md compiles, as a user would paste it into a strict project
// (strict, exactOptionalPropertyTypes, ESM with top-level await), importing `slackline` by name.
// The blocks are written under dist/readme/ so that `slackline/...` resolves to this package through
// its own `exports` (a package may import itself by name), exactly as in a consumer's project.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { tsBlocks } from './blocks.js';

const root = join(import.meta.dirname, '..', '..', '..');

test('every TypeScript block in README.md compiles on its own in a strict project', { timeout: 60_000 }, () => {
  const blocks = tsBlocks(readFileSync(join(root, 'README.md'), 'utf8'));
  assert.ok(blocks.length >= 5, `found only ${blocks.length} blocks`);
  const dir = join(root, 'dist', 'readme');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const files = blocks.map((b) => {
    const file = join(dir, `readme-line-${b.line}.ts`);
    // `export {}` makes each block a module of its own (top-level await, no shared names).
    writeFileSync(file, `${b.code}\nexport {};\n`);
    return file;
  });
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    exactOptionalPropertyTypes: true,
    noEmit: true,
    skipLibCheck: true,
    types: ['node'],
    typeRoots: [join(root, 'node_modules', '@types')],
  });
  const problems: string[] = [];
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    if (diagnostic.file === undefined) {
      problems.push(text);
      continue;
    }
    const blockLine = Number(/readme-line-(\d+)\.ts$/.exec(diagnostic.file.fileName)?.[1] ?? Number.NaN);
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
    problems.push(`README.md:${blockLine + line}: ${text}`);
  }
  assert.equal(problems.length, 0, `README blocks that do not compile:\n${problems.join('\n')}`);
});
