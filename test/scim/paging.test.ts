import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Emulator } from '../../src/emulator/index.js';
import { InvalidResponseError } from '../../src/http/errors.js';
import { filter, SCIMClient } from '../../src/scim/index.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { orgTeam, scimEmulator } from './helpers.js';

describe('SCIM paging against the emulator', () => {
  let emu: Emulator;
  let requests = 0;
  let scim: SCIMClient;
  before(async () => {
    emu = await scimEmulator();
    // The org has admin and member; seven more make nine users.
    emu.seed({ team: orgTeam(emu), users: 7 });
    const counting: typeof fetch = (input, init) => {
      requests++;
      return fetch(input, init);
    };
    scim = new SCIMClient(emu.tokens.admin, { baseUrl: emu.scimUrl, fetch: counting, rateLimits: false });
  });
  after(async () => {
    scim.close();
    await emu.close();
  });

  it('walks every user once, in order, page by page', async () => {
    requests = 0;
    const sizes: number[] = [];
    for await (const page of scim.users.all({ count: 2 }).pages()) sizes.push(page.Resources.length);
    assert.deepEqual(sizes, [2, 2, 2, 2, 1]);
    assert.equal(requests, 5);
    const ids = (await scim.users.all({ count: 2 }).toArray()).map((u) => u.id);
    const one = (await scim.users.search({ count: 100 })).Resources.map((u) => u.id);
    assert.equal(ids.length, 9);
    assert.deepEqual(ids, one);
  });

  it('stops without an extra request when the count divides the total', async () => {
    requests = 0;
    const all = await scim.users.all({ count: 3 }).toArray();
    assert.equal(all.length, 9);
    assert.equal(requests, 3);
  });

  it('starts at startIndex; past the end yields nothing after one request', async () => {
    const tail = await scim.users.all({ startIndex: 8, count: 5 }).toArray();
    assert.equal(tail.length, 2);
    requests = 0;
    assert.deepEqual(await scim.users.all({ startIndex: 50 }).toArray(), []);
    assert.equal(requests, 1);
  });

  it('count=0 answers the total and no resources; a filter pages over its matches only', async () => {
    const none = await scim.users.search({ count: 0 });
    assert.equal(none.totalResults, 9);
    assert.deepEqual(none.Resources, []);
    const seeded = await scim.users.all({ count: 2, filter: filter.sw('userName', 'user-') }).toArray();
    assert.equal(seeded.length, 7);
    assert.ok(seeded.every((u) => u.userName.startsWith('user-')));
  });

  it('maxPages bounds a walk', async () => {
    const some = await scim.users.all({ count: 2, maxPages: 2 }).toArray();
    assert.equal(some.length, 4);
  });
});

describe('SCIM paging against a server that misbehaves', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      // Promises 100 results but sends none; or sends a body without Resources.
      if ((req.url ?? '').includes('Groups')) return void res.end('{"totalResults":3}');
      res.end('{"totalResults":100,"itemsPerPage":0,"startIndex":1,"Resources":[]}');
    });
  });
  after(() => server.close());

  it('stops on an empty page and reports a list without Resources', async () => {
    const scim = new SCIMClient('canary-token', { baseUrl: server.url, rateLimits: false });
    assert.deepEqual(await scim.users.all().toArray(), []);
    assert.equal(server.requests.length, 1);
    await assert.rejects(scim.groups.all().toArray(), InvalidResponseError);
    scim.close();
  });
});
