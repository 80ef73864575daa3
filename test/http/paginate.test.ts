// The one cursor walk (Web API and Audit Logs cursors use it), over a real node:http server that
// pages through a list the way Slack does: `cursor` in, `next_cursor` out.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { HttpCore } from '../../src/http/core.js';
import { InvalidResponseError } from '../../src/http/errors.js';
import { cursorPages } from '../../src/http/paginate.js';
import { startServer, type TestServer } from '../helpers/server.js';

interface Page {
  items: number[];
  next_cursor: string;
}

let server: TestServer;
const core = new HttpCore();
before(async () => {
  // 10 items, 3 a page; /loop answers the same cursor forever.
  server = await startServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const at = Number(url.searchParams.get('cursor') ?? 0);
    const items = Array.from({ length: 10 }, (_, i) => i).slice(at, at + 3);
    const next = url.pathname === '/loop' ? 'c1' : at + 3 < 10 ? String(at + 3) : '';
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ items, next_cursor: next }));
  });
});
after(async () => {
  core.close();
  await server.close();
});

const pageOf = (path: string) => (cursor: string | undefined) =>
  core.call<Page>(
    {
      method: 'test.list',
      url: new URL(`${path}${cursor ? `?cursor=${cursor}` : ''}`, server.url),
      httpMethod: 'GET',
      headers: {},
    },
    (r) => JSON.parse(r.body.toString()) as Page,
  );

test('walks every page in order and stops on an empty cursor', async () => {
  const seen: number[][] = [];
  for await (const page of cursorPages({ page: pageOf('/list'), next: (p) => p.next_cursor })) seen.push(page.items);
  assert.deepEqual(seen, [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]);
});

test('starts at a given cursor and stops at maxPages', async () => {
  const seen: number[][] = [];
  const walk = cursorPages({ page: pageOf('/list'), next: (p) => p.next_cursor, cursor: '3', maxPages: 2 });
  for await (const page of walk) seen.push(page.items);
  assert.deepEqual(seen, [
    [3, 4, 5],
    [6, 7, 8],
  ]);
});

test('a cursor that repeats is an InvalidResponseError, not an endless loop', async () => {
  let pages = 0;
  await assert.rejects(async () => {
    for await (const _ of cursorPages({ page: pageOf('/loop'), next: (p) => p.next_cursor, method: 'test.list' })) {
      pages++;
    }
  }, InvalidResponseError);
  assert.equal(pages, 2);
});
