import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HTTPError, InvalidResponseError, RateLimitedError } from '../../src/http/errors.js';
import { filter, SCIMClient, SCIMError } from '../../src/scim/index.js';
import { startServer, type TestServer } from '../helpers/server.js';

const TOKEN = 'canary-admin-token-0123456789';

// A stand-in SCIM server that answers by the path's last segment.
let server: TestServer;
const hits = new Map<string, number>();
before(async () => {
  server = await startServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const key = `${req.method} ${path}`;
    const n = (hits.get(key) ?? 0) + 1;
    hits.set(key, n);
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
    if (path.endsWith('/URFC')) {
      return json(400, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
        detail: `Bad request for ${TOKEN}`,
        status: '400',
        scimType: 'invalidValue',
      });
    }
    if (path.endsWith('/USLACK')) return json(404, { Errors: { description: 'user_not_found', code: 404 } });
    if (path.endsWith('/UHTML')) return res.writeHead(400, { 'content-type': 'text/html' }).end('<html>no</html>');
    if (path.endsWith('/UGARBLED')) return res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":');
    if (path.endsWith('/UARRAY')) return json(200, [1, 2]);
    if (path.endsWith('/ULIMITED')) {
      if (n === 1) return json(429, { Errors: { description: 'rate_limited', code: 429 } }, { 'retry-after': '1' });
      return json(200, { id: 'ULIMITED', userName: 'ok', emails: [] });
    }
    if (path.endsWith('/UBANNED')) return json(429, {}, { 'retry-after': '3600' });
    if (path.endsWith('/UFLAKY')) {
      if (n === 1) return json(503, { Errors: { description: 'unavailable', code: 503 } });
      return json(200, { id: 'UFLAKY', userName: 'ok', emails: [] });
    }
    if (path.endsWith('/Users') && req.method === 'POST') return json(503, { Errors: { description: 'x', code: 503 } });
    if (path.endsWith('/Users')) return json(200, { totalResults: 0, itemsPerPage: 0, startIndex: 1, Resources: [] });
    res.writeHead(404).end();
  });
});
after(() => server.close());

const client = () => new SCIMClient(TOKEN, { baseUrl: server.url, rateLimits: false });

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => assert.fail('expected a failure'),
    (e: unknown) => e,
  );
}

describe('SCIM error bodies become typed errors', () => {
  it('an RFC 7644 body: status, detail (redacted) and scimType', async () => {
    const scim = client();
    const err = await failure(scim.users.read('URFC'));
    scim.close();
    assert.ok(err instanceof SCIMError);
    assert.equal(err.status, 400);
    assert.equal(err.scimType, 'invalidValue');
    assert.equal(err.error, undefined);
    assert.match(err.detail, /^Bad request for /);
    assert.ok(!err.detail.includes(TOKEN), 'the token is redacted from the detail');
    assert.ok(!JSON.stringify(err).includes(TOKEN));
  });

  it("Slack's body: its error code", async () => {
    const scim = client();
    const err = await failure(scim.users.read('USLACK'));
    scim.close();
    assert.ok(err instanceof SCIMError);
    assert.equal(err.status, 404);
    assert.equal(err.error, 'user_not_found');
    assert.equal(err.method, 'SCIM GET Users/<id>');
  });

  it('a proxy page is an HTTPError, a broken 2xx body an InvalidResponseError, never a crash', async () => {
    // No retries here: the core repeats a read whose body came back broken (a cut connection), with backoff.
    const scim = new SCIMClient(TOKEN, { baseUrl: server.url, rateLimits: false, retryHandlers: [] });
    assert.ok((await failure(scim.users.read('UHTML'))) instanceof HTTPError);
    assert.ok((await failure(scim.users.read('UGARBLED'))) instanceof InvalidResponseError);
    assert.ok((await failure(scim.users.read('UARRAY'))) instanceof InvalidResponseError);
    scim.close();
  });

  it('429 waits Retry-After and repeats; a Retry-After past the cap fails at once', async () => {
    const scim = client();
    const user = await scim.users.read('ULIMITED');
    assert.equal(user.id, 'ULIMITED');
    assert.equal(hits.get('GET /v2/Users/ULIMITED'), 2);
    const err = await failure(scim.users.read('UBANNED'));
    scim.close();
    assert.ok(err instanceof RateLimitedError);
    assert.equal(err.retryAfter, 3600);
  });

  it('a 503 is repeated for a GET, never for a POST that may have been received', async () => {
    const scim = client();
    assert.equal((await scim.users.read('UFLAKY')).id, 'UFLAKY');
    assert.equal(hits.get('GET /v2/Users/UFLAKY'), 2);
    const err = await failure(scim.users.create({ userName: 'x', emails: [{ value: 'x@example.com' }] }));
    scim.close();
    assert.ok(err instanceof HTTPError);
    assert.equal(err.status, 503);
    assert.equal(hits.get('POST /v2/Users'), 1);
  });

  it('sends the token only in Authorization and the query in one order: filter, startIndex, count', async () => {
    const scim = new SCIMClient(TOKEN, { baseUrl: server.url, version: 'v1', rateLimits: false });
    await scim.users.search({ count: 5, startIndex: 3, filter: filter.eq('userName', 'a b') });
    scim.close();
    const req = server.requests.at(-1);
    assert.equal(req?.url, '/v1/Users?filter=userName+eq+%22a+b%22&startIndex=3&count=5');
    assert.equal(req?.headers.authorization, `Bearer ${TOKEN}`);
  });
});
