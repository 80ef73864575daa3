// Every method in the generated tree, called through `client.<namespace>.<method>(...)` against the
// emulator over real HTTP, with its required arguments filled from the catalog. Each call must end as
// Slack would end it: `ok: true`, or a PlatformError whose code Slack documents for that method or
// for every method. Anything else (a transport error, a parse error, a hang) fails the test.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { handlers } from '../../src/emulator/methods/index.js';
import { installMethods } from '../../src/emulator/revoke.js';
import { PlatformError } from '../../src/http/errors.js';
import { WebClient } from '../../src/web/client.js';
import { TREE_METHOD_NAMES } from '../../src/web/method-tree.js';

interface CatalogArg {
  name: string;
  required: boolean;
  type?: string;
  subtype?: string;
}
interface CatalogMethod {
  name: string;
  args?: CatalogArg[];
  scopes?: { bot?: string[]; user?: string[]; configuration?: string[] };
  errors?: string[];
}

const dataDir = new URL('../../../data/', import.meta.url);
const catalog = new Map(
  (JSON.parse(readFileSync(new URL('methods.json', dataDir), 'utf8')) as { methods: CatalogMethod[] }).methods.map(
    (m) => [m.name, m],
  ),
);
const commonErrors = Object.keys(
  (JSON.parse(readFileSync(new URL('common-errors.json', dataDir), 'utf8')) as { errors: object }).errors,
);
// Argument checks every method answers with, documented on Slack's "Web API basics" page.
const argumentErrors = ['invalid_arguments', 'invalid_auth', 'not_in_channel', 'channel_not_found', 'user_not_found'];

let emu: Emulator;
let bot: WebClient;
const scopesOf = new Map<string, string[]>();
let general: string;
let messageTs: string;

before(async () => {
  emu = await startEmulator({ port: 0 });
  bot = new WebClient(emu.tokens.bot, { slackApiUrl: emu.apiUrl });
  // Each kind of token holding every scope the catalog names for that kind, as an app that asked
  // for them all would hold; app-level tokens for the methods that list no scopes.
  for (const type of ['bot', 'user', 'configuration'] as const) {
    scopesOf.set(type, [...new Set([...catalog.values()].flatMap((m) => m.scopes?.[type] ?? []))]);
  }
  scopesOf.set('app', ['connections:write', 'authorizations:read']);
  const channels = await bot.conversations.list({ types: 'public_channel' });
  general = (channels.channels ?? []).find((c) => c.name === 'general')?.id ?? '';
  messageTs = (await bot.chat.postMessage({ channel: general, text: 'anchor' })).ts ?? '';
});
after(async () => {
  bot.core.close();
  await emu.close();
});

function placeholder(arg: CatalogArg): unknown {
  const kind = `${arg.subtype ?? ''} ${arg.type ?? ''} ${arg.name}`;
  if (/channel|group|\bim\b/.test(kind)) return general;
  if (/\busers?\b/.test(kind)) return emu.workspace.userId;
  if (/timestamp|\bts\b/.test(kind)) return messageTs;
  if (arg.type === 'boolean') return true;
  if (arg.type === 'integer') return 1;
  if (arg.type === 'array') return ['x'];
  if (arg.type === 'object') return {};
  return 'x';
}

function callerFor(client: WebClient, name: string): (args: object) => Promise<{ ok?: boolean }> {
  let target: unknown = client;
  for (const part of name.split('.')) target = (target as Record<string, unknown>)[part];
  assert.equal(typeof target, 'function', `${name} is missing from the client's method tree`);
  return target as (args: object) => Promise<{ ok?: boolean }>;
}

test('every method of the tree reaches the emulator and ends as Slack documents', async () => {
  assert.ok(TREE_METHOD_NAMES.length >= 322, `only ${TREE_METHOD_NAMES.length} methods in the tree`);
  const outcomes = new Map<string, string>();
  for (const name of TREE_METHOD_NAMES) {
    const method = catalog.get(name);
    assert.ok(method, `${name} is not in data/methods.json`);
    const args: Record<string, unknown> = {};
    for (const arg of method.args ?? []) if (arg.required && arg.name !== 'token') args[arg.name] = placeholder(arg);
    // The token kinds the catalog names for the method; methods that name none accept whichever
    // kind Slack allows them, found by asking as Slack would answer (not_allowed_token_type).
    const named = (['bot', 'user', 'configuration'] as const).filter((k) => method.scopes?.[k]?.length);
    const kinds = named.length > 0 ? named : ['bot', 'user', 'app'];
    let outcome: unknown;
    for (const kind of kinds) {
      try {
        // A fresh token per call: some methods (auth.revoke) really revoke the token they are called with.
        const type = kind as 'bot' | 'user' | 'configuration' | 'app';
        const client = bot.withToken(emu.issueToken({ type, scopes: scopesOf.get(kind)! }));
        const result = await callerFor(client, name)(args);
        assert.equal(result.ok, true, `${name} resolved without ok: true`);
        outcome = 'ok';
        break;
      } catch (err) {
        outcome = err;
        if (!(err instanceof PlatformError) || err.error !== 'not_allowed_token_type') break;
      }
    }
    if (outcome === 'ok') {
      outcomes.set(name, 'ok');
    } else {
      assert.ok(outcome instanceof PlatformError, `${name} failed with ${String(outcome)}`);
      const allowed = new Set([...(method.errors ?? []), ...commonErrors, ...argumentErrors]);
      assert.ok(allowed.has(outcome.error), `${name} answered '${outcome.error}', which Slack does not document`);
      outcomes.set(name, outcome.error);
    }
  }
  assert.equal(outcomes.size, TREE_METHOD_NAMES.length);
  // With every scope and its required arguments, nearly every method answered from a sample succeeds;
  // the rest fail the way Slack would for placeholder arguments (an unknown file id, say). Methods with
  // real semantics look the placeholders up, so they may end in any documented error (checked above).
  const sampled = [...outcomes].filter(([name]) => !handlers.has(name) && !installMethods.has(name));
  const ok = sampled.filter(([, o]) => o === 'ok').length;
  const failed = sampled.filter(([, o]) => o !== 'ok');
  assert.ok(sampled.length >= 200, `only ${sampled.length} sampled methods`);
  assert.ok(ok >= sampled.length * 0.9, `only ${ok} succeeded; failed: ${JSON.stringify(failed)}`);
});

test('the core methods succeed with real semantics through the typed tree', async () => {
  const posted = await bot.chat.postMessage({ channel: general, text: 'core' });
  const permalink = await bot.chat.getPermalink({ channel: general, message_ts: posted.ts ?? '' });
  assert.match(permalink.permalink ?? '', /^https?:\/\//);
  await bot.reactions.add({ channel: general, timestamp: posted.ts ?? '', name: 'tada' });
  const reactions = await bot.reactions.get({ channel: general, timestamp: posted.ts ?? '' });
  assert.equal(reactions.message?.reactions?.[0]?.name, 'tada');
  await bot.chat.delete({ channel: general, ts: posted.ts ?? '' });
  assert.ok(!emu.messages(general).some((m) => m.ts === posted.ts));
  const team = await bot.team.info();
  assert.equal(team.team?.id, emu.workspace.teamId);
  const me = await bot.users.info({ user: emu.workspace.botUserId });
  assert.equal(me.user?.id, emu.workspace.botUserId);
});
