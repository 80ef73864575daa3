// search.messages, search.files, search.all over what was posted, as the caller can see it.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { api, apiJson, channelId, userId } from './helpers.js';

type Block = {
  matches: { text?: string; ts?: string; name?: string; channel?: { id: string; name: string }; permalink?: string }[];
  total: number;
  paging: { count: number; page: number; pages: number; total: number };
};

describe('emulator methods: search', () => {
  let emu: Emulator;
  let general: string;
  const search = async (method: string, args: Record<string, string | number>) => {
    const res = await api(emu, method, args, emu.tokens.user);
    assert.equal(res.body.ok, true, JSON.stringify(res.body));
    return res.body;
  };
  before(async () => {
    emu = await startEmulator();
  });
  beforeEach(() => {
    emu.reset();
    general = channelId(emu, 'general');
  });
  after(async () => {
    await emu.close();
  });

  it('finds posted messages by words, phrase, channel and author; nothing made up', async () => {
    await api(emu, 'chat.postMessage', { channel: general, text: 'deploy finished for api' });
    await api(emu, 'chat.postMessage', { channel: channelId(emu, 'random'), text: 'deploy started' });
    await api(emu, 'chat.postMessage', { channel: general, text: 'lunch?' }, emu.tokens.user);
    const words = (await search('search.messages', { query: 'deploy', sort: 'timestamp', sort_dir: 'asc' }))
      .messages as Block;
    assert.deepEqual(
      words.matches.map((m) => m.text),
      ['deploy finished for api', 'deploy started'],
    );
    assert.equal(words.total, 2);
    assert.equal(words.matches[0]?.channel?.name, 'general');
    assert.match(words.matches[0]?.permalink ?? '', new RegExp(`/archives/${general}/p`));
    const phrase = (await search('search.messages', { query: '"finished for"' })).messages as Block;
    assert.deepEqual(
      phrase.matches.map((m) => m.text),
      ['deploy finished for api'],
    );
    const inRandom = (await search('search.messages', { query: 'deploy in:#random' })).messages as Block;
    assert.deepEqual(
      inRandom.matches.map((m) => m.text),
      ['deploy started'],
    );
    const fromAlice = (await search('search.messages', { query: `from:<@${emu.workspace.userId}>` })).messages as Block;
    assert.deepEqual(
      fromAlice.matches.map((m) => m.text),
      ['lunch?'],
    );
    const none = (await search('search.messages', { query: 'meaning of life' })).messages as Block;
    assert.deepEqual([none.matches, none.total], [[], 0]);
  });

  it('pages results and hides channels the caller cannot see', async () => {
    for (let i = 1; i <= 5; i++) await api(emu, 'chat.postMessage', { channel: general, text: `note ${i}` });
    const page2 = (
      await search('search.messages', { query: 'note', count: 2, page: 2, sort: 'timestamp', sort_dir: 'asc' })
    ).messages as Block;
    assert.deepEqual(
      page2.matches.map((m) => m.text),
      ['note 3', 'note 4'],
    );
    assert.deepEqual(page2.paging, { count: 2, page: 2, pages: 3, total: 5 });
    const bob = userId(emu, 'bob');
    const bobToken = emu.issueToken({ type: 'user', user: bob, scopes: ['chat:write', 'search:read'] });
    await api(emu, 'chat.postMessage', { channel: channelId(emu, 'secret'), text: 'note hidden' }, bobToken);
    const carol = emu.issueToken({ type: 'user', user: userId(emu, 'carol'), scopes: ['search:read'] });
    const seen = await api(emu, 'search.messages', { query: 'hidden' }, carol);
    assert.equal((seen.body.messages as Block).total, 0, 'carol is not in #secret');
    const bobSees = await api(emu, 'search.messages', { query: 'hidden' }, bobToken);
    assert.equal((bobSees.body.messages as Block).total, 1);
  });

  it('finds uploaded files by name in search.files and search.all', async () => {
    const body = Buffer.from('q3 numbers');
    const url = await api(
      emu,
      'files.getUploadURLExternal',
      { filename: 'report-q3.csv', length: body.length },
      emu.tokens.user,
    );
    await fetch(String(url.body.upload_url), { method: 'POST', body });
    const done = await apiJson(
      emu,
      'files.completeUploadExternal',
      { files: [{ id: url.body.file_id }], channel_id: general },
      emu.tokens.user,
    );
    assert.equal(done.body.ok, true);
    await api(emu, 'chat.postMessage', { channel: general, text: 'the q3 report is up' });
    const files = (await search('search.files', { query: 'report' })).files as Block;
    assert.deepEqual(
      files.matches.map((f) => f.name),
      ['report-q3.csv'],
    );
    const all = await search('search.all', { query: 'report' });
    assert.deepEqual(
      (all.files as Block).matches.map((f) => f.name),
      ['report-q3.csv'],
    );
    assert.deepEqual(
      (all.messages as Block).matches.map((m) => m.text),
      ['the q3 report is up'],
    );
  });

  it('answers no_query, and refuses bot tokens and tokens without search:read', async () => {
    assert.equal((await api(emu, 'search.messages', { query: ' ' }, emu.tokens.user)).body.error, 'no_query');
    assert.equal((await api(emu, 'search.messages', { query: 'x' })).body.error, 'not_allowed_token_type');
    const bare = emu.issueToken({ type: 'user', scopes: ['channels:read'] });
    assert.equal((await api(emu, 'search.all', { query: 'x' }, bare)).body.error, 'missing_scope');
  });
});
