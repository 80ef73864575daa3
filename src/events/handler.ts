// The HTTP endpoint for everything Slack sends an app, as a web-standard handler: ssl_check,
// signature, then by body: url_verification, events (uninstall and revocation bookkeeping, retry
// de-duplication, then `onEvent` and the dispatcher after the ack), interactions and slash commands
// (answered with the dispatcher's ack). Slack wants its 200 within 3 s: de-duplication and
// bookkeeping race a deadline, and what is not done by then finishes after the ack. Work after the
// ack goes to `ctx.waitUntil` where the platform has one (Workers, Vercel, Lambda adapters); on Node
// it simply runs on, and idle() waits for it.
import type { Clock } from '../http/clock.js';
import { DeadlineQueue } from '../http/deadlines.js';
import { type Logger, logBudget } from '../http/logger.js';
import { Running } from '../http/running.js';
import type { InstallationAuthority } from '../oauth/authorize.js';
import { bookkeeping, describe, needsBookkeeping } from './bookkeeping.js';
import { type EventDedupeStore, eventTimeOf } from './dedupe.js';
import type { AckPayload, Dispatcher, EventCallback } from './dispatcher.js';
import { type EventEnvelope, isForm, parseInbound, utf8 } from './inbound.js';
import { MemoryDedupeStore } from './memory-dedupe.js';
import { checkHandlerOptions, type EventFailure, eventsLogger } from './options.js';
import { queryOf, RAW_ENTRY, type RawHandler, type Reply, toResponse } from './raw.js';
import { readLimitedBody, SignatureError, slackVerifier } from './verify.js';

export type { EventEnvelope } from './inbound.js';

export interface EventsHandlerOptions {
  signingSecret: string | readonly string[];
  /** Where app_uninstalled and tokens_revoked delete rows (the Installer's authority). */
  authority?: InstallationAuthority;
  /** Runs after Slack has its 200, so slow work never causes a retry. Errors go to onError. */
  onEvent?: (envelope: EventEnvelope) => unknown;
  /**
   * Gets every event (after de-duplication and bookkeeping, like onEvent), interaction and slash
   * command; the answer to an interaction or command is its ack (200 with the ack payload as JSON,
   * or an empty 200). Without one, interactions and commands are refused with 404.
   */
  dispatcher?: Dispatcher;
  /** Called with every failure after it is logged (the logger always gets it first). */
  onError?: (error: unknown) => void;
  /** pino-compatible; every record is redacted first. Default silent (`serve` and `dev` log at info). */
  logger?: Logger;
  maxBodyBytes?: number;
  /** Default the system clock (milliseconds; only the signature check counts seconds). */
  clock?: Clock;
  /** Event ids the default in-process de-duplication keeps beyond the replay window (default 10,000). */
  dedupeSize?: number;
  /** Where event ids are claimed; share one (SQL or Redis) between processes behind a load balancer. */
  dedupe?: EventDedupeStore;
  /** How long an event id is remembered (default one hour; at least the 600 s replay window). */
  dedupeTtlMs?: number;
  /**
   * Longest the ack waits for de-duplication and uninstall/revocation bookkeeping (default 2,000 ms,
   * inside Slack's 3 s). Past it Slack gets its 200 and the work finishes in the background.
   */
  ackDeadlineMs?: number;
}

/** What serverless platforms pass a handler: `waitUntil` keeps the work after the response alive. */
export interface HandlerContext {
  waitUntil(work: Promise<unknown>): void;
}

export interface EventsHandler {
  (request: Request, ctx?: HandlerContext): Promise<Response>;
  /** Resolves when every user handler started so far has finished (tests, graceful shutdown). */
  idle(): Promise<void>;
}

const TEXT_HEADERS = Object.freeze({ 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
const JSON_HEADERS = Object.freeze({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
const CHALLENGE_HEADERS = Object.freeze({ 'content-type': 'application/json' });

const text = (status: number, body = ''): Reply => ({ status, headers: TEXT_HEADERS, body });
/** The empty 200 nearly every request gets: one object, never written to. */
const OK: Reply = Object.freeze(text(200));

function isSslCheck(url: string, body: Uint8Array, contentType: string | null): boolean {
  const search = queryOf(url);
  if (search.includes('ssl_check')) {
    const query = new URLSearchParams(search).getAll('ssl_check');
    if (query.length === 1 && query[0] === '1') return true;
  }
  if (!isForm(contentType)) return false;
  const form = new URLSearchParams(utf8(body)).getAll('ssl_check');
  return form.length === 1 && form[0] === '1';
}

const json = (payload: AckPayload): Reply => ({ status: 200, headers: JSON_HEADERS, body: JSON.stringify(payload) });

let nextTurn: Promise<void> | undefined;
/**
 * Lets the response go out before after-ack work starts (setImmediate is Node's; Workers have
 * setTimeout). The events acked in one turn of the event loop share one wait.
 */
const afterResponse = (): Promise<void> => {
  nextTurn ??= new Promise<void>((resolve) => {
    const go = () => {
      nextTurn = undefined;
      resolve();
    };
    if (typeof setImmediate === 'function') setImmediate(go);
    else setTimeout(go, 0);
  });
  return nextTurn;
};

export function createEventsHandler(options: EventsHandlerOptions): EventsHandler {
  const { secrets, limit, clock, ttlMs, deadlineMs } = checkHandlerOptions(options);
  const dedupe = options.dedupe ?? new MemoryDedupeStore(options.dedupeSize ?? 10_000);
  const pending = new Running();
  const deadlines = new DeadlineQueue(deadlineMs);
  const log = eventsLogger(options.logger, secrets);
  const verify = slackVerifier(secrets, limit, clock);
  /** Logs one failure with its reason code, then hands the error to the user's onError. */
  const failed = (code: EventFailure, error: unknown, envelope?: EventEnvelope) => {
    log.error({ reason: code, ...describe(envelope), error }, `event failed: ${code}`);
    try {
      options.onError?.(error);
    } catch {} // a throwing onError must not turn an ack into a crash
  };
  // Anyone can send a refused request: a flood costs a few lines a minute, with a count of the rest.
  const budget = logBudget(REFUSALS_LOGGED_PER_MINUTE, clock);
  const refused = (code: string, status: number) => {
    budget((dropped) => {
      log.warn({ reason: code, status, ...(dropped > 0 ? { dropped } : {}) }, `event refused: ${code}`);
    });
    return text(status);
  };

  // The one request path: the public handler below and the node adapter's raw entry both run it.
  const raw: RawHandler = async (request, ctx) => {
    if (request.method !== 'POST') return refused('method_not_allowed', 405);
    let body: Uint8Array;
    try {
      body = await request.body(limit);
    } catch (err) {
      return err instanceof SignatureError ? refused(err.code, err.status) : refused('body_unreadable', 400);
    }
    const contentType = request.header('content-type');
    // Slack's certificate check: answered and dropped, whatever else came with it.
    if (isSslCheck(request.url, body, contentType)) return OK;
    try {
      verify(request.header('x-slack-request-timestamp'), request.header('x-slack-signature'), body);
    } catch (err) {
      return err instanceof SignatureError ? refused(err.code, err.status) : refused('signature_mismatch', 401);
    }
    const inbound = parseInbound(body, contentType);
    if (inbound === undefined) return refused('body_invalid', 400);
    const track = (run: Promise<void>) => {
      const tracked = pending.track(run);
      if (typeof ctx?.waitUntil === 'function') ctx.waitUntil(tracked);
    };
    if (inbound.kind !== 'event') {
      const dispatcher = options.dispatcher;
      if (dispatcher === undefined) return refused('no_dispatcher', 404);
      const dispatched =
        inbound.kind === 'command'
          ? dispatcher.dispatch('command', inbound.body)
          : dispatcher.dispatch('interaction', inbound.body);
      track(dispatched.done);
      const payload = await dispatched.ack;
      return payload === undefined ? OK : json(payload);
    }
    const envelope = inbound.body;
    if (envelope.type === 'url_verification') {
      const challenge = envelope.challenge;
      if (typeof challenge !== 'string' || challenge.length > 200) return refused('body_invalid', 400);
      return { status: 200, headers: CHALLENGE_HEADERS, body: JSON.stringify({ challenge }) };
    }
    const eventId = typeof envelope.event_id === 'string' ? envelope.event_id : undefined;
    // The same in every retry and replay (one signed body): stores may file ids by it.
    const eventTime = eventTimeOf(envelope);
    const now = clock.now();
    // Resolves false for a retry of something already taken (here or in another process).
    let claimed = false; // released on failure only if this request holds the claim
    const books = envelope.type === 'event_callback' && needsBookkeeping(envelope, options.authority);
    const work = (async () => {
      if (eventId !== undefined) {
        claimed = await dedupe.claim(eventId, ttlMs, now, eventTime);
        if (!claimed) return false;
      }
      if (books) await bookkeeping(envelope, options.authority, log);
      return true;
    })();
    const outcome = await settleWithin(work, deadlines);
    if (outcome === 'late') {
      track(
        work.then(
          (fresh) => (fresh ? runUser(envelope) : undefined),
          (err) => finishLate(envelope, claimed ? eventId : undefined, err),
        ),
      );
    } else if ('error' in outcome) {
      if (claimed && eventId !== undefined) {
        await dedupe.release(eventId, eventTime).catch((err: unknown) => failed('dedupe_failed', err, envelope)); // Slack's retry runs it
      }
      failed(claimed || eventId === undefined ? 'bookkeeping_failed' : 'dedupe_failed', outcome.error, envelope);
      return text(500);
    } else if (outcome.value) {
      track(runUser(envelope));
    } else {
      log.debug({ ...describe(envelope) }, 'event already taken (a retry)');
    }
    return OK;
  };
  const runUser = async (envelope: EventEnvelope): Promise<void> => {
    const { onEvent, dispatcher } = options;
    if (onEvent === undefined && dispatcher === undefined) return;
    await afterResponse();
    const listeners =
      envelope.type === 'event_callback' ? dispatcher?.dispatch('event', envelope as EventCallback).done : undefined;
    if (onEvent !== undefined) {
      try {
        await onEvent(envelope);
      } catch (err) {
        failed('handler_failed', err, envelope);
      }
    }
    await listeners; // never rejects: the dispatcher logs its listeners' failures
  };
  // Slack has its 200 and will not retry: try the bookkeeping again here, a few times, before giving up.
  const finishLate = async (envelope: EventEnvelope, eventId: string | undefined, error: unknown) => {
    for (let attempt = 1; attempt <= LATE_RETRIES; attempt++) {
      failed('bookkeeping_failed', error, envelope);
      await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
      try {
        await bookkeeping(envelope, options.authority, log);
        return runUser(envelope);
      } catch (err) {
        error = err;
      }
    }
    failed('bookkeeping_failed', error, envelope);
    if (eventId !== undefined) {
      await dedupe
        .release(eventId, eventTimeOf(envelope))
        .catch((err: unknown) => failed('dedupe_failed', err, envelope));
    }
  };
  const handler = async (request: Request, ctx?: HandlerContext): Promise<Response> =>
    toResponse(
      await raw(
        {
          method: request.method,
          url: request.url,
          header: (name) => request.headers.get(name),
          body: (max) => readLimitedBody(request, max),
        },
        ctx,
      ),
    );
  const entry = () => raw;
  return Object.assign(handler, {
    [RAW_ENTRY]: entry,
    idle: () => pending.settled(),
  });
}

const LATE_RETRIES = 2;
/** Refused-request lines per minute; the rest are counted in the next line's `dropped`. */
const REFUSALS_LOGGED_PER_MINUTE = 20;

type Outcome<T> = 'late' | { value: T } | { error: unknown };

/** The work's outcome, or 'late' when the handler's deadline comes first (one shared timer). */
function settleWithin<T>(work: Promise<T>, deadlines: DeadlineQueue): Promise<Outcome<T>> {
  return new Promise<Outcome<T>>((resolve) => {
    const deadline = deadlines.arm(() => resolve('late'));
    work.then(
      (value) => {
        deadlines.cancel(deadline);
        resolve({ value });
      },
      (error: unknown) => {
        deadlines.cancel(deadline);
        resolve({ error });
      },
    );
  });
}
