import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { readDataFile } from '../../src/emulator/model/data.js';

let emu: Emulator;
before(async () => {
  emu = await startEmulator();
});
after(() => emu.close());

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

async function scim(
  method: string,
  path: string,
  options: { body?: string; type?: string; token?: string | null } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  const token = options.token === undefined ? emu.tokens.admin : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['content-type'] = options.type ?? 'application/json';
  const res = await fetch(`${emu.url}scim/${path}`, { method, headers, body: options.body });
  const text = await res.text();
  return { status: res.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

const names = async (filter: string): Promise<string[] | Answer> => {
  const answer = await scim('GET', `v2/Users?filter=${encodeURIComponent(filter)}`);
  if (answer.status !== 200) return answer;
  return (answer.body.Resources as { userName: string }[]).map((u) => u.userName).sort();
};

describe('emulator: SCIM wire format', () => {
  it("answers Slack's recorded shapes for users, groups and lists, v1 and v2", async () => {
    emu.reset();
    const samples = readDataFile('scim-samples.json') as Record<string, Record<string, unknown>>;
    const created = await scim('POST', 'v2/Groups', { body: JSON.stringify({ displayName: 'Shapes' }) });
    assert.equal(created.status, 201);
    for (const version of ['v1', 'v2']) {
      for (const resource of ['Users', 'Groups']) {
        const list = await scim('GET', `${version}/${resource}`);
        assert.equal(list.status, 200);
        const sample = samples[`${version}/${resource}`] as Record<string, unknown>;
        for (const key of ['totalResults', 'itemsPerPage', 'startIndex', 'Resources', 'schemas']) {
          assert.ok(key in list.body && key in sample, `${version} ${resource} list ${key}`);
        }
        const one = (list.body.Resources as Record<string, unknown>[])[0] ?? {};
        const oneSample = samples[`${version}/${resource}/<id>`] as Record<string, unknown>;
        for (const key of Object.keys(one))
          assert.ok(key in oneSample, `${version} ${resource}: ${key} is not in Slack's shape`);
        for (const key of ['schemas', 'id', 'meta', 'displayName'])
          assert.ok(key in one, `${version} ${resource} ${key}`);
        const read = await scim('GET', `${version}/${resource}/${String(one.id)}`);
        assert.deepEqual(read.body, one);
      }
    }
    const v1 = await scim('GET', 'v1/Users');
    assert.deepEqual(v1.body.schemas, ['urn:scim:schemas:core:1.0']);
    const v2 = await scim('GET', 'v2/Users');
    assert.deepEqual(v2.body.schemas, ['urn:ietf:params:scim:api:messages:2.0:ListResponse']);
  });

  it("describes itself in Slack's recorded shapes: ServiceProviderConfigs (v1, v2) and ResourceTypes (v2)", async () => {
    emu.reset();
    const samples = readDataFile('scim-samples.json') as Record<string, Record<string, unknown>>;
    for (const version of ['v1', 'v2']) {
      const config = await scim('GET', `${version}/ServiceProviderConfigs`);
      assert.equal(config.status, 200, version);
      const sample = samples[`${version}/ServiceProviderConfigs`] as Record<string, unknown>;
      assert.deepEqual(Object.keys(config.body).sort(), Object.keys(sample).sort(), `${version} config keys`);
      assert.deepEqual(config.body.patch, { supported: true });
      assert.deepEqual(config.body.filter, { supported: true, maxResults: 1000 });
      // What it says is what it does: a page never holds more than filter.maxResults.
      const page = await scim('GET', `${version}/Users?count=5000`);
      assert.ok((page.body.itemsPerPage as number) <= 1000);
    }
    const types = await scim('GET', 'v2/ResourceTypes');
    assert.equal(types.status, 200);
    const sampleTypes = samples['v2/ResourceTypes'] as { Resources: Record<string, unknown>[] };
    const resources = types.body.Resources as Record<string, unknown>[];
    assert.deepEqual(
      resources.map((r) => r.endpoint),
      ['/Users', '/Groups'],
    );
    for (const r of resources) {
      assert.deepEqual(Object.keys(r).sort(), Object.keys(sampleTypes.Resources[0] ?? {}).sort(), String(r.id));
      const served = await scim('GET', `v2${String(r.endpoint)}`);
      assert.equal(served.status, 200, `${String(r.endpoint)} is served`);
    }
    // Only GET, only v2 for ResourceTypes, no ids, and the admin token still required.
    assert.equal((await scim('POST', 'v2/ServiceProviderConfigs', { body: '{}' })).status, 405);
    assert.equal((await scim('GET', 'v1/ResourceTypes')).status, 404);
    assert.equal((await scim('GET', 'v2/ResourceTypes/User')).status, 404);
    assert.equal((await scim('GET', 'v2/ServiceProviderConfigs', { token: null })).status, 401);
  });

  it('answers errors as { Errors: { description, code } } with the HTTP status', async () => {
    emu.reset();
    const big = JSON.stringify({ userName: 'big', emails: [{ value: 'b@example.com' }], title: 'x'.repeat(1_100_000) });
    const cases: [Promise<Answer>, number, string][] = [
      [scim('GET', 'v2/Users', { token: null }), 401, 'invalid_authentication'],
      [scim('GET', 'v2/Users', { token: 'canary-unknown' }), 401, 'invalid_authentication'],
      [scim('GET', 'v2/Users', { token: emu.tokens.user }), 403, 'missing_scope'],
      [scim('GET', 'v3/Users'), 404, 'not_found'],
      [scim('GET', 'v2/Users/U0NOBODY'), 404, 'user_not_found'],
      [scim('DELETE', 'v2/Users'), 405, 'method_not_allowed'],
      [
        scim('POST', 'v2/Users', { body: 'userName=x', type: 'application/x-www-form-urlencoded' }),
        400,
        'invalid_content_type',
      ],
      [scim('POST', 'v2/Users', { body: '{"userName":' }), 400, 'invalid_json'],
      [scim('POST', 'v2/Users', { body: '[1]' }), 400, 'invalid_json'],
      [scim('POST', 'v2/Users', { body: big }), 413, 'request_too_large'],
      [scim('POST', 'v2/Users', { body: '{"emails":[{"value":"a@example.com"}]}' }), 400, 'missing_username'],
      [scim('POST', 'v2/Users', { body: '{"userName":"zed"}' }), 400, 'missing_email'],
      [scim('POST', 'v2/Users', { body: '{"userName":"zed","emails":"x"}' }), 400, 'invalid_emails'],
      [scim('PATCH', 'v2/Users/U0NOBODY', { body: '{}' }), 404, 'user_not_found'],
      [scim('GET', 'v2/Users?count=abc'), 400, 'invalid_count'],
      [scim('GET', 'v2/Users?startIndex=1.5'), 400, 'invalid_start_index'],
    ];
    for (const [answer, status, description] of cases) {
      const { status: got, body } = await answer;
      assert.equal(got, status, description);
      assert.deepEqual(body, { Errors: { description, code: status } });
    }
  });

  it('creates with 201, deletes with 204; a created user is in users.list and a deleted one is deleted: true', async () => {
    emu.reset();
    const made = await scim('POST', 'v1/Users', {
      body: JSON.stringify({ userName: 'wire', emails: [{ value: 'wire@example.com' }] }),
    });
    assert.equal(made.status, 201);
    const id = String(made.body.id);
    const gone = await scim('DELETE', `v1/Users/${id}`);
    assert.equal(gone.status, 204);
    const user = emu.state.users.get(id);
    assert.equal(user?.deleted, true);
    assert.equal((await scim('GET', `v1/Users/${id}`)).body.active, false);
  });
});

describe('emulator: SCIM filters', () => {
  before(async () => {
    emu.reset();
    for (const [userName, title] of [
      ['ann', 'Engineer'],
      ['bea', 'Engineering Manager'],
      ['cyd', 'Designer'],
    ]) {
      const answer = await scim('POST', 'v2/Users', {
        body: JSON.stringify({ userName, title, emails: [{ value: `${userName}@example.com` }] }),
      });
      assert.equal(answer.status, 201);
    }
  });

  it('supports eq ne co sw ew pr gt ge lt le, and/or/not and parentheses, case-insensitively', async () => {
    const cases: [string, string[]][] = [
      ['userName eq "ann"', ['ann']],
      ['userName EQ "ANN"', ['ann']],
      ['title co "engineer"', ['ann', 'bea']],
      ['title sw "Design"', ['cyd']],
      ['title ew "manager"', ['bea']],
      ['userName ne "ann" and title co "Eng"', ['bea']],
      ['userName eq "ann" or userName eq "cyd"', ['ann', 'cyd']],
      ['not (title co "Eng") and userName gt "b"', ['cyd', 'member']],
      ['userName ge "bea" and userName le "bea"', ['bea']],
      ['userName lt "b" and title pr', ['ann']],
      ['(userName eq "ann" or userName eq "bea") and title ew "Manager"', ['bea']],
      ['emails.value eq "CYD@example.com"', ['cyd']],
      ['emails eq "ann@example.com"', ['ann']],
      ['active eq true and userName sw "a"', ['admin', 'ann']],
      ['userName eq "a\\"b"', []],
    ];
    for (const [expression, expected] of cases) {
      assert.deepEqual(await names(expression), expected, expression);
    }
  });

  it('refuses malformed, unknown, too long and too deep filters with 400 invalid_filter', async () => {
    const bad = [
      'userName eq',
      'userName "ann"',
      'userName xx "ann"',
      'shoeSize eq "9"',
      'userName eq "ann',
      'userName eq "ann" or',
      '(userName eq "ann"',
      'userName eq "ann")',
      'userName eq "\\q"',
      `${'('.repeat(200)}userName pr${')'.repeat(200)}`,
      `userName eq "${'x'.repeat(5000)}"`,
      'userName eq "ann" ; drop',
    ];
    for (const expression of bad) {
      const answer = await names(expression);
      assert.ok(!Array.isArray(answer), expression);
      assert.equal(answer.status, 400, expression);
      assert.deepEqual(answer.body, { Errors: { description: 'invalid_filter', code: 400 } });
    }
  });

  it('pages with startIndex and count: below 1 is 1, a negative count 0, at most 1000', async () => {
    const page = async (query: string) => (await scim('GET', `v2/Users?${query}`)).body;
    const all = await page('');
    const total = Number(all.totalResults);
    assert.equal(total, 5);
    assert.deepEqual(await page('startIndex=0&count=2'), await page('startIndex=1&count=2'));
    const negative = await page('count=-5');
    assert.equal(negative.itemsPerPage, 0);
    assert.equal(negative.totalResults, total);
    const second = await page('startIndex=2&count=2');
    assert.equal(second.startIndex, 2);
    assert.deepEqual(
      (second.Resources as { id: string }[]).map((u) => u.id),
      (all.Resources as { id: string }[]).slice(1, 3).map((u) => u.id),
    );
    const past = await page('startIndex=99');
    assert.deepEqual(past.Resources, []);
    assert.equal(past.totalResults, total);
    assert.equal((await page('count=999999')).itemsPerPage, total);
  });
});

describe('emulator: SCIM rate limits', () => {
  it("answers 429 with Retry-After past an endpoint's burst, counted per org across tokens", async () => {
    emu.reset();
    emu.rateLimits.enabled = true;
    try {
      const other = emu.issueToken({
        type: 'user',
        team: String(emu.state.tokens.get(emu.tokens.admin)?.teamId),
        scopes: ['admin'],
      });
      const statuses: number[] = [];
      let limited: Response | undefined;
      for (let i = 0; i < 22; i++) {
        const res = await fetch(`${emu.scimUrl}v2/Users`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${i % 2 === 0 ? emu.tokens.admin : other}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({ userName: `burst${i}`, emails: [{ value: `burst${i}@example.com` }] }),
        });
        statuses.push(res.status);
        if (res.status === 429) limited = res;
        else await res.arrayBuffer();
      }
      // Slack's 20 plus the one call of tolerance pass; the next waits a third of a second (rounded up).
      assert.deepEqual(statuses, [...Array(21).fill(201), 429]);
      assert.equal(limited?.headers.get('retry-after'), '1');
      assert.deepEqual(await limited?.json(), { Errors: { description: 'rate_limited', code: 429 } });
      // Reads have budgets of their own.
      assert.equal((await scim('GET', 'v2/Users')).status, 200);
    } finally {
      emu.rateLimits.enabled = false;
    }
  });
});
