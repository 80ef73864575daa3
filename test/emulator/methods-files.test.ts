// files.info/list/delete/sharedPublicURL/revokePublicURL and files.remote.* over real HTTP.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { api, apiJson, channelId } from './helpers.js';

type FileJson = {
  id: string;
  name: string;
  title: string;
  public_url_shared: boolean;
  mode?: string;
  external_id?: string;
  external_url?: string;
  channels: string[];
};

/** Uploads `name` through the external upload flow and shares it where `channel` says (nowhere when absent). */
async function upload(
  emu: Emulator,
  name: string,
  channel: string | undefined,
  token = emu.tokens.bot,
): Promise<string> {
  const body = Buffer.from(`contents of ${name}`);
  const url = await api(emu, 'files.getUploadURLExternal', { filename: name, length: body.length }, token);
  const put = await fetch(String(url.body.upload_url), { method: 'POST', body });
  assert.equal(put.status, 200);
  const id = String(url.body.file_id);
  const args: Record<string, unknown> = { files: [{ id }] };
  if (channel !== undefined) args.channel_id = channel;
  const done = await apiJson(emu, 'files.completeUploadExternal', args, token);
  assert.equal(done.body.ok, true, JSON.stringify(done.body));
  return id;
}

describe('emulator methods: files and remote files', () => {
  let emu: Emulator;
  let general: string;
  let remoteBot: string;
  before(async () => {
    emu = await startEmulator();
  });
  beforeEach(() => {
    emu.reset();
    general = channelId(emu, 'general');
    remoteBot = emu.issueToken({
      type: 'bot',
      scopes: ['remote_files:read', 'remote_files:write', 'remote_files:share', 'channels:read'],
    });
  });
  after(async () => {
    await emu.close();
  });

  it('lists uploaded files newest first, filtered by channel, user and type, with page paging', async () => {
    const a = await upload(emu, 'a.txt', general);
    const b = await upload(emu, 'b.png', general);
    const c = await upload(emu, 'c.pdf', channelId(emu, 'random'));
    const list = async (args: Record<string, string | number> = {}) => {
      const res = await api(emu, 'files.list', args);
      assert.equal(res.body.ok, true, JSON.stringify(res.body));
      return res.body as { files: FileJson[]; paging: { count: number; total: number; page: number; pages: number } };
    };
    assert.deepEqual(
      (await list()).files.map((f) => f.id),
      [c, b, a],
    );
    assert.deepEqual(
      (await list({ channel: general })).files.map((f) => f.id),
      [b, a],
    );
    assert.deepEqual(
      (await list({ types: 'images' })).files.map((f) => f.id),
      [b],
    );
    assert.deepEqual(
      (await list({ types: 'pdfs,snippets' })).files.map((f) => f.id),
      [c, a],
    );
    assert.deepEqual((await list({ user: emu.workspace.userId })).files, []);
    const second = await list({ count: 2, page: 2 });
    assert.deepEqual(
      second.files.map((f) => f.id),
      [a],
    );
    assert.deepEqual(second.paging, { count: 2, total: 3, page: 2, pages: 2 });
    assert.equal((await api(emu, 'files.list', { types: 'movies' })).body.error, 'unknown_type');
    assert.equal((await api(emu, 'files.list', { user: 'U0NOPE' })).body.error, 'user_not_found');
  });

  it('deletes a file: info says file_deleted, the list drops it, the message shows a tombstone', async () => {
    const id = await upload(emu, 'gone.txt', general);
    assert.equal(((await api(emu, 'files.info', { file: id })).body.file as FileJson).name, 'gone.txt');
    assert.equal((await api(emu, 'files.delete', { file: id })).body.ok, true);
    assert.equal((await api(emu, 'files.info', { file: id })).body.error, 'file_deleted');
    assert.equal((await api(emu, 'files.delete', { file: id })).body.error, 'file_deleted');
    assert.deepEqual((await api(emu, 'files.list', {})).body.files, []);
    const history = await api(emu, 'conversations.history', { channel: general });
    const [message] = history.body.messages as { files: FileJson[] }[];
    assert.deepEqual(message?.files, [{ id, mode: 'tombstone' }]);
    assert.equal((await api(emu, 'files.delete', { file: 'F0NOPE' })).body.error, 'file_not_found');
  });

  it("refuses deleting someone else's file and hides files shared only where the caller cannot see", async () => {
    const mine = await upload(emu, 'alice.txt', channelId(emu, 'secret'), emu.tokens.user);
    assert.equal((await api(emu, 'files.info', { file: mine })).body.error, 'file_not_found', 'bot is not in #secret');
    const shared = await upload(emu, 'shared.txt', general, emu.tokens.user);
    assert.equal((await api(emu, 'files.info', { file: shared })).body.ok, true);
    assert.equal((await api(emu, 'files.delete', { file: shared })).body.error, 'cant_delete_file');
  });

  it('answers files.upload with method_deprecated, as Slack has since its sunset', async () => {
    const res = await api(emu, 'files.upload', { content: 'hello', filename: 'a.txt', channels: general });
    assert.equal(res.body.error, 'method_deprecated');
    assert.deepEqual((await api(emu, 'files.list', {})).body.files, [], 'nothing was stored');
  });

  it('shares and revokes a public URL (user tokens only)', async () => {
    const id = await upload(emu, 'public.txt', general, emu.tokens.user);
    const shared = await api(emu, 'files.sharedPublicURL', { file: id }, emu.tokens.user);
    assert.equal((shared.body.file as FileJson).public_url_shared, true);
    const info = await api(emu, 'files.info', { file: id }, emu.tokens.user);
    assert.equal((info.body.file as FileJson).public_url_shared, true);
    const revoked = await api(emu, 'files.revokePublicURL', { file: id }, emu.tokens.user);
    assert.equal((revoked.body.file as FileJson).public_url_shared, false);
    assert.equal((await api(emu, 'files.sharedPublicURL', { file: id })).body.error, 'not_allowed_token_type');
    const missing = await api(emu, 'files.sharedPublicURL', { file: 'F0NOPE' }, emu.tokens.user);
    assert.equal(missing.body.error, 'file_not_found');
  });

  it('adds, reads, updates, shares, lists and removes remote files by id and external_id', async () => {
    const add = (args: Record<string, string>) =>
      api(
        emu,
        'files.remote.add',
        { external_id: 'doc-1', external_url: 'https://docs.test/1', title: 'Doc', ...args },
        remoteBot,
      );
    const added = await add({});
    assert.equal(added.body.ok, true, JSON.stringify(added.body));
    const file = added.body.file as FileJson;
    assert.equal(file.external_id, 'doc-1');
    const byExternal = await api(emu, 'files.remote.info', { external_id: 'doc-1' }, remoteBot);
    assert.equal((byExternal.body.file as FileJson).id, file.id);
    const updated = await api(
      emu,
      'files.remote.update',
      { file: file.id, title: 'Doc v2', external_url: 'https://docs.test/2' },
      remoteBot,
    );
    assert.equal((updated.body.file as FileJson).title, 'Doc v2');
    const read = (await api(emu, 'files.remote.info', { file: file.id }, remoteBot)).body.file as FileJson;
    assert.deepEqual([read.title, read.external_url], ['Doc v2', 'https://docs.test/2']);
    const shared = await api(emu, 'files.remote.share', { external_id: 'doc-1', channels: general }, remoteBot);
    assert.deepEqual((shared.body.file as FileJson).channels, [general]);
    await add({ external_id: 'doc-2' });
    const inGeneral = await api(emu, 'files.remote.list', { channel: general }, remoteBot);
    assert.deepEqual(
      (inGeneral.body.files as FileJson[]).map((f) => f.external_id),
      ['doc-1'],
    );
    const first = await api(emu, 'files.remote.list', { limit: 1 }, remoteBot);
    const cursor = (first.body.response_metadata as { next_cursor: string }).next_cursor;
    const next = await api(emu, 'files.remote.list', { limit: 1, cursor }, remoteBot);
    assert.deepEqual(
      [...(first.body.files as FileJson[]), ...(next.body.files as FileJson[])].map((f) => f.external_id),
      ['doc-1', 'doc-2'],
    );
    assert.equal((await api(emu, 'files.remote.remove', { external_id: 'doc-1' }, remoteBot)).body.ok, true);
    assert.equal((await api(emu, 'files.remote.info', { file: file.id }, remoteBot)).body.error, 'file_not_found');
  });

  it('answers the documented remote file errors', async () => {
    const add = (args: Record<string, string>, token = remoteBot) =>
      api(
        emu,
        'files.remote.add',
        { external_id: 'x', external_url: 'https://docs.test/x', title: 'X', ...args },
        token,
      );
    assert.equal((await add({ title: ' ' })).body.error, 'bad_title');
    assert.equal((await add({})).body.ok, true);
    assert.equal((await add({})).body.error, 'invalid_external_id', 'an external id is unique per app');
    assert.equal((await api(emu, 'files.remote.info', {}, remoteBot)).body.error, 'invalid_args');
    const both = await api(emu, 'files.remote.info', { file: 'F1', external_id: 'x' }, remoteBot);
    assert.equal(both.body.error, 'too_many_ids');
    assert.equal(
      (await api(emu, 'files.remote.info', { external_id: 'nope' }, remoteBot)).body.error,
      'file_not_found',
    );
    const badUrl = await api(emu, 'files.remote.update', { external_id: 'x', external_url: 'ftp:x' }, remoteBot);
    assert.equal(badUrl.body.error, 'invalid_url');
    const ops = await api(emu, 'files.remote.share', { external_id: 'x', channels: channelId(emu, 'ops') }, remoteBot);
    assert.equal(ops.body.error, 'not_in_channel');
    assert.equal((await add({ external_id: 'y' }, emu.tokens.bot)).body.error, 'missing_scope');
    assert.equal((await add({ external_id: 'y' }, emu.tokens.user)).body.error, 'not_allowed_token_type');
  });
});
