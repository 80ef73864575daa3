import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { type Emulator, type LoggedRequest, startEmulator } from '../../src/emulator/index.js';
import { api, control } from './helpers.js';

async function logged(emu: Emulator, since: number): Promise<LoggedRequest[]> {
  const res = await control(emu, 'GET', `requests?since=${since}`);
  assert.equal(res.status, 200);
  return res.body.requests as LoggedRequest[];
}

describe('emulator: the request log', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator();
  });
  after(async () => {
    await emu.close();
  });

  it('records path, verb, method, the token as its SHA-256 only, status and error', async () => {
    const seq = emu.nextRequestSeq;
    await api(emu, 'auth.test');
    await api(emu, 'chat.postMessage', { channel: 'C0NOPE', text: 'x' }, emu.tokens.user);
    await api(emu, 'api.test', {}, null);
    await fetch(`${emu.apiUrl}no.such.method`, { method: 'GET' });
    const entries = await logged(emu, seq);
    const digest = (t: string) => createHash('sha256').update(t).digest('hex');
    assert.deepEqual(
      entries.map((e) => [e.seq - seq, e.http_method, e.path, e.api_method, e.token_sha256, e.status, e.error]),
      [
        [0, 'POST', '/api/auth.test', 'auth.test', digest(emu.tokens.bot), 200, null],
        [1, 'POST', '/api/chat.postMessage', 'chat.postMessage', digest(emu.tokens.user), 200, 'channel_not_found'],
        [2, 'POST', '/api/api.test', 'api.test', null, 200, null],
        [3, 'GET', '/api/no.such.method', 'no.such.method', null, 200, 'unknown_method'],
      ],
    );
    const text = JSON.stringify(entries);
    for (const token of Object.values(emu.tokens)) assert.ok(!text.includes(token), 'a token is in the log');
    assert.deepEqual(await logged(emu, seq + 3), entries.slice(3));
  });

  it('keeps only the last 1000 requests, and refuses a malformed since', async () => {
    const first = emu.nextRequestSeq;
    for (let i = 0; i < 1010; i++) await api(emu, 'api.test', {}, null);
    const entries = await logged(emu, 0);
    assert.equal(entries.length, 1000);
    assert.equal(entries.at(-1)?.seq, first + 1009);
    assert.equal(entries[0]?.seq, first + 10);
    assert.equal((await control(emu, 'GET', 'requests?since=-1')).status, 400);
    assert.equal((await control(emu, 'GET', 'requests?since=abc')).status, 400);
  });
});
