// canvases.* and conversations.canvases.create over real HTTP: create, edit, read back through
// canvases.sections.lookup, access, delete, and the documented errors.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { apiJson, channelId, userId } from './helpers.js';

const md = (markdown: string) => ({ type: 'markdown', markdown });

describe('emulator methods: canvases', () => {
  let emu: Emulator;
  let token: string;
  const call = (method: string, args: Record<string, unknown>, as = token) => apiJson(emu, method, args, as);
  const lookup = async (canvas_id: string, criteria: Record<string, unknown>, as = token) => {
    const res = await call('canvases.sections.lookup', { canvas_id, criteria }, as);
    assert.equal(res.body.ok, true, JSON.stringify(res.body));
    return (res.body.sections as { id: string }[]).map((s) => s.id);
  };
  before(async () => {
    emu = await startEmulator();
  });
  beforeEach(() => {
    emu.reset();
    token = emu.issueToken({ type: 'bot', scopes: ['canvases:read', 'canvases:write'] });
  });
  after(async () => {
    await emu.close();
  });

  it('creates a canvas and finds its sections by type and text', async () => {
    const doc = md('# Plan\nintro text\n\n## Risks\nnone yet\n\n## Owners\nalice');
    const created = await call('canvases.create', { title: 'Q3', document_content: doc });
    assert.equal(created.body.ok, true, JSON.stringify(created.body));
    const id = String(created.body.canvas_id);
    assert.match(id, /^F/);
    assert.equal((await lookup(id, { section_types: ['h1'] })).length, 1);
    assert.equal((await lookup(id, { section_types: ['h2'] })).length, 2);
    assert.equal((await lookup(id, { section_types: ['any_header'] })).length, 3);
    assert.equal((await lookup(id, { contains_text: 'RISKS' })).length, 1);
    assert.deepEqual(await lookup(id, { contains_text: 'nothing like this' }), []);
  });

  it('edits sections: insert after, replace, delete, and the whole document', async () => {
    const id = String((await call('canvases.create', { document_content: md('# Top\n\nbody') })).body.canvas_id);
    const [top] = await lookup(id, { section_types: ['h1'] });
    const insert = { operation: 'insert_after', section_id: top, document_content: md('## Added') };
    assert.equal((await call('canvases.edit', { canvas_id: id, changes: [insert] })).body.ok, true);
    const [added] = await lookup(id, { contains_text: 'Added' });
    assert.ok(added);
    const replace = { operation: 'replace', section_id: added, document_content: md('## Replaced') };
    await call('canvases.edit', { canvas_id: id, changes: [replace] });
    assert.deepEqual(await lookup(id, { contains_text: 'Added' }), []);
    const [replaced] = await lookup(id, { contains_text: 'Replaced' });
    await call('canvases.edit', { canvas_id: id, changes: [{ operation: 'delete', section_id: replaced }] });
    assert.deepEqual(await lookup(id, { section_types: ['h2'] }), []);
    await call('canvases.edit', { canvas_id: id, changes: [{ operation: 'replace', document_content: md('fresh') }] });
    assert.deepEqual(await lookup(id, { section_types: ['h1'] }), []);
    assert.equal((await lookup(id, { contains_text: 'fresh' })).length, 1);
    const bad = await call('canvases.edit', {
      canvas_id: id,
      changes: [{ operation: 'delete', section_id: 'temp:C:nope' }],
    });
    assert.equal(bad.body.error, 'canvas_editing_failed');
    const unknown = await call('canvases.edit', { canvas_id: id, changes: [{ operation: 'explode' }] });
    assert.equal(unknown.body.error, 'canvas_editing_failed');
  });

  it('hides a canvas from others until access is set, and deletes it', async () => {
    const id = String((await call('canvases.create', { document_content: md('secret plan') })).body.canvas_id);
    const bob = userId(emu, 'bob');
    const bobToken = emu.issueToken({ type: 'user', user: bob, scopes: ['canvases:read', 'canvases:write'] });
    const hidden = await call(
      'canvases.sections.lookup',
      { canvas_id: id, criteria: { contains_text: 'plan' } },
      bobToken,
    );
    assert.equal(hidden.body.error, 'canvas_not_found');
    assert.equal(
      (await call('canvases.access.set', { canvas_id: id, access_level: 'read', user_ids: [bob] })).body.ok,
      true,
    );
    assert.equal((await lookup(id, { contains_text: 'plan' }, bobToken)).length, 1);
    const edit = { canvas_id: id, changes: [{ operation: 'insert_at_end', document_content: md('bob was here') }] };
    assert.equal((await call('canvases.edit', edit, bobToken)).body.error, 'restricted_action', 'read access only');
    assert.equal((await call('canvases.access.delete', { canvas_id: id, user_ids: [bob] })).body.ok, true);
    const again = await call(
      'canvases.sections.lookup',
      { canvas_id: id, criteria: { contains_text: 'plan' } },
      bobToken,
    );
    assert.equal(again.body.error, 'canvas_not_found');
    assert.equal(
      (await call('canvases.access.set', { canvas_id: id, access_level: 'read' })).body.error,
      'invalid_parameters',
    );
    assert.equal((await call('canvases.delete', { canvas_id: id })).body.ok, true);
    assert.equal((await call('canvases.delete', { canvas_id: id })).body.error, 'canvas_not_found');
  });

  it('creates one channel canvas per channel, readable by its members', async () => {
    const general = channelId(emu, 'general');
    const made = await call('conversations.canvases.create', {
      channel_id: general,
      document_content: md('# Welcome'),
    });
    assert.equal(made.body.ok, true);
    const again = await call('conversations.canvases.create', { channel_id: general });
    assert.equal(again.body.error, 'channel_canvas_already_exists');
    const carol = emu.issueToken({ type: 'user', user: userId(emu, 'carol'), scopes: ['canvases:read'] });
    assert.equal((await lookup(String(made.body.canvas_id), { section_types: ['h1'] }, carol)).length, 1);
    const nowhere = await call('conversations.canvases.create', { channel_id: 'C0NOPE' });
    assert.equal(nowhere.body.error, 'channel_not_found');
    assert.equal((await apiJson(emu, 'canvases.create', { title: 'x' })).body.error, 'missing_scope');
  });
});
