import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { api, channelId, control } from './helpers.js';
import { spawnEmulator, stop } from './spawn.js';

const CHUNK = 64 * 1024;

/** A deterministic body of `size` bytes, produced chunk by chunk, and its sha256. */
function generated(size: number): { stream: ReadableStream<Uint8Array>; sha256: () => string } {
  const hash = createHash('sha256');
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= size) {
        controller.close();
        return;
      }
      const chunk = new Uint8Array(Math.min(CHUNK, size - sent)).fill(sent % 251);
      sent += chunk.byteLength;
      hash.update(chunk);
      controller.enqueue(chunk);
    },
  });
  return { stream, sha256: () => hash.digest('hex') };
}

async function uploadUrl(apiUrl: string, token: string, filename: string, length: number) {
  const res = await fetch(`${apiUrl}files.getUploadURLExternal`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ filename, length: String(length) }),
  });
  return (await res.json()) as { ok: boolean; upload_url: string; file_id: string };
}

function peakRssKb(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmHWM:\s+(\d+) kB/.exec(status);
    return m === null ? undefined : Number(m[1]);
  } catch {
    return undefined;
  }
}

describe('emulator: file uploads', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator();
  });
  after(async () => {
    await emu.close();
  });

  it('uploads a raw body, completes it and shares it into a channel thread', async () => {
    const general = channelId(emu, 'general');
    const parent = String((await api(emu, 'chat.postMessage', { channel: general, text: 'files below' })).body.ts);
    const content = Buffer.from('hello file\n');
    const url = await uploadUrl(emu.apiUrl, emu.tokens.bot, 'hello.txt', content.length);
    assert.equal(url.ok, true);
    assert.ok(url.upload_url.startsWith(emu.url));
    const put = await fetch(url.upload_url, { method: 'POST', body: content });
    assert.equal(put.status, 200);
    assert.equal(await put.text(), `OK - ${content.length}`);
    const done = await api(emu, 'files.completeUploadExternal', {
      files: JSON.stringify([{ id: url.file_id, title: 'Greeting' }]),
      channel_id: general,
      initial_comment: 'here you go',
      thread_ts: parent,
    });
    assert.equal(done.body.ok, true, JSON.stringify(done.body));
    const file = (done.body.files as { id: string; title: string; size: number; mimetype: string }[])[0];
    assert.equal(file?.id, url.file_id);
    assert.equal(file?.title, 'Greeting');
    assert.equal(file?.size, content.length);
    assert.equal(file?.mimetype, 'text/plain');
    const shared = emu.messages(general).at(-1) as { text: string; thread_ts: string; files: { id: string }[] };
    assert.equal(shared.text, 'here you go');
    assert.equal(shared.thread_ts, parent);
    assert.equal(shared.files[0]?.id, url.file_id);
    const state = await control(emu, 'GET', 'state');
    const record = (state.body.files as { id: string; sha256: string }[]).find((f) => f.id === url.file_id);
    assert.equal(record?.sha256, createHash('sha256').update(content).digest('hex'));
    const info = await api(emu, 'files.info', { file: url.file_id });
    assert.equal((info.body.file as { id: string }).id, url.file_id);
  });

  it('takes a multipart form like the official SDK sends', async () => {
    const content = Buffer.from('a,b\n1,2\n'.repeat(1000));
    const url = await uploadUrl(emu.apiUrl, emu.tokens.bot, 'data.csv', content.length);
    const form = new FormData();
    form.append('body', new Blob([content]), 'data.csv');
    assert.equal((await fetch(url.upload_url, { method: 'POST', body: form })).status, 200);
    const done = await api(emu, 'files.completeUploadExternal', { files: JSON.stringify([{ id: url.file_id }]) });
    assert.equal(done.body.ok, true);
  });

  it('refuses a body whose length differs from the announced one, and cannot complete it', async () => {
    const url = await uploadUrl(emu.apiUrl, emu.tokens.bot, 'short.bin', 100);
    const res = await fetch(url.upload_url, { method: 'POST', body: Buffer.alloc(99) });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /length mismatch/);
    const done = await api(emu, 'files.completeUploadExternal', { files: JSON.stringify([{ id: url.file_id }]) });
    assert.deepEqual(done.body, { ok: false, error: 'file_not_found' });
    assert.equal((await fetch(`${emu.url}_upload/F0NOPE`, { method: 'POST', body: 'x' })).status, 404);
  });

  it('checks the destination before sharing', async () => {
    const url = await uploadUrl(emu.apiUrl, emu.tokens.bot, 'x.txt', 1);
    await fetch(url.upload_url, { method: 'POST', body: 'x' });
    const done = await api(emu, 'files.completeUploadExternal', {
      files: JSON.stringify([{ id: url.file_id }]),
      channel_id: channelId(emu, 'ops'),
    });
    assert.deepEqual(done.body, { ok: false, error: 'not_in_channel' });
  });

  it('streams a 50 MB upload without holding it in memory', async () => {
    const { child, info } = await spawnEmulator();
    try {
      const warm = await uploadUrl(info.apiUrl, info.tokens.bot, 'warm.bin', 4 * CHUNK);
      const warmBody = generated(4 * CHUNK);
      await fetch(warm.upload_url, { method: 'POST', body: warmBody.stream, duplex: 'half' } as RequestInit);
      const before = peakRssKb(child.pid ?? 0);

      const size = 50 * 1024 * 1024;
      const url = await uploadUrl(info.apiUrl, info.tokens.bot, 'big.bin', size);
      const body = generated(size);
      const res = await fetch(url.upload_url, { method: 'POST', body: body.stream, duplex: 'half' } as RequestInit);
      assert.equal(res.status, 200);
      assert.equal(await res.text(), `OK - ${size}`);
      const state = (await (await fetch(`${info.url}_emulator/state`)).json()) as {
        files: { id: string; received: number; sha256: string }[];
      };
      const record = state.files.find((f) => f.id === url.file_id);
      assert.equal(record?.received, size);
      assert.equal(record?.sha256, body.sha256());

      const afterPeak = peakRssKb(child.pid ?? 0);
      if (before !== undefined && afterPeak !== undefined) {
        const grewMb = (afterPeak - before) / 1024;
        // Streaming peaks ~25 MB above the baseline (garbage chunks awaiting GC); buffering would add >= 50 MB.
        assert.ok(grewMb < 45, `peak RSS grew by ${grewMb.toFixed(1)} MB during a 50 MB upload`);
      }
    } finally {
      await stop(child);
    }
  });
});
