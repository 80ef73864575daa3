// Seeded fuzz of the SCIM surface: random filters, paging values and bodies on every route and verb.
// Every answer must be a SCIM answer (2xx or 4xx with Slack's error body), never a 5xx or a crash.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { prng as random } from '../helpers/prng.js';

let emu: Emulator;
before(async () => {
  emu = await startEmulator({ listen: false });
});
after(() => emu.close());

const PIECES = [
  'userName',
  'displayName',
  'members',
  'emails.value',
  'eq',
  'co',
  'pr',
  'and',
  'or',
  'not',
  '(',
  ')',
  '"',
  '\\',
  '"x"',
  'true',
  '12',
  ' ',
  '[',
  ']',
  '\u0000',
  'é',
];
const VALUES: unknown[] = [
  null,
  true,
  0,
  -1,
  1.5e300,
  'x',
  '',
  'a'.repeat(300),
  [],
  [{}],
  [{ value: 'U0' }],
  {},
  { value: 1 },
];
const KEYS = [
  'userName',
  'emails',
  'name',
  'displayName',
  'members',
  'active',
  'title',
  'Operations',
  'schemas',
  'externalId',
  '__proto__',
];

function pick<T>(rnd: () => number, list: readonly T[]): T {
  return list[Math.floor(rnd() * list.length)] as T;
}

function body(rnd: () => number, depth = 0): unknown {
  if (depth > 2 || rnd() < 0.3) return pick(rnd, VALUES);
  const out: Record<string, unknown> = {};
  for (let i = 0; i < 1 + Math.floor(rnd() * 4); i++) out[pick(rnd, KEYS)] = body(rnd, depth + 1);
  if (rnd() < 0.3)
    out.Operations = [
      {
        op: pick(rnd, ['add', 'remove', 'replace', 'x']),
        path: pick(rnd, [...KEYS, 'members[value eq "U1"]']),
        value: body(rnd, depth + 1),
      },
    ];
  if (rnd() < 0.3) out.schemas = ['urn:ietf:params:scim:api:messages:2.0:PatchOp'];
  return out;
}

it('answers 600 random SCIM requests with 2xx or a 4xx SCIM error, never a 5xx', async () => {
  const rnd = random(20261203);
  const ids = ['', '/U0000000001', '/S0000000001', '/U0NOBODY', '/x'];
  for (let i = 0; i < 600; i++) {
    const version = pick(rnd, ['v1', 'v2']);
    const resource = pick(rnd, ['Users', 'Groups']);
    const method = pick(rnd, ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
    const filter = Array.from({ length: Math.floor(rnd() * 8) }, () => pick(rnd, PIECES)).join(' ');
    const query = `?filter=${encodeURIComponent(filter)}&startIndex=${pick(rnd, ['0', '-3', '2', 'x', ''])}&count=${pick(rnd, ['1', '0', '99999', '-1', 'y'])}`;
    const url = `${emu.url}scim/${version}/${resource}${pick(rnd, ids)}${query}`;
    const hasBody = method === 'POST' || method === 'PUT' || method === 'PATCH';
    const res = await emu.fetch(
      new Request(url, {
        method,
        headers: { authorization: `Bearer ${emu.tokens.admin}`, 'content-type': 'application/json' },
        body: hasBody ? (rnd() < 0.1 ? '{"broken' : JSON.stringify(body(rnd))) : undefined,
      }),
    );
    const text = await res.text();
    assert.ok(res.status < 500, `${method} ${url}: ${res.status} ${text.slice(0, 200)}`);
    if (res.status >= 400) assert.match(text, /^\{"Errors":\{"description":"[a-z_]+","code":4\d\d\}\}$/);
  }
});
