// The emulator runs next to the developer's browser: every case here is an attack a web page (or a
// rebinding DNS name) could mount against it, sent over real HTTP with the headers a browser would send.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { api, control } from './helpers.js';
import { receiver } from './oauth-helpers.js';

interface Answer {
  status: number;
  body: string;
}

/** Sends exactly these headers (fetch would not let a test set Host). */
function send(
  emu: Emulator,
  method: string,
  path: string,
  headers: Record<string, string>,
  body = '',
): Promise<Answer> {
  const url = new URL(emu.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const EVIL = 'http://attacker.example';

describe('emulator: the control API refuses what a web page could send', () => {
  let emu: Emulator;
  let own: string;
  before(async () => {
    emu = await startEmulator();
    own = new URL(emu.url).host;
  });
  after(async () => {
    await emu.close();
  });

  it('a cross-site form POST cannot rewrite the app (events URL, signing secret)', async () => {
    const before = emu.install.app();
    const form = 'events_url=http%3A%2F%2F127.0.0.1%3A9%2Fx&signing_secret=pwned';
    const attempts: Record<string, string>[] = [
      { host: own, origin: EVIL, 'sec-fetch-site': 'cross-site', 'content-type': 'application/x-www-form-urlencoded' },
      { host: own, origin: EVIL, 'content-type': 'application/json' },
      { host: own, 'sec-fetch-site': 'cross-site', 'content-type': 'application/json' },
      { host: own, origin: 'null', 'content-type': 'application/json' },
    ];
    for (const headers of attempts) {
      const res = await send(emu, 'POST', `/_emulator/apps/${before.id}`, headers, form);
      assert.equal(res.status, 403, JSON.stringify(headers));
      assert.equal(JSON.parse(res.body).error, 'cross_site_request');
    }
    const after = emu.install.app();
    assert.equal(after.eventsUrl, before.eventsUrl);
    assert.equal(after.signingSecret, before.signingSecret);
  });

  it('a text/plain (or form, or bodiless untyped) POST is refused: state changes are JSON only', async () => {
    emu.addFault({ kind: 'status', method: 'nothing.here' });
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '']) {
      const headers: Record<string, string> = { host: own };
      if (type !== '') headers['content-type'] = type;
      const res = await send(emu, 'POST', '/_emulator/reset', headers, type === '' ? '' : '{}');
      assert.equal(res.status, 415, type);
      assert.equal(JSON.parse(res.body).error, 'json_required');
    }
    assert.equal(((await control(emu, 'GET', 'faults')).body.rules as unknown[]).length, 1, 'reset must not have run');
    assert.equal((await control(emu, 'POST', 'reset')).status, 200);
  });

  it('a spoofed Host (DNS rebinding) cannot read secrets from /_emulator/info or the page', async () => {
    for (const host of [
      'attacker.example',
      `attacker.example:${new URL(emu.url).port}`,
      'localhost.attacker.example',
    ]) {
      // A rebound page is same-origin with itself: only Host tells it apart.
      const headers = { host, origin: `http://${host}`, 'sec-fetch-site': 'same-origin' };
      const info = await send(emu, 'GET', '/_emulator/info', headers);
      assert.equal(info.status, 403, host);
      assert.equal(JSON.parse(info.body).error, 'forbidden_host');
      for (const secret of [emu.clientSecret, emu.signingSecret, emu.tokens.bot, emu.tokens.user, emu.tokens.app]) {
        assert.ok(!info.body.includes(secret), `${host}: a secret leaked`);
      }
      assert.equal((await send(emu, 'GET', '/', headers)).status, 403);
      const reset = await send(emu, 'POST', '/_emulator/reset', { ...headers, 'content-type': 'application/json' });
      assert.equal(reset.status, 403);
    }
    for (const host of [own, `localhost:${new URL(emu.url).port}`, '[::1]:1', '127.0.0.1']) {
      const info = await send(emu, 'GET', '/_emulator/info', { host });
      assert.equal(info.status, 200, host);
      assert.equal(JSON.parse(info.body).signingSecret, emu.signingSecret);
    }
  });

  it('a configured host name is answered', async () => {
    const docker = await startEmulator({ allowedHosts: ['host.docker.internal'] });
    try {
      assert.equal((await send(docker, 'GET', '/_emulator/info', { host: 'host.docker.internal:1' })).status, 200);
      assert.equal((await send(docker, 'GET', '/_emulator/info', { host: 'other.internal' })).status, 403);
    } finally {
      await docker.close();
    }
  });

  it('refuses events URLs off the machine (no request forgery into the network)', async () => {
    for (const url of [
      'http://10.0.0.1/events',
      'http://example.com/',
      'http://192.168.1.1:8080/',
      'http://[fe80::1]/',
    ]) {
      const res = await control(emu, 'POST', `apps/${emu.install.app().id}`, { events_url: url });
      assert.equal(res.status, 400, url);
      assert.match(String(res.body.detail), /loopback/);
      assert.equal(emu.install.app().eventsUrl, undefined);
    }
    await assert.rejects(startEmulator({ app: { eventsUrl: 'http://10.1.2.3/' } }), /loopback/);
    const ok = await control(emu, 'POST', `apps/${emu.install.app().id}`, { events_url: 'http://localhost:9/e' });
    assert.equal(ok.status, 200);
    await control(emu, 'POST', 'reset');
  });

  it('values that would reach a header are refused at the door, and the process stays up', async () => {
    for (const contentType of ['text/html\r\nset-cookie: a=b', 'text/plain; x=\n', 'text/plain; ā', 'a'.repeat(300)]) {
      const res = await control(emu, 'POST', 'faults', { kind: 'status', contentType });
      assert.equal(res.status, 400, JSON.stringify(contentType));
      assert.throws(() => emu.addFault({ kind: 'malformed', contentType }), /printable ASCII/);
    }
    for (const scopes of [['chat:write\n'], ['chat:write', 'x\r\ny'], ['ā'], 'chat:write,ā']) {
      const res = await control(emu, 'POST', 'tokens', { type: 'bot', scopes });
      assert.equal(res.status, 400, JSON.stringify(scopes));
    }
    assert.throws(() => emu.issueToken({ type: 'bot', scopes: ['a\nb'] }), /not a scope name/);
    const app = await control(emu, 'POST', 'apps', { bot_scopes: ['chat:write', 'x\ny'] });
    assert.equal(app.status, 400);
    assert.equal((await api(emu, 'auth.test')).body.ok, true, 'the emulator must still answer');
  });

  it('a control body over 1 MiB is refused with 413', async () => {
    const res = await send(
      emu,
      'POST',
      '/_emulator/seed',
      { host: own, 'content-type': 'application/json' },
      `{"x":"${'a'.repeat(2 * 1024 * 1024)}"}`,
    );
    assert.equal(res.status, 413);
    assert.equal((await api(emu, 'auth.test')).body.ok, true);
  });

  for (const [path, expected] of [
    ['/link/', 401],
    ['/other/', 404],
  ] as const) {
    it(`an upgrade request without a ticket (${path}) is refused with ${expected}, not left hanging`, async () => {
      const url = new URL(emu.url);
      const status = await new Promise<number>((resolve, reject) => {
        const req = request({
          host: url.hostname,
          port: url.port,
          path,
          headers: {
            connection: 'Upgrade',
            upgrade: 'websocket',
            'sec-websocket-version': '13',
            'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
          },
        });
        req.on('response', (res) => resolve(res.statusCode ?? 0));
        req.on('upgrade', () => reject(new Error('an upgrade without a ticket must not be accepted')));
        req.on('error', reject);
        req.end();
      });
      assert.equal(status, expected);
    });
  }
});

describe('emulator: url_verification counts only when the app echoes the challenge', () => {
  it('an empty 200 fails; the echoed challenge delivers', async () => {
    const silent = await receiver(() => ({ status: 200, echoChallenge: false }));
    const echoing = await receiver();
    const emu = await startEmulator({ app: { eventsUrl: silent.url } });
    try {
      await control(emu, 'POST', 'events', { type: 'url_verification' });
      await emu.install.deliveriesIdle();
      const failed = emu.install.deliveries().at(-1);
      assert.equal(failed?.state, 'failed');
      assert.equal(failed?.attempts.length, 1, 'Slack does not retry a failed verification');
      assert.equal(failed?.attempts[0]?.reason, 'challenge_failed');
      await control(emu, 'POST', `apps/${emu.install.app().id}`, { events_url: echoing.url });
      await control(emu, 'POST', 'events', { type: 'url_verification' });
      await emu.install.deliveriesIdle();
      assert.equal(emu.install.deliveries().at(-1)?.state, 'delivered');
    } finally {
      await emu.close();
      await silent.close();
      await echoing.close();
    }
  });
});

describe('emulator: request deadlines', () => {
  it('closes a request whose body never finishes arriving', async () => {
    const emu = await startEmulator({ requestTimeoutMs: 500 });
    try {
      const url = new URL(emu.url);
      const socket = connect(Number(url.port), url.hostname);
      let answer = '';
      socket.on('data', (chunk: Buffer) => {
        answer += chunk.toString('latin1');
      });
      const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
      socket.write(
        `POST /_emulator/seed HTTP/1.1\r\nHost: ${url.host}\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{`,
      );
      const timer = setTimeout(() => socket.destroy(new Error('still open after 10 s')), 10_000);
      await closed;
      clearTimeout(timer);
      assert.match(answer, /^HTTP\/1\.1 408 /);
    } finally {
      await emu.close();
    }
  });
});
