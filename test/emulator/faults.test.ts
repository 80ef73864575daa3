import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { api, channelId, control } from './helpers.js';

function authTest(emu: Emulator, init: RequestInit = {}): Promise<Response> {
  return fetch(`${emu.apiUrl}auth.test`, {
    method: 'POST',
    headers: { authorization: `Bearer ${emu.tokens.bot}` },
    ...init,
  });
}

function post(emu: Emulator, text: string): Promise<Response> {
  return fetch(`${emu.apiUrl}chat.postMessage`, {
    method: 'POST',
    headers: { authorization: `Bearer ${emu.tokens.bot}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ channel: channelId(emu, 'general'), text }),
  });
}

describe('emulator: fault injection', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator();
  });
  beforeEach(async () => {
    await control(emu, 'POST', 'reset');
  });
  after(async () => {
    await emu.close();
  });

  it('status: answers an HTML 502 page, then recovers after `times`', async () => {
    await control(emu, 'POST', 'faults', { method: 'auth.test', kind: 'status', status: 502, times: 1 });
    const bad = await authTest(emu);
    assert.equal(bad.status, 502);
    assert.match(bad.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await bad.text(), /Bad Gateway/);
    assert.equal((await authTest(emu)).status, 200);
  });

  it('ratelimit: 429 with Retry-After and Slack’s body', async () => {
    await control(emu, 'POST', 'faults', { kind: 'ratelimit', retryAfter: 7, times: 1 });
    const res = await authTest(emu);
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('retry-after'), '7');
    assert.deepEqual(await res.json(), { ok: false, error: 'ratelimited' });
  });

  it('delay: answers after the given time', async () => {
    await control(emu, 'POST', 'faults', { method: 'auth.test', kind: 'delay', ms: 300, times: 1 });
    const started = Date.now();
    const res = await authTest(emu);
    assert.equal(((await res.json()) as { ok: boolean }).ok, true);
    assert.ok(Date.now() - started >= 280);
  });

  it('hang: never answers (the client times out), and the server keeps serving', async () => {
    await control(emu, 'POST', 'faults', { method: 'auth.test', kind: 'hang', times: 1 });
    await assert.rejects(authTest(emu, { signal: AbortSignal.timeout(300) }), (e: Error) =>
      /abort|timeout/i.test(e.name),
    );
    assert.equal((await authTest(emu)).status, 200);
  });

  it('drop: the connection closes before an answer and nothing is applied', async () => {
    await control(emu, 'POST', 'faults', { method: 'chat.postMessage', kind: 'drop', times: 1 });
    await assert.rejects(post(emu, 'dropped'));
    assert.equal(emu.messages('general').length, 0);
  });

  it('reset_after_apply: the message is stored but the client gets no answer', async () => {
    await control(emu, 'POST', 'faults', { method: 'chat.postMessage', kind: 'reset_after_apply', times: 1 });
    await assert.rejects(post(emu, 'applied'));
    assert.deepEqual(
      emu.messages('general').map((m) => m.text),
      ['applied'],
    );
  });

  it('malformed: 200 with a body that is not JSON', async () => {
    await control(emu, 'POST', 'faults', { kind: 'malformed', times: 1 });
    const res = await authTest(emu);
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.throws(() => JSON.parse(text) as unknown);
  });

  it('truncated: Content-Length promises more than is sent', async () => {
    await control(emu, 'POST', 'faults', { method: 'auth.test', kind: 'truncated', times: 1 });
    const res = await authTest(emu);
    assert.equal(res.status, 200);
    assert.ok(Number(res.headers.get('content-length')) > 0);
    await assert.rejects(res.text());
  });

  it('matches by method, counts `times`, lists rules and clears them with DELETE', async () => {
    await control(emu, 'POST', 'faults', {
      rules: [
        { method: 'chat.postMessage', kind: 'status', status: 503 },
        { method: '*', kind: 'ratelimit', times: 2 },
      ],
    });
    assert.equal((await post(emu, 'x')).status, 503);
    assert.equal((await authTest(emu)).status, 429);
    assert.equal((await authTest(emu)).status, 429);
    assert.equal((await authTest(emu)).status, 200);
    assert.equal(((await control(emu, 'GET', 'faults')).body.rules as unknown[]).length, 1);
    await control(emu, 'DELETE', 'faults');
    assert.equal((await post(emu, 'x')).status, 200);
  });

  it('refuses fault rules it does not understand', async () => {
    const res = await control(emu, 'POST', 'faults', { kind: 'explode' });
    assert.equal(res.status, 400);
    assert.equal(res.body.ok, false);
    const bad = await control(emu, 'POST', 'faults', { kind: 'status', status: 'x' });
    assert.equal(bad.status, 400);
  });

  it('maps transport faults onto the fetch handler too', async () => {
    emu.addFault({ method: 'auth.test', kind: 'drop', times: 1 });
    const request = () =>
      new Request(`${emu.apiUrl}auth.test`, { method: 'POST', headers: { authorization: `Bearer ${emu.tokens.bot}` } });
    await assert.rejects(emu.fetch(request()), TypeError);
    emu.addFault({ method: 'auth.test', kind: 'hang', times: 1 });
    const controller = new AbortController();
    const pending = emu.fetch(
      new Request(`${emu.apiUrl}auth.test`, {
        method: 'POST',
        headers: { authorization: `Bearer ${emu.tokens.bot}` },
        signal: controller.signal,
      }),
    );
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(pending);
    assert.equal((await api(emu, 'auth.test')).body.ok, true);
  });
});
