// The in-process de-dup store against a plain model of its rules (a list of claims in claim order):
// random claims, re-claims, releases and clock moves, with ids of every length (none, Slack's,
// hundreds of characters, outside Latin-1) so that its arrays grow, wrap around and compact. Every
// answer and every size is compared, one operation at a time.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { REPLAY_WINDOW_MS } from '../../src/events/dedupe.js';
import { MemoryDedupeStore } from '../../src/events/memory-dedupe.js';
import { prng } from '../helpers/prng.js';

const HOUR = 3_600_000;

/** The store's rules, written as plainly as they read in its doc comment. */
class Model {
  readonly claims: { id: string; at: number; until: number; live: boolean }[] = [];
  constructor(readonly maxEntries: number) {}

  get size(): number {
    return this.claims.filter((c) => c.live).length;
  }

  claim(id: string, ttlMs: number, now: number): boolean {
    const held = this.claims.find((c) => c.live && c.id === id);
    if (held !== undefined) {
      if (held.until > now) return false;
      held.live = false;
    }
    while (this.claims.length > 0) {
      const oldest = this.claims[0]!;
      if (oldest.live) {
        const replayable = oldest.at > now - REPLAY_WINDOW_MS;
        if (oldest.until > now && (this.size < this.maxEntries || replayable)) break;
        oldest.live = false;
      }
      this.claims.shift();
    }
    this.claims.push({ id, at: now, until: now + ttlMs, live: true });
    return true;
  }

  release(id: string): void {
    const held = this.claims.find((c) => c.live && c.id === id);
    if (held !== undefined) held.live = false;
  }
}

function idsFor(random: () => number, count: number, wide: boolean): string[] {
  const ids = new Set<string>(['']);
  while (ids.size < count) {
    const kind = random();
    const length =
      kind < 0.6
        ? 10 + Math.floor(random() * 27)
        : kind < 0.9
          ? Math.floor(random() * 4)
          : 100 + Math.floor(random() * 400);
    let id = '';
    for (let i = 0; i < length; i++) {
      // Mostly Slack's alphabet; now and then (or, for `wide`, only) a character outside Latin-1 or a lone surrogate.
      const r = wide ? 0.92 : random();
      id += String.fromCharCode(
        r < 0.9
          ? 48 + Math.floor(random() * 43)
          : r < 0.95
            ? 0x4e00 + Math.floor(random() * 500)
            : 0xd800 + Math.floor(random() * 8),
      );
    }
    ids.add(id);
  }
  return [...ids];
}

for (const { seed, maxEntries, ids, ops, wide } of [
  { seed: 1, maxEntries: 5, ids: 40, ops: 20_000, wide: false },
  { seed: 2, maxEntries: 64, ids: 300, ops: 20_000, wide: false },
  { seed: 3, maxEntries: 2_000, ids: 6_000, ops: 30_000, wide: false },
  // Two bytes a character, in arrays that stay nearly full.
  { seed: 4, maxEntries: 3, ids: 50, ops: 20_000, wide: true },
]) {
  const what = `${maxEntries} entries, ${ids} ${wide ? 'ids past Latin-1' : 'ids'}, seed ${seed}`;
  test(`the memory de-dup store answers as its rules say (${what})`, async () => {
    const random = prng(seed);
    const pool = idsFor(random, ids, wide);
    const store = new MemoryDedupeStore(maxEntries);
    const model = new Model(maxEntries);
    let now = 1_700_000_000_000;
    for (let op = 0; op < ops; op++) {
      const r = random();
      const id = pool[Math.floor(random() * pool.length)]!;
      if (r < 0.03) {
        await store.release(id);
        model.release(id);
      } else if (r < 0.05) {
        now += random() < 0.5 ? Math.floor(random() * 2_000) : REPLAY_WINDOW_MS * random() * 1.5;
      } else {
        const ttl = [50, 1_000, HOUR][Math.floor(random() * 3)]!;
        const expected = model.claim(id, ttl, now);
        assert.equal(store.claimNow(id, ttl, now), expected, `op ${op}: claim of an id of ${id.length} characters`);
      }
      now += Math.floor(random() * 3);
      assert.equal(store.size, model.size, `op ${op}: size`);
    }
  });
}

test('the memory de-dup store keeps 100,000 ids through growth and answers each exactly', () => {
  // Sized for 1,000: all 100,000 are claimed at one time, inside the replay window, so all are kept and
  // its arrays double seven times.
  const store = new MemoryDedupeStore(1_000);
  const now = Date.now();
  const id = (i: number) => `0000000${i.toString(16)}-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
  for (let i = 0; i < 100_000; i++) assert.equal(store.claimNow(id(i), HOUR, now), true, `claim ${i}`);
  for (let i = 0; i < 100_000; i++) assert.equal(store.claimNow(id(i), HOUR, now + 1), false, `duplicate ${i}`);
  assert.equal(store.claimNow(`${id(5)}x`, HOUR, now), true, 'a longer id sharing a prefix is its own');
  assert.equal(store.size, 100_001);
});

test('a store at its bound stays the size it was however many ids pass through it', () => {
  for (const char of ['e', '\u4e00']) {
    const store = new MemoryDedupeStore(3);
    const before = store.bytes;
    let now = 1_700_000_000_000;
    // Each id expires before the next claim, so the store holds one or two at a time: 200,000 ids of
    // 40 characters pass through arrays sized for a few.
    for (let i = 0; i < 200_000; i++, now += 2)
      assert.equal(store.claimNow(`${char.repeat(30)}${i}`.padEnd(40, char), 1, now), true);
    assert.ok(store.bytes <= 4 * before, `${char}: its arrays grew from ${before} to ${store.bytes} bytes`);
  }
});
