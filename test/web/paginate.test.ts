// Cursor pagination against the emulator: 1,000+ items across pages, the page cap, a bad cursor.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { PlatformError } from '../../src/http/errors.js';
import { WebClient } from '../../src/web/client.js';

let emu: Emulator;
let client: WebClient;
let general: string;

before(async () => {
  emu = await startEmulator({ port: 0 });
  // Pagination, not pacing, is under test here: Tier 2 pacing would stretch 20 pages over a minute.
  client = new WebClient(emu.tokens.bot, { slackApiUrl: emu.apiUrl, rateLimits: false });
  emu.seed({ users: 1_500 });
  general = (await client.conversations.list()).channels?.find((c) => c.name === 'general')?.id ?? '';
  emu.seed({ messages: [{ channel: general, count: 1_234, text: 'seeded' }] });
});
after(async () => {
  client.core.close();
  await emu.close();
});

test('items() walks every user across pages, each exactly once', async () => {
  const ids: string[] = [];
  for await (const user of client.paginate('users.list', { limit: 150 }).items<{ id: string }>('members')) {
    ids.push(user.id);
  }
  // users.list lists the token's own workspace (the emulator also holds an Enterprise org's workspace).
  const mine = [...emu.state.users.values()].filter((u) => u.teamId === emu.workspace.teamId).length;
  assert.equal(ids.length, mine);
  assert.ok(ids.length > 1_500);
  assert.equal(new Set(ids).size, ids.length);
});

test('pages of conversations.history follow next_cursor to the last message', async () => {
  let pages = 0;
  let messages = 0;
  for await (const page of client.paginate('conversations.history', { channel: general })) {
    pages++;
    messages += (page.messages as unknown[]).length;
  }
  assert.equal(messages, emu.messages(general).filter((m) => m.thread_ts === undefined || m.thread_ts === m.ts).length);
  assert.ok(messages >= 1_234);
  assert.equal(pages, Math.ceil(messages / 200));
});

test('the page cap stops the walk; a bad cursor is Slack’s invalid_cursor', async () => {
  let pages = 0;
  for await (const _ of client.paginate('users.list', { limit: 100 }, { maxPages: 3 })) pages++;
  assert.equal(pages, 3);
  await assert.rejects(
    (async () => {
      for await (const _ of client.paginate('users.list', { cursor: 'not-a-cursor' }));
    })(),
    (e: unknown) => e instanceof PlatformError && e.error === 'invalid_cursor',
  );
});
