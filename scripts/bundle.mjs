#!/usr/bin/env node
// Builds what users import: every door in package.json's "exports" from tsc's output (dist/src) into
// dist/pkg, with esbuild, as ESM with shared chunks. Part of `npm run build`.
// Why: Node 20's ESM loader pays per module file (resolve, realpath, stat, open, read, format lookup,
// compile, link), and has no compile cache; `slackline/web` was 21 files and cost about 75M
// instructions over an empty `node -e`, of which bundling removes about half (bench/web-client.ts
// measures the cold import). Code splitting keeps one copy of each module across doors, so
// `instanceof SlacklineError` and every class shared between doors stay one class whichever door
// made the object. Tests run dist/src; test/package/bundle.test.ts runs the doors through "exports".
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..');
const src = join(root, 'dist', 'src');
const out = join(root, 'dist', 'pkg');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

// Each export's "default" names its file in dist/pkg; the same path under dist/src is its entry.
const entries = [];
for (const [name, target] of Object.entries(pkg.exports)) {
  if (typeof target === 'string') continue; // ./package.json
  const file = target.default;
  if (!file.startsWith('./dist/pkg/')) throw new Error(`bundle: exports["${name}"].default must be in dist/pkg`);
  entries.push(join(src, file.slice('./dist/pkg/'.length)));
}
// Files started by path at run time (worker threads, found with `new URL('./x.js', import.meta.url)`).
// Each is built on its own, whole: a worker has its own isolate, so sharing chunks with the doors
// would only split the doors' chunks further.
const workers = [join(src, 'stores', 'sqlite', 'checkpoint-worker.js')];

const options = {
  absWorkingDir: root,
  outbase: src,
  outdir: out,
  entryNames: '[dir]/[name]',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external', // drivers (better-sqlite3, pg, ws) stay optional peers, loaded by name
  // Names: no `keepNames` (its __name() call after every function and class cost about 2.3M
  // instructions of a cold import). A class or function keeps its name from its declaration; one
  // renamed for a clash inside a chunk gets a suffix, and a class that names itself in its own body
  // comes out as `class _Name`, so the doors' classes never name themselves (`new this()`), and
  // test/bundle.test.ts asserts every exported function and class has the name it has in dist/src
  // (errors name themselves from new.target.name).
  keepNames: false,
  // Whitespace and comments out: about 1.7M fewer instructions to import the web door. Identifiers stay; stack traces
  // map back to dist/src under --enable-source-maps through the linked maps.
  minifyWhitespace: true,
  sourcemap: 'linked',
  sourcesContent: false, // the maps point into dist/src, which the package ships
  legalComments: 'none',
  logLevel: 'warning',
};

// esbuild makes one chunk per set of entries that reach a module, so the 21 modules of the web door,
// each shared by a different set of the 14 doors, came out as 11 chunks. Each door that reaches the
// HTTP core or the web client is made to import all of it: the core is then one chunk and the web
// client another, and `slackline/web` loads 4 files (its entry, those two, esbuild's helpers). A door evaluates a few small modules it did not
// need (the web client's own modules only where it already uses the web client).
const graph = (await build({ ...options, entryPoints: entries, write: false, metafile: true })).metafile.inputs;
const reach = (from) => {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const i of graph[file]?.imports ?? []) if (i.kind === 'import-statement' && !i.external) visit(i.path);
  };
  visit(from);
  return seen;
};
const rel = (file) => relative(root, file);
const web = reach(rel(join(src, 'web', 'index.js')));
const core = [...web].filter((f) => f.startsWith('dist/src/http/'));
// What each door is made to import, prepended to its own entry module (which stays the entry, so the
// code of each door stays in the door's own file as without this).
// Targets of dynamic imports are chunk roots too, so they get the same treatment.
const dynamic = Object.values(graph).flatMap((m) =>
  m.imports.filter((i) => i.kind === 'dynamic-import' && !i.external),
);
const roots = new Set([...entries, ...dynamic.map((i) => join(root, i.path))]);
const extra = new Map();
for (const file of roots) {
  const reached = reach(rel(file));
  const imports = [];
  if (core.some((f) => reached.has(f))) imports.push(...core);
  if ([...web].some((f) => f.startsWith('dist/src/web/') && reached.has(f)))
    imports.push(rel(join(src, 'web', 'index.js')));
  const own = imports.filter((f) => f !== rel(file));
  if (own.length > 0) extra.set(file, own.map((f) => `import ${JSON.stringify(join(root, f))};`).join('\n'));
}
const doors = {
  name: 'doors',
  setup(b) {
    b.onLoad({ filter: /\.js$/ }, (args) => {
      const imports = extra.get(args.path);
      if (imports === undefined) return undefined;
      return { contents: `${imports}\n${readFileSync(args.path, 'utf8')}`, loader: 'js' };
    });
  },
};

rmSync(out, { recursive: true, force: true });
await build({ ...options, entryPoints: entries, plugins: [doors] });
await build({ ...options, entryPoints: workers, splitting: false });

// A relative `new URL()` must still find its file from wherever the bundler put the code that holds it.
const files = [];
const walk = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) walk(join(dir, e.name));
    else if (e.name.endsWith('.js')) files.push(join(dir, e.name));
  }
};
walk(out);
const missing = [];
for (const file of files) {
  for (const m of readFileSync(file, 'utf8').matchAll(/new URL\(\s*["'](\.{1,2}\/[^"']+)["'],\s*import\.meta\.url/g)) {
    const target = join(dirname(file), m[1]);
    if (!files.includes(target)) missing.push(`${relative(root, file)} -> ${m[1]}`);
  }
}
if (missing.length > 0) throw new Error(`bundle: relative URLs that point nowhere:\n  ${missing.join('\n  ')}`);
