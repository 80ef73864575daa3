// files.uploadV2 against the emulator: the three steps over real HTTP, several files in one call,
// and a 50 MB file from a path uploaded with flat memory (measured in a child process).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import * as undici from 'undici';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { InvalidArgumentError } from '../../src/http/errors.js';
import { undiciTransport } from '../../src/http/undici-transport.js';
import { WebClient } from '../../src/web/client.js';

const run = promisify(execFile);
let emu: Emulator;
let client: WebClient;
let general: string;
let dir: string;

before(async () => {
  emu = await startEmulator({ port: 0 });
  client = new WebClient(emu.tokens.bot, { slackApiUrl: emu.apiUrl });
  const list = await client.conversations.list();
  general = list.channels?.find((c) => c.name === 'general')?.id ?? '';
  dir = mkdtempSync(join(tmpdir(), 'slackline-upload-'));
});
after(async () => {
  client.core.close();
  await emu.close();
  rmSync(dir, { recursive: true, force: true });
});

// The three steps and the stream body through each transport that takes one: node:http and undici.
const UPLOADERS: [string, () => WebClient][] = [
  ['node:http', () => client],
  ['undici', () => new WebClient(emu.tokens.bot, { slackApiUrl: emu.apiUrl, transport: undiciTransport(undici) })],
];

for (const [name, uploader] of UPLOADERS)
  test(`several files in one call through ${name}: bytes, text content and a stream, shared in one message`, async () => {
    const client = uploader();
    const bytes = Buffer.from('binary \u0000 bytes');
    const streamed = Buffer.from('streamed '.repeat(1000));
    const result = await client.files.uploadV2({
      channel_id: general,
      initial_comment: 'three files',
      file_uploads: [
        { file: bytes, filename: 'a.bin' },
        { content: 'hello text', filename: 'b.txt' },
        { file: Readable.from([streamed]), length: streamed.length, filename: 'c.txt' },
      ],
    });
    assert.equal(result.files?.length, 3);
    const records = result.files!.map((f) => emu.state.files.get(f.id ?? ''));
    assert.deepEqual(
      records.map((r) => r?.sha256),
      [bytes, Buffer.from('hello text'), streamed].map((b) => createHash('sha256').update(b).digest('hex')),
    );
    assert.ok(records.every((r) => r?.completed && r.channels.includes(general)));
    if (name !== 'node:http') client.close();
  });

test('bad upload arguments are typed errors before any request', async () => {
  await assert.rejects(client.files.uploadV2({ channel_id: general }), InvalidArgumentError);
  await assert.rejects(
    client.files.uploadV2({ file: Readable.from([Buffer.from('x')]), channel_id: general }),
    InvalidArgumentError,
  );
  await assert.rejects(client.files.uploadV2({ file: join(dir, 'missing.bin'), channel_id: general }));
});

test('a 50 MB file from a path is streamed: the uploader’s memory stays flat', async (t) => {
  const path = join(dir, 'big.bin');
  const hash = createHash('sha256');
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < 50; i++) {
    chunk.fill(i);
    hash.update(chunk);
    writeSync(fd, chunk);
  }
  closeSync(fd);
  const child = new URL('fixtures/upload-child.js', import.meta.url).pathname;
  const { stdout } = await run(process.execPath, ['--expose-gc', child, emu.apiUrl, emu.tokens.bot, path, general], {
    timeout: 60_000,
  });
  const report = JSON.parse(stdout) as { files: { id: string }[]; heldMiB: number; rssMiB: number };
  const record = emu.state.files.get(report.files[0]?.id ?? '');
  assert.equal(record?.receivedLength, 50 * 1024 * 1024);
  assert.equal(record?.sha256, hash.digest('hex'));
  t.diagnostic(
    `memory held during the 50 MiB upload: +${report.heldMiB.toFixed(1)} MiB (RSS +${report.rssMiB.toFixed(1)} MiB)`,
  );
  // Holding the file would add 50 MiB or more; streaming adds a few buffers.
  assert.ok(report.heldMiB < 20, `memory held grew by ${report.heldMiB.toFixed(1)} MiB during a 50 MiB upload`);
});
