// The doors as users import them: through package.json "exports", which point at the esbuild bundle
// in dist/pkg (scripts/bundle.mjs), while the rest of the suite runs tsc's dist/src. Asked here: the
// bundle exports what the source does, keeps one copy of every class across doors (an error thrown
// by any door is `instanceof SlacklineError` from slackline/web), names its classes as the source
// does, works end to end against the emulator, and ships a checkpoint worker that runs.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

const root = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  exports: Record<string, string | { default: string }>;
};
const doors = Object.entries(pkg.exports).flatMap(([name, target]) =>
  typeof target === 'string' ? [] : [{ specifier: `slackline${name.slice(1)}`, file: target.default }],
);
// A variable specifier: tsc compiles this file before dist/ holds the types "exports" names.
const load = (specifier: string): Promise<Record<string, unknown>> => import(specifier);
type Web = typeof import('../src/web/index.js');
type Emulator = typeof import('../src/emulator/index.js');

test('every door resolves into dist/pkg and exports exactly what its source module does, every function and class by its own name', async () => {
  assert.ok(doors.length >= 10, `found ${doors.length} doors in package.json`);
  for (const { specifier, file } of doors) {
    assert.match(file, /^\.\/dist\/pkg\//, `${specifier} points at the bundle`);
    assert.equal(import.meta.resolve(specifier), pathToFileURL(join(root, file)).href, specifier);
    const bundled = await load(specifier);
    const source = await load(pathToFileURL(join(root, file.replace('/dist/pkg/', '/dist/src/'))).href);
    assert.deepEqual(Object.keys(bundled).sort(), Object.keys(source).sort(), `${specifier}: export names`);
    // The bundle is built without esbuild's keepNames: a renamed class or function would show here.
    for (const [name, value] of Object.entries(source)) {
      if (typeof value === 'function')
        assert.equal((bundled[name] as { name: string }).name, value.name, `${specifier}: ${name}.name`);
    }
  }
});

test('one copy of each class across doors: every exported error class of every door extends slackline/web’s SlacklineError', async () => {
  const { SlacklineError } = (await load('slackline/web')) as unknown as Web;
  const seen = new Map<string, unknown>();
  let errors = 0;
  for (const { specifier } of doors) {
    for (const [name, value] of Object.entries(await load(specifier))) {
      // The same name exported by two doors is the same object, not two copies of one module.
      if (seen.has(name))
        assert.equal(value, seen.get(name), `${name} from ${specifier} is the one other doors export`);
      seen.set(name, value);
      if (typeof value !== 'function' || !/Error$/.test(name)) continue;
      errors++;
      assert.ok(
        value === SlacklineError || value.prototype instanceof SlacklineError,
        `${specifier}: ${name} extends SlacklineError`,
      );
      assert.equal(value.name, name, `${specifier}: ${name} keeps its class name`);
    }
  }
  assert.ok(errors >= 10, `checked ${errors} error classes`);
});

test('end to end through the bundle: the emulator, a WebClient call, and a Slack error as the typed class', async () => {
  const { startEmulator } = (await load('slackline/emulator')) as unknown as Emulator;
  const { WebClient, PlatformError, SlacklineError } = (await load('slackline/web')) as unknown as Web;
  const emu = await startEmulator();
  const client = new WebClient(emu.tokens.bot, { slackApiUrl: emu.apiUrl, retryHandlers: [] });
  try {
    const auth = await client.auth.test();
    assert.equal(auth.ok, true);
    await assert.rejects(client.conversations.info({ channel: 'C404NOPE' }), (e: unknown) => {
      assert.ok(e instanceof PlatformError && e instanceof SlacklineError);
      assert.equal(e.name, 'PlatformError');
      assert.equal(e.error, 'channel_not_found');
      return true;
    });
  } finally {
    client.close();
    await emu.close();
  }
});

test('the bundled checkpoint worker opens a database, checkpoints on request and closes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'slackline-bundle-'));
  try {
    const path = join(dir, 'dedupe.db');
    const worker = new Worker(join(root, 'dist', 'pkg', 'stores', 'sqlite', 'checkpoint-worker.js'), {
      workerData: { path },
    });
    const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
    const failed = new Promise<never>((_, reject) => worker.once('error', reject));
    const answer = new Promise<unknown>((resolve) => worker.once('message', resolve));
    worker.postMessage('checkpoint');
    assert.equal(await Promise.race([answer, failed]), 'done');
    worker.postMessage('close');
    assert.equal(await Promise.race([exited, failed]), 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
