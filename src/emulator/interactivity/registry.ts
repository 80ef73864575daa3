// What an interaction hands an app: a trigger_id (for views.open/views.push, once, within 3 s of
// emulator time, as Slack's) and a response_url (up to 5 posts within 30 minutes). Kept per
// EmulatorState, so a reset forgets them with everything else; both tables are bounded.
import type { Clock } from '../model/clock.js';
import { randomDigits, randomHex } from '../model/ids.js';
import type { EmulatorState } from '../model/state.js';

export const TRIGGER_TTL_MS = 3_000;
export const RESPONSE_URL_TTL_MS = 30 * 60_000;
export const RESPONSE_URL_USES = 5;
const MAX_ENTRIES = 10_000;

export interface Trigger {
  appId: string;
  teamId: string;
  userId: string;
  expiresAt: number;
  exchanged: boolean;
}

export interface ResponseTarget {
  appId: string;
  teamId: string;
  userId: string;
  channelId: string;
  /** The message an action came from (replace_original / delete_original act on it). */
  messageTs: string | undefined;
  expiresAt: number;
  uses: number;
}

/** An ephemeral answer (a command's ack, a response_url post without in_channel), for the control API. */
export interface EphemeralReply {
  channel_id: string;
  user_id: string;
  app_id: string;
  text: string;
  blocks: unknown;
  at: number;
}

/** Why views.open/views.push refuse a trigger: Slack's error names. */
export type TriggerProblem = 'invalid_trigger_id' | 'expired_trigger_id' | 'exchanged_trigger_id';

function bounded<K, V>(map: Map<K, V>, key: K, value: V): void {
  if (map.size >= MAX_ENTRIES) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
  map.set(key, value);
}

export class Interactivity {
  readonly #triggers = new Map<string, Trigger>();
  readonly #responseUrls = new Map<string, ResponseTarget>();
  readonly ephemeral: EphemeralReply[] = [];

  constructor(private readonly clock: Clock) {}

  /** A new trigger id in Slack's shape (`seconds.digits.hex`). */
  trigger(appId: string, teamId: string, userId: string): string {
    const id = `${this.clock.seconds()}.${randomDigits(13)}.${randomHex(32)}`;
    bounded(this.#triggers, id, {
      appId,
      teamId,
      userId,
      expiresAt: this.clock.now() + TRIGGER_TTL_MS,
      exchanged: false,
    });
    return id;
  }

  /** Spends a trigger for `appId`: the trigger on success, else why not. */
  exchange(id: string, appId: string): Trigger | TriggerProblem {
    const trigger = this.#triggers.get(id);
    if (trigger === undefined || trigger.appId !== appId) return 'invalid_trigger_id';
    if (trigger.exchanged) return 'exchanged_trigger_id';
    if (this.clock.now() > trigger.expiresAt) return 'expired_trigger_id';
    trigger.exchanged = true;
    return trigger;
  }

  /** A new response_url path (`actions/T…/digits/hex` or `commands/…`), served by the emulator. */
  responseUrl(kind: 'actions' | 'commands', target: Omit<ResponseTarget, 'expiresAt' | 'uses'>): string {
    const path = `${kind}/${target.teamId}/${randomDigits(13)}/${randomHex(24)}`;
    bounded(this.#responseUrls, path, { ...target, expiresAt: this.clock.now() + RESPONSE_URL_TTL_MS, uses: 0 });
    return path;
  }

  /** The target of a response_url path, counting one use; undefined when unknown, used up or expired. */
  useResponseUrl(path: string): ResponseTarget | 'expired' | undefined {
    const target = this.#responseUrls.get(path);
    if (target === undefined) return undefined;
    if (this.clock.now() > target.expiresAt || target.uses >= RESPONSE_URL_USES) return 'expired';
    target.uses += 1;
    return target;
  }

  addEphemeral(reply: Omit<EphemeralReply, 'at'>): void {
    if (this.ephemeral.length >= MAX_ENTRIES) this.ephemeral.shift();
    this.ephemeral.push({ ...reply, at: this.clock.now() });
  }
}

const byState = new WeakMap<EmulatorState, Interactivity>();

/** The interactivity tables of this state (a reset makes a new state, and so new tables). */
export function interactivityOf(state: EmulatorState): Interactivity {
  let found = byState.get(state);
  if (found === undefined) {
    found = new Interactivity(state.clock);
    byState.set(state, found);
  }
  return found;
}
