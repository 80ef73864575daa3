import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { api, channelId, control } from './helpers.js';

/** Walks every page of a method, checking the cursor contract on the way. */
async function walk(
  emu: Emulator,
  method: string,
  key: string,
  args: Record<string, string | number>,
): Promise<{ items: unknown[]; pages: number }> {
  const items: unknown[] = [];
  let cursor = '';
  let pages = 0;
  for (;;) {
    const res = await api(emu, method, cursor === '' ? args : { ...args, cursor });
    assert.equal(res.body.ok, true, JSON.stringify(res.body));
    pages += 1;
    items.push(...(res.body[key] as unknown[]));
    const next = (res.body.response_metadata as { next_cursor: string }).next_cursor;
    assert.equal(typeof next, 'string');
    if (next === '') return { items, pages };
    assert.match(next, /^[A-Za-z0-9+/=]+$/, 'cursors are opaque base64');
    cursor = next;
    assert.ok(pages < 1000, 'pagination must end');
  }
}

describe('emulator: cursor pagination', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator();
  });
  after(async () => {
    await emu.close();
  });

  it('seeds 1,200 users, 1,100 channels and 1,500 messages quickly', async () => {
    const started = Date.now();
    const seeded = await control(emu, 'POST', 'seed', {
      users: 1200,
      channels: 1100,
      messages: [{ channel: 'general', count: 1500, text: 'bulk' }],
    });
    assert.equal(seeded.status, 200);
    assert.equal((seeded.body.users as unknown[]).length, 1200);
    assert.equal((seeded.body.channels as unknown[]).length, 1100);
    assert.equal((seeded.body.messages as unknown[]).length, 1500);
    assert.ok(Date.now() - started < 5000, 'seeding must be fast');
  });

  it('walks users.list page by page, every user exactly once', async () => {
    const { items, pages } = await walk(emu, 'users.list', 'members', { limit: 200 });
    const ids = items.map((u) => (u as { id: string }).id);
    assert.equal(ids.length, 1205);
    assert.equal(new Set(ids).size, ids.length);
    assert.equal(pages, 7);
    const all = await api(emu, 'users.list', {});
    assert.equal((all.body.members as unknown[]).length, 1205, 'no limit means everything');
  });

  it('walks conversations.list with Slack’s default page size of 100', async () => {
    const { items, pages } = await walk(emu, 'conversations.list', 'channels', {});
    const ids = items.map((c) => (c as { id: string }).id);
    assert.equal(ids.length, 1103);
    assert.equal(new Set(ids).size, ids.length);
    assert.equal(pages, 12);
  });

  it('walks conversations.history newest first with has_more', async () => {
    const general = channelId(emu, 'general');
    const first = await api(emu, 'conversations.history', { channel: general, limit: 999 });
    assert.equal(first.body.has_more, true);
    const { items } = await walk(emu, 'conversations.history', 'messages', { channel: general, limit: 400 });
    const ts = items.map((m) => (m as { ts: string }).ts);
    assert.equal(ts.length, 1500);
    assert.equal(new Set(ts).size, 1500);
    assert.deepEqual(ts, [...ts].sort().reverse());
    const capped = await api(emu, 'conversations.history', { channel: general, limit: 5000 });
    assert.equal((capped.body.messages as unknown[]).length, 999, 'limit is capped like Slack’s');
    const oldest = ts[10] ?? '';
    const after = await api(emu, 'conversations.history', { channel: general, oldest, limit: 999 });
    assert.equal((after.body.messages as unknown[]).length, 10);
    assert.equal(
      (await api(emu, 'conversations.history', { channel: general, latest: 'soon' })).body.error,
      'invalid_ts_latest',
    );
  });

  it('answers invalid_cursor for cursors it did not issue', async () => {
    for (const cursor of [
      'garbage!!',
      Buffer.from('channel:5').toString('base64'),
      Buffer.from('user:-1').toString('base64'),
      Buffer.from('user:99999').toString('base64'),
    ]) {
      const res = await api(emu, 'users.list', { limit: 10, cursor });
      assert.deepEqual(res.body, { ok: false, error: 'invalid_cursor' }, cursor);
    }
  });
});
