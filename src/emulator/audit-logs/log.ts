// The audit log of one emulator state: entries recorded from activity, plus generated ranges for large
// logs. A generated range is virtual (its entries are rendered when read), so a log of millions of
// entries costs a few numbers, not gigabytes. Entries get increasing sequence numbers; a page walks
// them newest first, and a cursor is the sequence number to continue below. New entries only ever get
// higher numbers, so a walk that continues from a cursor never meets a gap or a repeat.
import type { EmulatorState } from '../model/state.js';

/** What a filter compares against, and the entry's JSON text. */
export interface RecordedEntry {
  readonly date: number;
  readonly action: string;
  readonly actorId: string;
  readonly entityId: string;
  readonly enterpriseId: string | undefined;
  /** The entry as JSON text. */
  readonly json: string;
}

export interface GeneratedActor {
  readonly id: string;
  /** The actor object's JSON text (`{"type":"user","user":{...}}`). */
  readonly json: string;
}

/** `count` entries, one every `stepMs` from `startMs`, cycling through actions and actors. */
export interface GeneratedRange {
  readonly count: number;
  readonly startMs: number;
  readonly stepMs: number;
  readonly actions: readonly string[];
  readonly actors: readonly GeneratedActor[];
  readonly enterpriseId: string | undefined;
  /** The context object's JSON text. */
  readonly context: string;
}

interface Segment {
  readonly firstSeq: number;
  readonly count: number;
  readonly one: RecordedEntry | undefined;
  readonly range: GeneratedRange | undefined;
}

export interface LogQuery {
  oldest: number | undefined;
  latest: number | undefined;
  actions: ReadonlySet<string> | undefined;
  actor: string | undefined;
  entity: string | undefined;
  limit: number;
  /** Continue below this sequence number (exclusive); undefined: from the newest. */
  below: number | undefined;
  /** The org whose entries are read (entries of standalone workspaces are readable by every org). */
  enterpriseId: string;
}

export interface LogPage {
  /** Entries as JSON text, newest first. */
  entries: string[];
  /** Where the next page starts; undefined on the last page. */
  nextBelow: number | undefined;
}

/** At most this many entries are looked at per request, so a rare filter cannot stall the emulator. */
export const MAX_SCAN = 250_000;
/** At most this many entries in one log (generated ones included). */
export const MAX_ENTRIES = 20_000_000;

/** The uuid-shaped id of entry `seq` (Slack's ids are UUIDs). */
export function entryId(seq: number): string {
  return `00000000-0000-4000-8000-${seq.toString(16).padStart(12, '0')}`;
}

export class AuditLog {
  readonly #segments: Segment[] = [];
  #nextSeq = 1;

  /** How many entries the log holds. */
  get size(): number {
    return this.#nextSeq - 1;
  }

  /** The sequence number the next entry will get. */
  get nextSeq(): number {
    return this.#nextSeq;
  }

  add(entry: (seq: number) => RecordedEntry): void {
    this.#push(1, entry(this.#nextSeq), undefined);
  }

  addRange(range: GeneratedRange): { firstSeq: number; count: number } {
    if (this.size + range.count > MAX_ENTRIES)
      throw new RangeError(`an audit log holds at most ${MAX_ENTRIES} entries`);
    const firstSeq = this.#nextSeq;
    this.#push(range.count, undefined, range);
    return { firstSeq, count: range.count };
  }

  #push(count: number, one: RecordedEntry | undefined, range: GeneratedRange | undefined): void {
    this.#segments.push({ firstSeq: this.#nextSeq, count, one, range });
    this.#nextSeq += count;
  }

  /** The index of the segment holding `seq` (seq within 1..size). */
  #segmentOf(seq: number): number {
    let lo = 0;
    let hi = this.#segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.#segments[mid] as Segment).firstSeq <= seq) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  page(query: LogQuery): LogPage {
    const entries: string[] = [];
    let seq = Math.min(query.below ?? this.#nextSeq, this.#nextSeq) - 1;
    let scanned = 0;
    let index = seq >= 1 ? this.#segmentOf(seq) : -1;
    while (seq >= 1 && index >= 0) {
      const segment = this.#segments[index] as Segment;
      for (; seq >= segment.firstSeq; seq--) {
        if (entries.length === query.limit || scanned === MAX_SCAN) return { entries, nextBelow: seq + 1 };
        scanned++;
        const json = this.#match(segment, seq, query);
        if (json !== undefined) entries.push(json);
      }
      index--;
    }
    return { entries, nextBelow: undefined };
  }

  #match(segment: Segment, seq: number, q: LogQuery): string | undefined {
    const one = segment.one;
    if (one !== undefined) {
      if (one.enterpriseId !== undefined && one.enterpriseId !== q.enterpriseId) return undefined;
      if (!matches(q, one.date, one.action, one.actorId, one.entityId)) return undefined;
      return one.json;
    }
    const r = segment.range as GeneratedRange;
    if (r.enterpriseId !== undefined && r.enterpriseId !== q.enterpriseId) return undefined;
    const i = seq - segment.firstSeq;
    const date = Math.floor((r.startMs + i * r.stepMs) / 1000);
    const action = r.actions[i % r.actions.length] as string;
    const actor = r.actors[i % r.actors.length] as GeneratedActor;
    if (!matches(q, date, action, actor.id, actor.id)) return undefined;
    // Generated entries are about their actor (a login, say): the entity is the same user.
    return `{"id":"${entryId(seq)}","date_create":${date},"action":"${action}","actor":${actor.json},"entity":${actor.json},"context":${r.context}}`;
  }
}

function matches(q: LogQuery, date: number, action: string, actorId: string, entityId: string): boolean {
  if (q.oldest !== undefined && date < q.oldest) return false;
  if (q.latest !== undefined && date > q.latest) return false;
  if (q.actions !== undefined && !q.actions.has(action)) return false;
  if (q.actor !== undefined && q.actor !== actorId) return false;
  if (q.entity !== undefined && q.entity !== entityId) return false;
  return true;
}

// One log per state: a reset makes a new state, and with it an empty log.
const logs = new WeakMap<EmulatorState, AuditLog>();

export function auditLogOf(state: EmulatorState): AuditLog {
  let log = logs.get(state);
  if (log === undefined) {
    log = new AuditLog();
    logs.set(state, log);
  }
  return log;
}
