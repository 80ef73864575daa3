// The in-process de-dup store: every claimed id, in claim order, copied into typed arrays.
// Ids are kept as bytes, not as strings: a store of 100,000 ids held as strings (in a Map, as this
// store was) is 100,000 heap objects that scavenges copy and then promote (3.6 MiB promoted over
// 32,000 claims, measured: test/http/churn.test.ts), and a Map that outgrows its table rebuilds it in
// one go (6-12 ms at 65,536 or 131,072 ids, measured). Here an id costs the collector nothing, the answer is exact (the
// bytes are compared), and growing copies flat arrays.
import { InvalidArgumentError } from '../http/errors.js';
import { fnv1a } from '../http/fnv.js';
import { type EventDedupeStore, REPLAY_WINDOW_MS } from './dedupe.js';

/**
 * The most claims the first arrays have room for: they are sized for `maxEntries` up to this (the
 * memory is only touched as claims fill it), so a store does not stop to grow while it fills to its
 * bound (doubling takes 5-12 ms at 131,072 claims, measured); past this, they double as needed.
 */
const MAX_FIRST_CAPACITY = 1 << 17;
/** Bytes the first arrays have room for per claim (a power of two; Slack's event and envelope ids: 10-36 characters). */
const BYTES_PER_CLAIM = 32;
/** Flags of a claim. */
const LIVE = 1;
/** Its id has a character past Latin-1, so each character takes two bytes (low byte first). */
const WIDE = 2;

/**
 * One process only: the default. Bounded to `maxEntries`, except that a live id claimed within the
 * replay window is never evicted to make room: only signed requests add ids, so Slack's own rate
 * bounds the excess. (The events handler refuses a TTL shorter than that window.)
 */
export class MemoryDedupeStore implements EventDedupeStore {
  // A ring of claims in claim order (the oldest at #head), their ids' bytes in a ring of their own
  // (#bytes, in the same order, each id's after the one before), and an open-addressing index from
  // an id's hash to its claim. A released or superseded claim stays in the rings, dead, until the
  // head passes it.
  #until: Float64Array;
  #at: Float64Array;
  #hash: Int32Array;
  #offset: Int32Array;
  /** The id's length in characters (its bytes: twice that when WIDE). */
  #length: Int32Array;
  #flags: Uint8Array;
  /** Ring position of the oldest claim (its slot: `& (capacity - 1)`), and of the next one. */
  #head = 0;
  #tail = 0;
  /** Live claims (the ring also holds dead ones). */
  #size = 0;
  #bytes: Uint8Array;
  /** Where the next id's bytes go, and how many bytes the ring's claims hold. */
  #bytesTail = 0;
  #bytesUsed = 0;
  /** slot + 1 of a live claim, or 0; linear probing, at most half full. */
  #index: Int32Array;
  /** Per store, so that which ids share a probe sequence cannot be known from outside. */
  readonly #seed = (Math.random() * 0x100000000) | 0;

  constructor(readonly maxEntries = 10_000) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new InvalidArgumentError('MemoryDedupeStore: maxEntries must be a positive integer');
    }
    let capacity = 1;
    while (capacity < Math.min(maxEntries, MAX_FIRST_CAPACITY)) capacity *= 2;
    this.#until = new Float64Array(capacity);
    this.#at = new Float64Array(capacity);
    this.#hash = new Int32Array(capacity);
    this.#offset = new Int32Array(capacity);
    this.#length = new Int32Array(capacity);
    this.#flags = new Uint8Array(capacity);
    this.#bytes = new Uint8Array(capacity * BYTES_PER_CLAIM);
    this.#index = new Int32Array(capacity * 2);
  }

  async claim(eventId: string, ttlMs: number, now: number): Promise<boolean> {
    return this.claimNow(eventId, ttlMs, now);
  }

  /** `claim()` without the promise, for callers in this process that want the answer at once. */
  claimNow(eventId: string, ttlMs: number, now: number): boolean {
    const hash = this.#hashOf(eventId);
    const held = this.#find(eventId, hash);
    if (held !== -1) {
      if (this.#until[held]! > now) return false;
      this.#forget(held);
    }
    this.#evict(now);
    this.#append(eventId, hash, now, now + ttlMs);
    return true;
  }

  async release(eventId: string): Promise<void> {
    const held = this.#find(eventId, this.#hashOf(eventId));
    if (held !== -1) this.#forget(held);
  }

  /** How many ids are held (tests, metrics). */
  get size(): number {
    return this.#size;
  }

  /** Bytes its arrays take (metrics, tests): what the store costs, whatever ids it holds. */
  get bytes(): number {
    return [
      this.#until,
      this.#at,
      this.#hash,
      this.#offset,
      this.#length,
      this.#flags,
      this.#bytes,
      this.#index,
    ].reduce((sum, array) => sum + array.byteLength, 0);
  }

  async close(): Promise<void> {}

  /** Drops claims from the oldest on, while dead, expired or (past the size bound) no longer replayable. */
  #evict(now: number): void {
    const mask = this.#flags.length - 1;
    while (this.#head !== this.#tail) {
      const slot = this.#head & mask;
      if ((this.#flags[slot]! & LIVE) !== 0) {
        const until = this.#until[slot]!;
        if (until > now && (this.#size < this.maxEntries || this.#at[slot]! > now - REPLAY_WINDOW_MS)) return;
        this.#forget(slot);
      }
      this.#bytesUsed -= this.#length[slot]! * ((this.#flags[slot]! & WIDE) !== 0 ? 2 : 1);
      this.#head++;
    }
  }

  #append(id: string, hash: number, now: number, until: number): void {
    const length = id.length;
    let wide = false;
    for (let i = 0; i < length && !wide; i++) wide = id.charCodeAt(i) > 0xff;
    const size = wide ? length * 2 : length;
    if (this.#tail - this.#head === this.#flags.length || this.#bytesUsed + size > this.#bytes.length) {
      this.#grow(size);
    }
    const bytes = this.#bytes;
    const byteMask = bytes.length - 1;
    const offset = this.#bytesTail;
    if (wide) {
      for (let i = 0; i < length; i++) {
        const c = id.charCodeAt(i);
        bytes[(offset + 2 * i) & byteMask] = c;
        bytes[(offset + 2 * i + 1) & byteMask] = c >>> 8;
      }
    } else for (let i = 0; i < length; i++) bytes[(offset + i) & byteMask] = id.charCodeAt(i);
    this.#bytesTail = (offset + size) & byteMask;
    this.#bytesUsed += size;
    const slot = this.#tail++ & (this.#flags.length - 1);
    this.#until[slot] = until;
    this.#at[slot] = now;
    this.#hash[slot] = hash;
    this.#offset[slot] = offset;
    this.#length[slot] = length;
    this.#flags[slot] = wide ? LIVE | WIDE : LIVE;
    this.#size++;
    this.#indexSlot(slot);
  }

  #indexSlot(slot: number): void {
    const index = this.#index;
    const indexMask = index.length - 1;
    let at = this.#hash[slot]! & indexMask;
    while (index[at] !== 0) at = (at + 1) & indexMask;
    index[at] = slot + 1;
  }

  /** The slot of the live claim of `id`, or -1. */
  #find(id: string, hash: number): number {
    const index = this.#index;
    const indexMask = index.length - 1;
    for (let at = hash & indexMask; ; at = (at + 1) & indexMask) {
      const entry = index[at]!;
      if (entry === 0) return -1;
      const slot = entry - 1;
      if (this.#hash[slot] === hash && this.#length[slot] === id.length && this.#holds(slot, id)) return slot;
    }
  }

  #holds(slot: number, id: string): boolean {
    const bytes = this.#bytes;
    const byteMask = bytes.length - 1;
    const offset = this.#offset[slot]!;
    if ((this.#flags[slot]! & WIDE) === 0) {
      for (let i = 0; i < id.length; i++) if (bytes[(offset + i) & byteMask] !== id.charCodeAt(i)) return false;
      return true;
    }
    for (let i = 0; i < id.length; i++) {
      const c = bytes[(offset + 2 * i) & byteMask]! | (bytes[(offset + 2 * i + 1) & byteMask]! << 8);
      if (c !== id.charCodeAt(i)) return false;
    }
    return true;
  }

  /** Marks a live claim dead and takes it out of the index (its bytes go when the head passes it). */
  #forget(slot: number): void {
    this.#flags[slot]! &= ~LIVE;
    this.#size--;
    const index = this.#index;
    const indexMask = index.length - 1;
    let hole = this.#hash[slot]! & indexMask;
    while (index[hole] !== slot + 1) hole = (hole + 1) & indexMask;
    // Backward-shift deletion: move up every later entry of the run that may not probe past the hole.
    for (let at = (hole + 1) & indexMask; index[at] !== 0; at = (at + 1) & indexMask) {
      const home = this.#hash[index[at]! - 1]! & indexMask;
      const reachable = hole <= at ? home > hole && home <= at : home > hole || home <= at;
      if (!reachable) {
        index[hole] = index[at]!;
        hole = at;
      }
    }
    index[hole] = 0;
  }

  /**
   * Makes room for one more claim of `size` bytes: doubles the ring when it is full and the bytes
   * until they fit, copying both from their oldest entry on to the front of the new arrays (dead
   * claims too: the head drops them as it passes), and indexes the live claims afresh.
   */
  #grow(size: number): void {
    const count = this.#tail - this.#head;
    const capacity = count === this.#flags.length ? this.#flags.length * 2 : this.#flags.length;
    let byteCapacity = this.#bytes.length;
    while (this.#bytesUsed + size > byteCapacity) byteCapacity *= 2;
    const start = this.#head & (this.#flags.length - 1);
    const from = count === 0 ? this.#bytesTail : this.#offset[start]!;
    const oldByteMask = this.#bytes.length - 1;
    this.#until = relaid(this.#until, new Float64Array(capacity), start, count);
    this.#at = relaid(this.#at, new Float64Array(capacity), start, count);
    this.#hash = relaid(this.#hash, new Int32Array(capacity), start, count);
    this.#offset = relaid(this.#offset, new Int32Array(capacity), start, count);
    this.#length = relaid(this.#length, new Int32Array(capacity), start, count);
    this.#flags = relaid(this.#flags, new Uint8Array(capacity), start, count);
    this.#bytes = relaid(this.#bytes, new Uint8Array(byteCapacity), from, this.#bytesUsed);
    this.#index = new Int32Array(capacity * 2);
    for (let slot = 0; slot < count; slot++) {
      this.#offset[slot] = (this.#offset[slot]! - from) & oldByteMask;
      if ((this.#flags[slot]! & LIVE) !== 0) this.#indexSlot(slot);
    }
    this.#head = 0;
    this.#tail = count;
    this.#bytesTail = this.#bytesUsed;
  }

  /** FNV-1a from a per-store seed, then murmur3's finalizer (FNV's low bits, the index's, mix poorly). */
  #hashOf(id: string): number {
    let h = fnv1a(id, this.#seed ^ 0x811c9dc5);
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    return h ^ (h >>> 16);
  }
}

/** `count` entries of the ring `from`, starting at `start` (wrapping), copied to the front of `to`. */
function relaid<T extends Float64Array | Int32Array | Uint8Array>(from: T, to: T, start: number, count: number): T {
  const first = Math.min(count, from.length - start);
  to.set(from.subarray(start, start + first), 0);
  if (count > first) to.set(from.subarray(0, count - first), first);
  return to;
}
