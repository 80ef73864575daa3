import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { api } from './helpers.js';

interface Raw {
  status: number;
  body: string;
  socketPort: number | undefined;
}

/** A request over node:http with the path sent exactly as given (fetch would normalize `../`). */
function raw(
  emu: Emulator,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Buffer; agent?: Agent } = {},
): Promise<Raw> {
  const url = new URL(emu.url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path,
        method: init.method ?? 'POST',
        headers: init.headers,
        agent: init.agent,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            socketPort: req.socket?.localPort,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describe('emulator: bad input never crashes the server', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator();
  });
  after(async () => {
    await emu.close();
  });

  async function alive(): Promise<void> {
    assert.equal((await api(emu, 'auth.test')).body.ok, true);
  }

  it('answers invalid_json for a malformed JSON body', async () => {
    const res = await fetch(`${emu.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${emu.tokens.bot}` },
      body: '{"channel": ',
    });
    assert.deepEqual(await res.json(), { ok: false, error: 'invalid_json' });
    const arr = await fetch(`${emu.apiUrl}auth.test`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '[1]',
    });
    assert.deepEqual(await arr.json(), { ok: false, error: 'invalid_json' });
    await alive();
  });

  it('answers 413 for a body over 1 MiB', async () => {
    const res = await raw(emu, '/api/chat.postMessage', { headers: FORM, body: Buffer.alloc(2 * 1024 * 1024, 0x61) });
    assert.equal(res.status, 413);
    assert.equal((JSON.parse(res.body) as { ok: boolean }).ok, false);
    await alive();
  });

  it('answers unknown_method for weird method names', async () => {
    for (const name of ['../x', 'a:b', '%zz', '', 'a/b/c', '<script>', 'x'.repeat(5000)]) {
      const res = await raw(emu, `/api/${name}`, { headers: FORM, body: 'a=b' });
      assert.equal(res.status, 200, name);
      assert.equal((JSON.parse(res.body) as { error: string }).error, 'unknown_method', name);
    }
    assert.equal((await raw(emu, '/nowhere', { method: 'GET' })).status, 404);
    assert.equal((await raw(emu, '/_emulator/nowhere', { method: 'GET' })).status, 404);
    await alive();
  });

  it('reads multipart/form-data bodies like form bodies', async () => {
    const form = new FormData();
    form.append('channel', 'general');
    form.append('text', 'sent as multipart');
    const res = await fetch(`${emu.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${emu.tokens.bot}` },
      body: form,
    });
    assert.equal(((await res.json()) as { ok: boolean }).ok, true);
    assert.equal(emu.messages('general').at(-1)?.text, 'sent as multipart');
  });

  it('answers Slack’s errors for unusable content types and form data', async () => {
    const type = await raw(emu, '/api/auth.test', { headers: { 'content-type': 'text/xml' }, body: '<a/>' });
    assert.equal((JSON.parse(type.body) as { error: string }).error, 'invalid_post_type');
    const multipart = await raw(emu, '/api/auth.test', {
      headers: { 'content-type': 'multipart/form-data; boundary=zzz' },
      body: '--zzz\r\nContent-Disposition: form-data; name="a"\r\n\r\nunterminated',
    });
    assert.equal((JSON.parse(multipart.body) as { error: string }).error, 'invalid_form_data');
    const charset = await raw(emu, '/api/auth.test', {
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=klingon' },
      body: 'a=b',
    });
    assert.equal((JSON.parse(charset.body) as { error: string }).error, 'invalid_charset');
    await alive();
  });

  it('survives sockets that die mid-request and garbage on the wire', async () => {
    const url = new URL(emu.url);
    await new Promise<void>((resolve) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.write('POST /api/chat.postMessage HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nchannel=');
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 20);
      });
    });
    await new Promise<void>((resolve) => {
      const socket = connect(Number(url.port), url.hostname, () => socket.write('\x00\x01 NOT HTTP\r\n\r\n'));
      socket.on('data', () => {});
      socket.on('close', () => resolve());
      socket.on('error', () => resolve());
    });
    await alive();
  });

  it('keeps connections alive between calls', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const a = await raw(emu, '/api/api.test', { headers: FORM, body: 'x=1', agent });
      const b = await raw(emu, '/api/api.test', { headers: FORM, body: 'x=2', agent });
      assert.equal(a.status, 200);
      assert.equal(a.socketPort, b.socketPort, 'the second call reused the socket');
    } finally {
      agent.destroy();
    }
  });

  it('escapes everything on the HTML page and never shows tokens', async () => {
    await api(emu, 'chat.postMessage', { channel: 'general', text: '<script>alert(1)</script> & "q"' });
    const page = await (await fetch(emu.url)).text();
    assert.ok(page.includes('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot;'));
    assert.ok(!page.includes('<script>'));
    assert.ok(!page.includes(emu.tokens.bot) && !page.includes(emu.tokens.user));
  });
});
