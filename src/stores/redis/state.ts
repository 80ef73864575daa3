// OAuth state and event de-duplication in Redis, for many processes without a shared SQL database
// on the hot path. A state is one key with PX expiry, consumed by GETDEL (atomic: of any number of
// concurrent callbacks exactly one gets it); an event id is claimed by SET NX PX.
import type { EventDedupeStore } from '../../events/dedupe.js';
import { type Clock, systemClock } from '../../http/clock.js';
import type { StateRecord, StateStore } from '../../oauth/types.js';

/** What these stores need from a Redis client (>= 6.2 for GETDEL); node-redis clients have it. */
export interface RedisCommandClient {
  sendCommand(args: string[]): Promise<unknown>;
}

export interface RedisStoreOptions {
  /** Prefix for every key (default `slackline:state:` / `slackline:event:`); one per app or environment. */
  prefix?: string;
  /** The one clock (epoch ms), for a state's time to live; default the system clock. */
  clock?: Clock;
}

/** A StateStore on a connected Redis client (you own the client: connect and close it). */
export class RedisStateStore implements StateStore {
  readonly #prefix: string;
  readonly #clock: Clock;
  constructor(
    private readonly client: RedisCommandClient,
    options: RedisStoreOptions = {},
  ) {
    this.#prefix = options.prefix ?? 'slackline:state:';
    this.#clock = options.clock ?? systemClock;
  }

  async put(state: string, record: StateRecord): Promise<void> {
    // Redis drops the key at expiry; consume() still checks expiresAt against the caller's clock.
    const ttl = Math.max(1, Math.ceil((record.expiresAt - this.#clock.now()) / this.#clock.scale));
    const value = JSON.stringify({ expiresAt: record.expiresAt, data: record.data });
    await this.client.sendCommand(['SET', this.#prefix + state, value, 'PX', String(ttl)]);
  }

  async consume(state: string, now: number): Promise<StateRecord | undefined> {
    const raw = await this.client.sendCommand(['GETDEL', this.#prefix + state]);
    if (typeof raw !== 'string') return undefined;
    let record: StateRecord;
    try {
      record = JSON.parse(raw) as StateRecord;
    } catch {
      return undefined; // not ours: refused like an unknown state
    }
    return typeof record.expiresAt === 'number' && record.expiresAt > now ? record : undefined;
  }

  async close(): Promise<void> {}
}

/** An EventDedupeStore on a connected Redis client; claims expire by themselves (PX). */
export class RedisDedupeStore implements EventDedupeStore {
  readonly #prefix: string;
  constructor(
    private readonly client: RedisCommandClient,
    options: RedisStoreOptions = {},
  ) {
    this.#prefix = options.prefix ?? 'slackline:event:';
  }

  async claim(eventId: string, ttlMs: number): Promise<boolean> {
    const ttl = String(Math.max(1, Math.ceil(ttlMs)));
    return (await this.client.sendCommand(['SET', this.#prefix + eventId, '1', 'NX', 'PX', ttl])) === 'OK';
  }

  async release(eventId: string): Promise<void> {
    await this.client.sendCommand(['DEL', this.#prefix + eventId]);
  }

  async close(): Promise<void> {}
}
