// Random requests against every control route and every Web API method of a real emulator process
// (the CLI, so an uncaught error shows as an exit): the process must stay up and never answer 5xx.
// Bounded in count and time; the seed is printed and can be replayed with SLACKLINE_FUZZ_SEED.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { controlRouteKeys, emulatorMethods } from '../../src/emulator/index.js';
import { prng } from '../helpers/prng.js';
import { type EmulatorLine, spawnEmulator, stop } from './spawn.js';

const SEED = Number(process.env.SLACKLINE_FUZZ_SEED ?? Date.now() % 1_000_000);
const API_REQUESTS = 2500;
const CONTROL_REQUESTS = 1500;
const BUDGET_MS = 60_000;

const random = prng(SEED);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;

const NASTY_STRINGS = [
  '',
  'x',
  'a\r\nset-cookie: x=y',
  '\n',
  'ā€😀',
  '\u0000',
  '%',
  '%zz',
  '../../etc/passwd',
  'http://10.0.0.1/',
  'http://127.0.0.1:9/x',
  '*',
  'C0NOPE',
  'U0NOPE',
  '1700000000.000100',
  '-1',
  'true',
  '{"a":',
  '[]',
  'x'.repeat(5000),
  '__proto__',
  'constructor',
  'chat:write',
  'bot',
  'url_verification',
  'status',
  'hang',
];
const NASTY_NUMBERS = [0, -1, 1, 1.5, 1e308, -1e308, 2 ** 53, Number.MAX_SAFE_INTEGER, 599, 200, 86_401];

function value(depth = 0): unknown {
  const r = random();
  if (r < 0.35) return pick(NASTY_STRINGS);
  if (r < 0.55) return pick(NASTY_NUMBERS);
  if (r < 0.62) return pick([true, false, null]);
  if (depth > 2) return pick(NASTY_STRINGS);
  if (r < 0.8) return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
  return object(depth + 1);
}

function object(depth = 0, keys: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const pool = [...keys, ...NASTY_STRINGS.slice(0, 12), 'kind', 'type', 'scopes', 'method', 'events_url', 'offset_ms'];
  for (let i = Math.floor(random() * 6); i > 0; i--) out[pick(pool)] = value(depth);
  return out;
}

function form(args: Record<string, unknown>): string {
  return new URLSearchParams(Object.entries(args).map(([k, v]): [string, string] => [k, String(v)])).toString();
}

interface Answer {
  status: number;
  body: string;
}

function send(base: URL, method: string, path: string, headers: Record<string, string>, body: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: base.hostname, port: base.port, method, path, headers, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in 10 s`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Runs `make` up to `count` times, 4 at a time, within the time budget; returns how many ran. */
async function run(count: number, deadline: number, make: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next < count && Date.now() < deadline) await make(next++);
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return next;
}

describe(`emulator: fuzz over the control API and the Web API (seed ${SEED})`, () => {
  let emu: Awaited<ReturnType<typeof spawnEmulator>>;
  let info: EmulatorLine;
  let base: URL;
  const failures: string[] = [];
  before(async () => {
    emu = await spawnEmulator();
    info = emu.info;
    base = new URL(info.url);
  });
  after(async () => {
    await stop(emu.child);
  });

  const note = (what: string, answer: Answer) => {
    if (answer.status >= 500 && failures.length < 20) failures.push(`${what} -> ${answer.status}`);
  };

  it('every method, random arguments, bodies and tokens: no 5xx, no exit', async () => {
    const methods = emulatorMethods().map((m) => m.name);
    const tokens = [info.tokens.bot, info.tokens.user, info.tokens.app, 'xoxb-canary-not-a-token', ''];
    const types = [
      'application/x-www-form-urlencoded',
      'application/json',
      'application/json; charset=latin2',
      'multipart/form-data; boundary=zz',
      'multipart/form-data',
      'text/plain',
      'application/octet-stream',
    ];
    const ran = await run(Math.max(API_REQUESTS, methods.length), Date.now() + BUDGET_MS / 2, async (i) => {
      // Every method once, then random ones.
      const name = i < methods.length ? (methods[i] as string) : random() < 0.05 ? pick(NASTY_STRINGS) : pick(methods);
      const args = object(0, ['channel', 'ts', 'user', 'users', 'cursor', 'limit', 'text', 'blocks', 'view', 'files']);
      const type = pick(types);
      let body: string;
      if (type.startsWith('application/json')) body = random() < 0.1 ? '{"broken"' : JSON.stringify(args);
      else if (type.startsWith('multipart'))
        body = `--zz\r\ncontent-disposition: form-data; name="text"\r\n\r\n${pick(NASTY_STRINGS)}\r\n--zz`;
      else body = form(args);
      const headers: Record<string, string> = { 'content-type': type };
      const token = pick(tokens);
      if (token !== '') headers.authorization = `Bearer ${token}`;
      const path = `/api/${encodeURIComponent(name)}${random() < 0.2 ? `?${form(object(0)).slice(0, 300)}` : ''}`;
      note(`POST ${path.slice(0, 80)} ${type}`, await send(base, random() < 0.9 ? 'POST' : 'GET', path, headers, body));
    });
    assert.ok(ran >= methods.length, `only ${ran} requests in the time budget`);
    assert.equal(emu.child.exitCode, null, 'the emulator exited');
    assert.deepEqual(failures, []);
  });

  it('every control route, random bodies and queries, and calls with the tokens it issues: no 5xx, no exit', async () => {
    const routes = controlRouteKeys().filter((k) => k !== 'POST reset');
    // Tokens the fuzz got issued (odd scopes included) are then used on the Web API, where scopes reach headers.
    const issued: string[] = [info.tokens.bot];
    const ran = await run(Math.max(CONTROL_REQUESTS, routes.length), Date.now() + BUDGET_MS / 2, async (i) => {
      const key = i < routes.length ? (routes[i] as string) : pick(routes);
      const [verb, path] = key.split(' ') as [string, string];
      const method = verb === '*' ? pick(['GET', 'POST', 'PATCH', 'DELETE']) : random() < 0.9 ? verb : 'PUT';
      const suffix = path.endsWith('/')
        ? encodeURIComponent(pick(['A0EMULATOR1', info.clientId, ...NASTY_STRINGS]))
        : '';
      const query =
        random() < 0.3
          ? `?${new URLSearchParams({ since: String(pick(NASTY_NUMBERS)), channel: pick(NASTY_STRINGS) })}`
          : '';
      if (random() < 0.5) {
        const method = pick(['auth.test', 'chat.postMessage', 'conversations.list', 'api.test']);
        const headers = {
          authorization: `Bearer ${pick(issued.slice(-3))}`,
          'content-type': 'application/x-www-form-urlencoded',
        };
        note(
          `api ${method} with an issued token`,
          await send(base, 'POST', `/api/${method}`, headers, form(object(0))),
        );
      }
      const fields = object(0, ['type', 'scopes', 'kind', 'contentType', 'status', 'times', 'ms']);
      // Fault rules match a method the fuzz never calls: a rule's own 5xx or hang is what it is asked for.
      if (path === 'faults') fields.method = 'fuzz.faulted';
      // Steer toward what reaches a header: scopes (x-oauth-scopes) and fault content types.
      if (path === 'tokens')
        Object.assign(fields, {
          type: pick(['bot', 'user', 'app', 'x']),
          scopes: pick([value(), [pick(NASTY_STRINGS)], pick(NASTY_STRINGS)]),
        });
      if (path === 'faults') Object.assign(fields, { kind: pick(['status', 'malformed']), contentType: value() });
      const body = random() < 0.1 ? pick(['{', '[]', '"x"', 'null']) : JSON.stringify(fields);
      const headers = { 'content-type': 'application/json' };
      const answer = await send(base, method, `/_emulator/${path}${suffix}${query}`, headers, body);
      note(`${method} ${path}${suffix.slice(0, 40)} ${body.slice(0, 120)}`, answer);
      if (path === 'tokens' && answer.status === 200) {
        const token = String(JSON.parse(answer.body).token);
        issued.push(token);
        const use = await send(base, 'POST', '/api/auth.test', { authorization: `Bearer ${token}` }, '');
        note(`auth.test with a token issued for ${body.slice(0, 120)}`, use);
      }
    });
    assert.ok(ran >= routes.length, `only ${ran} requests in the time budget`);
    assert.equal(emu.child.exitCode, null, 'the emulator exited');
    assert.deepEqual(failures, []);
    // Whatever the fuzz left behind (faults, a moved clock), a reset brings back a working emulator.
    const headers = { 'content-type': 'application/json' };
    assert.equal((await send(base, 'POST', '/_emulator/reset', headers, '{}')).status, 200);
    const check = await send(base, 'POST', '/api/auth.test', { authorization: `Bearer ${info.tokens.bot}` }, '');
    assert.equal(check.status, 200);
  });
});
