// The generated method tree: the committed file is fresh, METHODS covers the whole catalog, the
// runtime tree holds exactly the typed methods, and the `read` rule classifies known methods right.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { generate, OUTPUT_PATH } from '../../scripts/generate-methods.js';
import { bindMethods, topLevelNamespaces, treeMethodNames } from '../../src/web/method-tree.js';
import { METHODS } from '../../src/web/methods.generated.js';

// Compiled to dist/test/web/: the repository root is three folders up.
const root = join(import.meta.dirname, '..', '..', '..');
const dataDir = join(root, 'data');
const catalog = (JSON.parse(readFileSync(join(dataDir, 'methods.json'), 'utf8')) as { methods: CatalogEntry[] })
  .methods;
interface CatalogEntry {
  name: string;
  status: string;
  json_body_supported?: boolean;
  http_method?: string;
}
const typedNames = catalog
  .filter((m) => m.status === 'current' || m.status === 'deprecated')
  .map((m) => m.name)
  .sort();

describe('methods.generated.ts', () => {
  it('is what the generator makes from data/ today', () => {
    const committed = readFileSync(join(root, OUTPUT_PATH), 'utf8');
    const fresh = generate(dataDir);
    assert.ok(committed === fresh, `${OUTPUT_PATH} is stale: run \`npm run build && npm run generate\``);
  });

  it('generates the same text twice', () => {
    assert.equal(generate(dataDir), generate(dataDir));
  });

  it('has METHODS for all 387 catalog methods, with the documented fields', () => {
    const names = Object.keys(METHODS).sort();
    assert.equal(names.length, 387);
    assert.deepEqual(names, catalog.map((m) => m.name).sort());
    for (const name of names) {
      const info = METHODS[name]!;
      assert.equal(typeof info.json, 'boolean', name);
      assert.equal(typeof info.get, 'boolean', name);
      assert.equal(typeof info.read, 'boolean', name);
      assert.match(info.tier, /^(Tier[1-4]|Special|Unknown)$/, name);
      const entry = catalog.find((m) => m.name === name)!;
      assert.equal(info.status, entry.status, name);
      // Facts are shared between methods (one frozen object per distinct set): each is its own method's.
      assert.equal(info.json, entry.json_body_supported === true, name);
      assert.equal(info.get, entry.http_method === 'GET', name);
      assert.ok(Object.isFrozen(info), name);
    }
  });

  it('has no prototype keys in METHODS', () => {
    assert.equal(METHODS.toString, undefined);
    assert.equal(METHODS.constructor, undefined);
    assert.equal(Object.getPrototypeOf(METHODS), null);
    assert.ok(Object.isFrozen(METHODS));
  });

  it('carries the catalog facts a client needs', () => {
    assert.deepEqual(METHODS['chat.postMessage'], {
      json: true,
      get: false,
      tier: 'Special',
      status: 'current',
      read: false,
    });
    assert.equal(METHODS['conversations.history']?.get, true);
    assert.equal(METHODS['conversations.history']?.tier, 'Tier3');
    assert.equal(METHODS['rtm.start']?.status, 'deprecated');
    assert.equal(METHODS['channels.history']?.status, 'retired');
    assert.equal(METHODS['channels.history']?.tier, 'Tier2');
    assert.equal(METHODS['users.prefs.get']?.status, 'undocumented');
  });
});

describe('the read rule', () => {
  const reads = [
    'api.test',
    'auth.test',
    'conversations.history',
    'conversations.replies',
    'conversations.list',
    'conversations.info',
    'conversations.members',
    'users.info',
    'users.list',
    'users.lookupByEmail',
    'users.getPresence',
    'users.profile.get',
    'chat.getPermalink',
    'chat.scheduledMessages.list',
    'search.messages',
    'assistant.search.context',
    'team.info',
    'team.accessLogs',
    'dnd.teamInfo',
    'reactions.get',
    'files.info',
    'emoji.list',
    'bots.info',
    'admin.analytics.messages.activity',
    'apps.datastore.query',
    'apps.connections.open',
    'rtm.connect',
    'channels.history',
  ];
  const writes = [
    'chat.postMessage',
    'chat.postEphemeral',
    'chat.update',
    'chat.delete',
    'chat.scheduleMessage',
    'chat.unfurl',
    'conversations.create',
    'conversations.invite',
    'conversations.open',
    'conversations.mark',
    'reactions.add',
    'files.upload',
    'files.completeUploadExternal',
    'views.open',
    'views.publish',
    'users.profile.set',
    'oauth.v2.access',
    'oauth.v2.exchange',
    'admin.users.invite',
    'admin.emoji.add',
    'admin.users.unsupportedVersions.export',
    'slackLists.download.start',
    'apps.datastore.put',
    'reminders.add',
    'tooling.tokens.rotate',
  ];
  for (const name of reads) it(`${name} is a read`, () => assert.equal(METHODS[name]?.read, true));
  for (const name of writes) it(`${name} is a write`, () => assert.equal(METHODS[name]?.read, false));
});

describe('bindMethods', () => {
  it('puts exactly the current and deprecated methods in the tree, each calling its own name', async () => {
    assert.equal(typedNames.length, 322);
    assert.deepEqual([...treeMethodNames()], typedNames);
    const recorded: string[] = [];
    const tree = bindMethods(async (method, args) => {
      recorded.push(method);
      assert.deepEqual(args, { probe: method });
      return { ok: true };
    });
    const leaves: [string, (args: object) => Promise<unknown>][] = [];
    const walk = (node: object, path: string): void => {
      for (const [key, value] of Object.entries(node)) {
        const name = path === '' ? key : `${path}.${key}`;
        if (typeof value === 'function') leaves.push([name, value as (args: object) => Promise<unknown>]);
        else walk(value as object, name);
      }
    };
    walk(tree, '');
    for (const [name, fn] of leaves) assert.deepEqual(await fn({ probe: name }), { ok: true });
    assert.deepEqual(recorded.sort(), typedNames);
  });

  it('passes undefined when a method is called without arguments', async () => {
    let seen: object | undefined = { not: 'called' };
    const tree = bindMethods(async (_method, args) => {
      seen = args;
      return { ok: true };
    });
    await tree.auth.test();
    assert.equal(seen, undefined);
  });

  it('exports the top-level namespaces of the tree', () => {
    const tree = bindMethods(async () => ({ ok: true }));
    assert.deepEqual([...topLevelNamespaces()], Object.keys(tree).sort());
    assert.ok(topLevelNamespaces().includes('chat'));
    assert.ok(!(topLevelNamespaces() as readonly string[]).includes('channels'));
  });

  it('builds independent, extensible trees', () => {
    const a = bindMethods(async () => ({ ok: true }));
    const b = bindMethods(async () => ({ ok: true }));
    assert.notEqual(a.chat, b.chat);
    const files = Object.assign(a.files, { uploadV2: () => 'added' });
    assert.equal(files.uploadV2(), 'added');
    assert.equal('uploadV2' in b.files, false);
  });

  it('builds 1,000 trees in well under a second', () => {
    const started = performance.now();
    for (let i = 0; i < 1000; i++) bindMethods(async () => ({ ok: true }));
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 500, `1,000 trees took ${elapsed.toFixed(0)} ms`);
  });
});
