import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Emulator, emulatorMethods, startEmulator, type TokenKind } from '../../src/emulator/index.js';
import { channelId } from './helpers.js';

interface CatalogMethod {
  name: string;
  status: string;
  args: { name: string; required: boolean; type?: unknown; subtype?: string }[];
  scopes: Record<string, string[]> | null;
}

// dist/test/emulator -> data/methods.json at the repository root
const methods = (
  JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'data', 'methods.json'), 'utf8')) as {
    methods: CatalogMethod[];
  }
).methods;

// The auth each method takes, from the emulator's own registry (no copy kept here).
const authOf = new Map(emulatorMethods().map((m) => [m.name, m.auth]));

function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(stringsIn);
  return [];
}

describe('emulator: every catalog method answers', () => {
  let emu: Emulator;
  let values: Record<string, string>;
  let emulatorHost: string;
  before(async () => {
    emu = await startEmulator();
    emulatorHost = new URL(emu.url).host;
    const general = channelId(emu, 'general');
    const posted = await fetch(`${emu.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${emu.tokens.bot}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ channel: general, text: 'target' }),
    });
    const ts = String(((await posted.json()) as { ts: string }).ts);
    values = {
      channel: general,
      channel_id: general,
      channels: general,
      user: emu.workspace.userId,
      user_id: emu.workspace.userId,
      users: emu.workspace.userId,
      ts,
      timestamp: ts,
      message_ts: ts,
      thread_ts: ts,
      name: 'thumbsup',
      email: 'alice@slackline-emulator.example.com',
      trigger_id: '12345.98765.abcd2358fdea',
      view: JSON.stringify({ type: 'modal', title: { type: 'plain_text', text: 't' }, blocks: [] }),
      files: JSON.stringify([{ id: 'F0NOPE' }]),
      text: 'hello',
      filename: 'a.txt',
      length: '10',
      bot: emu.workspace.botId,
      team_id: emu.workspace.teamId,
    };
  });
  after(async () => {
    await emu.close();
  });

  function tokenFor(method: CatalogMethod): string | undefined {
    const auth = authOf.get(method.name);
    assert.ok(auth, `${method.name} is not in the emulator's registry`);
    if (auth.kind !== 'token') return undefined;
    const kind: TokenKind = auth.tokens[0] ?? 'bot';
    const listed = auth.scopes[kind] ?? [];
    return emu.issueToken({ type: kind, scopes: listed.length > 0 ? listed : ['chat:write'] });
  }

  function argsFor(method: CatalogMethod): URLSearchParams {
    const form = new URLSearchParams();
    for (const arg of method.args) {
      if (!arg.required || arg.name === 'token') continue;
      const type = Array.isArray(arg.type) ? arg.type[0] : arg.type;
      const fallback =
        type === 'integer' || type === 'number' ? '1' : type === 'boolean' ? 'true' : type === 'array' ? '["x"]' : 'x';
      form.set(arg.name, values[arg.name] ?? fallback);
    }
    return form;
  }

  it(`calls all ${methods.length} methods with the right token and required arguments`, async () => {
    assert.equal(methods.length, 387);
    let answeredOk = 0;
    for (const method of methods) {
      const token = tokenFor(method);
      const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
      if (token !== undefined) headers.authorization = `Bearer ${token}`;
      const res = await fetch(`${emu.apiUrl}${method.name}`, { method: 'POST', headers, body: argsFor(method) });
      assert.equal(res.status, 200, `${method.name} answered HTTP ${res.status}`);
      const text = await res.text();
      // Every URL in every answer leads to the emulator, never off the machine. (Object keys are
      // names, such as OpenID's "https://slack.com/user_id" claims, not addresses: only values count.)
      const foreign = stringsIn(JSON.parse(text))
        .flatMap((v) => [...v.matchAll(/\b(?:https?|wss?):\/\/([^\s/?#"'<>|\\]*)/gi)].map((m) => m[1] ?? ''))
        .filter((host) => host !== emulatorHost);
      assert.deepEqual(foreign, [], `${method.name} answered URLs on other hosts`);
      const body = JSON.parse(text) as { ok: unknown; error?: string };
      assert.equal(typeof body.ok, 'boolean', method.name);
      if (method.status === 'retired') {
        assert.equal(body.error, 'method_deprecated', method.name);
        continue;
      }
      // The checks before the method must all pass: right token type, right scopes, required args present.
      for (const refused of [
        'not_authed',
        'invalid_auth',
        'not_allowed_token_type',
        'missing_scope',
        'unknown_method',
      ]) {
        assert.notEqual(body.error, refused, `${method.name}: ${refused}`);
      }
      const messages = (body as { response_metadata?: { messages?: string[] } }).response_metadata?.messages ?? [];
      for (const arg of method.args.filter((a) => a.required)) {
        assert.ok(!messages.includes(`[ERROR] missing required field: ${arg.name}`), `${method.name}: ${arg.name}`);
      }
      if (body.ok === true) answeredOk += 1;
    }
    // Most methods answer ok: the modelled ones with the values above, the others from samples.
    assert.ok(answeredOk > 250, `only ${answeredOk} methods answered ok`);
  });

  it('hands out WebSocket URLs on the emulator (apps.connections.open, rtm.connect)', async () => {
    const cases: [string, string][] = [
      ['apps.connections.open', emu.tokens.app],
      ['rtm.connect', emu.tokens.bot],
    ];
    for (const [name, token] of cases) {
      const res = await fetch(`${emu.apiUrl}${name}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
      const body = (await res.json()) as { ok: boolean; url: string };
      assert.equal(body.ok, true, name);
      assert.equal(new URL(body.url).protocol, 'ws:', name);
      assert.equal(new URL(body.url).host, emulatorHost, name);
    }
  });
});
