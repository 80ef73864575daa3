// The emulator's module graph, read from its sources with type-only imports counted too: no cycles,
// and nothing outside src/emulator/ but Node's own modules, so a client bug cannot hide behind code
// both sides share.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';

// Tests run from dist/test/emulator/; the sources sit three levels up.
const root = resolve(import.meta.dirname, '../../../src/emulator');

function modules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? modules(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^;'"]*?from\s*'([^']+)'|(?:^|\n)\s*import\s*'([^']+)'|import\(\s*'([^']+)'\s*\)/g;

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)].map((m) => (m[1] ?? m[2] ?? m[3] ?? '').replace(/\.js$/, '.ts'));
}

const graph = new Map<string, string[]>();
for (const file of modules(root)) graph.set(file, importsOf(file));

// The one package the emulator may load: `ws`, for its Socket Mode server (DESIGN: loaded only by the
// Socket Mode door and the emulator).
const PACKAGES = new Set(['ws']);

test('the emulator imports only itself, node: modules and ws', () => {
  assert.ok(graph.size >= 50, `only ${graph.size} modules found under ${root}`);
  const foreign: string[] = [];
  for (const [file, specs] of graph) {
    for (const spec of specs) {
      if (spec.startsWith('node:') || PACKAGES.has(spec)) continue;
      const target = spec.startsWith('.') ? resolve(dirname(file), spec) : spec;
      if (!spec.startsWith('.') || relative(root, target).startsWith('..')) {
        foreign.push(`${relative(root, file)} -> ${spec}`);
      }
    }
  }
  assert.deepEqual(foreign, []);
});

test('the emulator has no import cycles', () => {
  const edges = new Map<string, string[]>();
  for (const [file, specs] of graph) {
    edges.set(
      file,
      specs.filter((s) => s.startsWith('.')).map((s) => resolve(dirname(file), s)),
    );
  }
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of edges.get(file) ?? []) {
      const s = state.get(next);
      if (s === 'open') {
        cycles.push(
          stack
            .slice(stack.indexOf(next))
            .concat(next)
            .map((f) => relative(root, f))
            .join(' -> '),
        );
      } else if (s === undefined) {
        visit(next);
      }
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of edges.keys()) if (!state.has(file)) visit(file);
  assert.deepEqual(cycles, []);
});

test('only the composition root constructs the core: every other unit takes a context', () => {
  const users = [...graph].filter(([, specs]) => specs.some((s) => /(^|\/)core\.ts$/.test(s)));
  assert.deepEqual(
    users.map(([file]) => relative(root, file)),
    ['index.ts'],
  );
});
