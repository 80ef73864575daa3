// The emulator enforces Slack's limits as Slack keys them, on its (optionally scaled) clock.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { api, channelId, control } from './helpers.js';

describe('emulator: rate limits', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator({ rateLimits: true });
  });
  beforeEach(async () => {
    await control(emu, 'POST', 'reset');
  });
  after(async () => {
    await emu.close();
  });

  it('a Tier 2 method: its minute’s 20 (and one to spare) at once, then 429 with Retry-After; other methods and teams unaffected', async () => {
    const statuses: number[] = [];
    // The clock nearly stopped, so that a slow machine does not refill a token mid-test.
    await control(emu, 'POST', 'clock', { scale: 0.01 });
    for (let i = 0; i < 23; i++) statuses.push((await api(emu, 'conversations.list')).status);
    await control(emu, 'POST', 'clock', { scale: 1 });
    assert.deepEqual(statuses, [...Array(21).fill(200), 429, 429]);
    const limited = await api(emu, 'conversations.list');
    assert.equal(limited.body.error, 'ratelimited');
    // 20 a minute: the next call in about 3 s.
    assert.equal(limited.headers.get('retry-after'), '3');
    assert.equal((await api(emu, 'conversations.info', { channel: channelId(emu, 'general') })).status, 200);
    const other = emu.seed({ workspaces: [{ name: 'other' }] }).workspaces[0];
    assert.equal((await api(emu, 'conversations.list', {}, String(other?.bot_token))).status, 200);
    assert.ok(emu.rateLimits.limited >= 3);
  });

  it('chat.postMessage is limited per channel', async () => {
    const general = channelId(emu, 'general');
    const random = channelId(emu, 'random');
    const post = (channel: string) => api(emu, 'chat.postMessage', { channel, text: 'x' });
    const first: number[] = [];
    for (let i = 0; i < 5; i++) first.push((await post(general)).status);
    assert.deepEqual(first, [200, 200, 200, 200, 429]);
    assert.equal((await post(random)).status, 200);
    // A 429 applies nothing.
    assert.equal(emu.messages(general).filter((m) => m.text === 'x').length, 4);
  });

  it('the buckets refill on the emulator clock (moved through the control API)', async () => {
    for (let i = 0; i < 21; i++) await api(emu, 'conversations.list');
    assert.equal((await api(emu, 'conversations.list')).status, 429);
    await control(emu, 'POST', 'clock', { advance_ms: 3000 });
    assert.equal((await api(emu, 'conversations.list')).status, 200);
  });

  it('limits are overridable, can answer with an HTTP-date, and can be switched off', async () => {
    const res = await control(emu, 'POST', 'rate-limits', {
      format: 'date',
      limits: { 'auth.test': { perMinute: 6, burst: 1 } },
    });
    assert.equal(res.status, 200);
    assert.equal((await api(emu, 'auth.test')).status, 200);
    const limited = await api(emu, 'auth.test');
    assert.equal(limited.status, 429);
    const at = Date.parse(limited.headers.get('retry-after') ?? '');
    assert.ok(at - Date.now() > 8000 && at - Date.now() <= 11_000, 'about 10 s from now');
    assert.equal((await control(emu, 'POST', 'rate-limits', { limits: { x: { perMinute: -1 } } })).status, 400);
    await control(emu, 'POST', 'rate-limits', { enabled: false });
    assert.equal((await api(emu, 'auth.test')).status, 200);
    await control(emu, 'POST', 'rate-limits', { enabled: true });
  });

  it('a scaled clock: a minute of Slack time in a fraction of a second', async () => {
    const res = await control(emu, 'POST', 'clock', { scale: 600 });
    assert.equal(res.body.scale, 600);
    try {
      const t0 = emu.clock.now();
      await new Promise((r) => setTimeout(r, 100));
      assert.ok(emu.clock.now() - t0 >= 59_000);
    } finally {
      await control(emu, 'POST', 'clock', { scale: 1 });
    }
    assert.equal((await control(emu, 'POST', 'clock', { scale: 0 })).status, 400);
  });

  it('faults take a rate: roughly that share of matching calls is affected', async () => {
    await control(emu, 'POST', 'rate-limits', { enabled: false });
    try {
      await control(emu, 'POST', 'faults', { method: 'auth.test', kind: 'status', status: 503, rate: 0.3 });
      let failed = 0;
      for (let i = 0; i < 200; i++)
        if ((await fetch(`${emu.apiUrl}auth.test`, { method: 'POST' })).status === 503) failed++;
      assert.ok(failed > 20 && failed < 100, `${failed} of 200`);
      assert.equal((await control(emu, 'POST', 'faults', { kind: 'drop', rate: 2 })).status, 400);
    } finally {
      await control(emu, 'POST', 'rate-limits', { enabled: true });
    }
  });
});
