// Writes are never repeated when Slack may have applied them; reads survive injected failures.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { RequestError } from '../../src/http/errors.js';
import type { WebClient } from '../../src/web/index.js';
import { control } from '../emulator/helpers.js';
import { type Rig, rig, trackUnhandled } from './rate-helpers.js';

const unhandled = trackUnhandled();

/** Runs `count` tasks, `width` at a time. */
async function pool(count: number, width: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

interface PostOutcome {
  sent: Set<string>;
  unknown: Set<string>;
  other: unknown[];
}

async function postMany(client: WebClient, channel: string, prefix: string, count: number): Promise<PostOutcome> {
  const out: PostOutcome = { sent: new Set(), unknown: new Set(), other: [] };
  await pool(count, 20, async (i) => {
    const text = `${prefix}-${i}`;
    try {
      await client.chat.postMessage({ channel, text });
      out.sent.add(text);
    } catch (error) {
      if (error instanceof RequestError && error.mayHaveBeenReceived) out.unknown.add(text);
      else out.other.push(error);
    }
  });
  return out;
}

function countTexts(r: Rig, channel: string, prefix: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of r.emu.messages(channel)) {
    const text = String(m.text);
    if (text.startsWith(`${prefix}-`)) counts.set(text, (counts.get(text) ?? 0) + 1);
  }
  return counts;
}

describe('no duplicates, and reads that always complete', () => {
  let r: Rig;
  before(async () => {
    // Backoff runs on a clock 50x faster than real time, so the retries cost little test time.
    r = await rig(50);
  });
  beforeEach(async () => {
    await control(r.emu, 'POST', 'reset');
  });
  after(async () => {
    await r.close();
    assert.equal(unhandled.count, 0, 'unhandled rejections');
  });

  it('1,000 posts with 10% resets after apply: Slack holds each reported post once, 0 duplicates', async () => {
    const general = r.channel('general');
    await control(r.emu, 'POST', 'faults', { method: 'chat.postMessage', kind: 'reset_after_apply', rate: 0.1 });
    const client = r.client({ rateLimits: false });
    const out = await postMany(client, general, 'safe', 1000);
    const counts = countTexts(r, general, 'safe');
    assert.deepEqual(out.other, []);
    assert.equal(out.sent.size + out.unknown.size, 1000);
    assert.ok(out.unknown.size > 40 && out.unknown.size < 200, `${out.unknown.size} resets`);
    for (const text of out.sent) assert.equal(counts.get(text), 1, `${text} reported sent`);
    // What the client could not confirm was applied once (the fault resets after applying), never twice.
    for (const text of out.unknown) assert.equal(counts.get(text), 1, `${text} unknown outcome`);
    assert.equal([...counts.values()].filter((n) => n > 1).length, 0, 'duplicates');
    assert.equal(counts.size, 1000);
    assert.equal(client.core.events.stats.retries, 0);
  });

  it('with retryWrites opted in, the same faults post duplicates: the price of the opt-in', async () => {
    const general = r.channel('general');
    await control(r.emu, 'POST', 'faults', { method: 'chat.postMessage', kind: 'reset_after_apply', rate: 0.1 });
    const client = r.client({ rateLimits: false, retryWrites: true });
    const out = await postMany(client, general, 'optin', 300);
    const counts = countTexts(r, general, 'optin');
    const duplicated = [...counts.values()].filter((n) => n > 1).length;
    assert.equal(out.sent.size, 300, 'every post eventually confirmed');
    assert.equal(counts.size, 300);
    assert.ok(duplicated > 0, 'opt-in retries repeat posts Slack had applied');
    assert.equal(duplicated, client.core.events.stats.retries - countRepeatRetries(counts));
  });

  it('reads complete 100% under 20% injected 5xx and dropped connections', async () => {
    await control(r.emu, 'POST', 'faults', {
      rules: [
        { kind: 'status', status: 503, rate: 0.1 },
        { kind: 'drop', rate: 0.1 / 0.9 },
      ],
    });
    const client = r.client({ rateLimits: false });
    const general = r.channel('general');
    let ok = 0;
    await pool(1000, 20, async (i) => {
      const res = i % 2 === 0 ? await client.conversations.info({ channel: general }) : await client.auth.test();
      if (res.ok) ok += 1;
    });
    assert.equal(ok, 1000);
    const { retries } = client.core.events.stats;
    assert.ok(retries > 100, `${retries} retries`);
  });
});

/** Retries beyond the first for one post (a post reset twice is 3 copies from 2 retries). */
function countRepeatRetries(counts: Map<string, number>): number {
  let extra = 0;
  for (const n of counts.values()) if (n > 2) extra += n - 2;
  return extra;
}
