// Every method in the generated tree, called through `client.<namespace>.<method>(...)` against the
// emulator over real HTTP, with its required arguments filled from the catalog and the credentials the
// emulator's one method registry says it takes. Per method: the call ends as Slack would end it (`ok:
// true`, or an error Slack documents that is not an auth, routing or encoding failure), and the
// emulator's request log shows the one request the client should have sent: the method's path, POST,
// and the token (by its SHA-256) or no token.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import {
  type Emulator,
  emulatorMethods,
  type LoggedRequest,
  type MethodAuth,
  startEmulator,
  type TokenKind,
} from '../../src/emulator/index.js';
import { PlatformError } from '../../src/http/errors.js';
import { WebClient } from '../../src/web/client.js';
import { treeMethodNames } from '../../src/web/method-tree.js';

interface CatalogArg {
  name: string;
  required: boolean;
  type?: string;
  subtype?: string;
}
interface CatalogMethod {
  name: string;
  args?: CatalogArg[];
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
const argumentErrors = ['invalid_arguments', 'not_in_channel', 'channel_not_found', 'user_not_found'];
// A client that sends no token, the wrong token, a wrong path or a body Slack cannot read gets one of
// these: none of them may end a call here, whatever the method's documentation lists.
const REFUSED = new Set([
  'not_authed',
  'invalid_auth',
  'token_revoked',
  'token_expired',
  'not_allowed_token_type',
  'missing_scope',
  'unknown_method',
  'invalid_form_data',
  'invalid_post_type',
  'missing_post_type',
  'invalid_json',
  'invalid_charset',
  'request_too_large',
  'invalid_client_id',
  'bad_client_secret',
  'internal_error',
]);

/** The emulator's own registry: which credentials each method takes (no copy kept in this test). */
const authOf = new Map<string, MethodAuth>(emulatorMethods().map((m) => [m.name, m.auth]));
const modelled = new Set(
  emulatorMethods()
    .filter((m) => m.modelled)
    .map((m) => m.name),
);
/** Each method's outcome: 'ok' or its error code. */
const outcomes = new Map<string, string>();

let emu: Emulator;
let bot: WebClient;
let anonymous: WebClient;
let general: string;
let messageTs: string;

before(async () => {
  emu = await startEmulator({ port: 0 });
  bot = new WebClient(emu.tokens.bot, { slackApiUrl: emu.apiUrl });
  anonymous = new WebClient(undefined, { slackApiUrl: emu.apiUrl, core: bot.core });
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

/** The log entries of the requests sent since `seq`, read through the control API over HTTP. */
async function loggedSince(seq: number): Promise<LoggedRequest[]> {
  const res = await fetch(`${emu.url}_emulator/requests?since=${seq}`);
  assert.equal(res.status, 200);
  return ((await res.json()) as { requests: LoggedRequest[] }).requests;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

describe('every method of the tree reaches the emulator as Slack expects it', () => {
  it('covers the whole tree, and the registry knows every method of it', () => {
    assert.ok(treeMethodNames().length >= 322, `only ${treeMethodNames().length} methods in the tree`);
    assert.deepEqual(
      treeMethodNames().filter((n) => !authOf.has(n)),
      [],
    );
  });

  for (const name of treeMethodNames()) {
    it(name, async () => {
      const method = catalog.get(name);
      const auth = authOf.get(name);
      assert.ok(method && auth, `${name} is not in data/methods.json or the emulator's registry`);
      const args: Record<string, unknown> = {};
      for (const arg of method.args ?? []) if (arg.required && arg.name !== 'token') args[arg.name] = placeholder(arg);
      let client = anonymous;
      let token: string | undefined;
      if (auth.kind === 'client' || (auth.kind === 'token' && auth.client === true)) {
        Object.assign(args, { client_id: emu.clientId, client_secret: emu.clientSecret });
      }
      if (auth.kind === 'token') {
        // A fresh token of the first kind the method takes, with every scope of the catalog for that
        // kind: some methods (auth.revoke) really revoke the token they are called with.
        const type: TokenKind = auth.tokens[0] ?? 'bot';
        token = emu.issueToken({ type, scopes: ['*'] });
        client = bot.withToken(token);
      }
      const seq = emu.nextRequestSeq;
      let outcome: 'ok' | string;
      try {
        const result = await callerFor(client, name)(args);
        assert.equal(result.ok, true, `${name} resolved without ok: true`);
        outcome = 'ok';
      } catch (err) {
        assert.ok(err instanceof PlatformError, `${name} failed with ${String(err)}`);
        outcome = err.error;
      }
      outcomes.set(name, outcome);
      if (outcome !== 'ok') {
        assert.ok(!REFUSED.has(outcome), `${name} was refused: ${outcome}`);
        const documented = new Set([...(method.errors ?? []), ...commonErrors, ...argumentErrors]);
        assert.ok(documented.has(outcome), `${name} answered '${outcome}', which Slack does not document`);
      }
      const logged = await loggedSince(seq);
      assert.equal(logged.length, 1, `${name}: ${logged.length} requests reached the emulator`);
      const [entry] = logged;
      assert.equal(entry?.path, `/api/${name}`);
      assert.equal(entry?.http_method, 'POST');
      assert.equal(entry?.api_method, name);
      assert.equal(entry?.status, 200);
      assert.equal(entry?.token_sha256, token === undefined ? null : sha256(token), `${name}: the wrong token`);
    });
  }

  it('methods answered from samples nearly all succeed (modelled ones look placeholder ids up)', () => {
    // With every scope and its required arguments, a sampled method fails only where Slack would for a
    // placeholder argument; modelled methods may end in any documented error (checked per method above).
    const sampled = [...outcomes].filter(([name]) => !modelled.has(name));
    const ok = sampled.filter(([, o]) => o === 'ok').length;
    assert.ok(sampled.length >= 150, `only ${sampled.length} sampled methods`);
    const failed = sampled.filter(([, o]) => o !== 'ok');
    assert.ok(
      ok >= sampled.length * 0.9,
      `only ${ok} of ${sampled.length} succeeded; failed: ${JSON.stringify(failed)}`,
    );
  });
});

describe('the core methods through the typed tree', () => {
  it('succeed with real semantics', async () => {
    // Its own token: apps.uninstall above revoked every token the app had in the workspace.
    const bot = anonymous.withToken(emu.issueToken({ type: 'bot', scopes: ['*'] }));
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
});
