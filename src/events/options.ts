// The events handler's options, checked once at construction (a bad option is an
// InvalidArgumentError that says how to fix it, never a handler that answers 401 to everything),
// and its logger: the user's, wrapped so that every record is redacted.
import { type Clock, systemClock } from '../http/clock.js';
import { InvalidArgumentError } from '../http/errors.js';
import { checkLogger, type Logger, loggerWithSecrets } from '../http/logger.js';
import { DEDUPE_TTL_MS, REPLAY_WINDOW_MS } from './dedupe.js';
import type { EventsHandlerOptions } from './handler.js';
import { DEFAULT_MAX_BODY_BYTES, signingSecrets } from './verify.js';

/** Why an event that passed the signature check failed: the `code` of its log line. */
export const EventFailure = {
  DedupeFailed: 'dedupe_failed',
  BookkeepingFailed: 'bookkeeping_failed',
  HandlerFailed: 'handler_failed',
} as const;
export type EventFailure = (typeof EventFailure)[keyof typeof EventFailure];

const positiveInteger = (value: unknown) => typeof value === 'number' && Number.isSafeInteger(value) && value > 0;

export interface CheckedOptions {
  secrets: readonly string[];
  limit: number;
  clock: Clock;
  ttlMs: number;
  deadlineMs: number;
}

export function checkHandlerOptions(options: EventsHandlerOptions): CheckedOptions {
  const where = 'createEventsHandler';
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(`${where}: pass options, e.g. { signingSecret: process.env.SLACK_SIGNING_SECRET }`);
  }
  const secrets = signingSecrets(options.signingSecret, where);
  const numbers: [keyof EventsHandlerOptions, unknown, string][] = [
    ['maxBodyBytes', options.maxBodyBytes, 'bytes'],
    ['dedupeSize', options.dedupeSize, 'ids'],
    ['dedupeTtlMs', options.dedupeTtlMs, 'milliseconds'],
    ['ackDeadlineMs', options.ackDeadlineMs, 'milliseconds'],
  ];
  for (const [name, value, unit] of numbers) {
    if (value !== undefined && !positiveInteger(value)) {
      throw new InvalidArgumentError(`${where}: ${name} must be a positive whole number of ${unit}`);
    }
  }
  const ttlMs = options.dedupeTtlMs ?? DEDUPE_TTL_MS;
  if (ttlMs < REPLAY_WINDOW_MS) {
    throw new InvalidArgumentError(
      `${where}: dedupeTtlMs must be at least ${REPLAY_WINDOW_MS} (a signed request can be replayed that long)`,
    );
  }
  const clock = options.clock ?? systemClock;
  if (typeof clock?.now !== 'function') {
    throw new InvalidArgumentError(`${where}: clock must be a Clock ({ now(): epoch milliseconds, scale })`);
  }
  for (const name of ['onEvent', 'onError'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') {
      throw new InvalidArgumentError(`${where}: ${name} must be a function`);
    }
  }
  checkLogger(options.logger, where);
  if (options.dispatcher !== undefined && typeof options.dispatcher?.dispatch !== 'function') {
    throw new InvalidArgumentError(`${where}: dispatcher must be a Dispatcher (new Dispatcher({ authority, client }))`);
  }
  const dedupe = options.dedupe;
  if (dedupe !== undefined && (typeof dedupe.claim !== 'function' || typeof dedupe.release !== 'function')) {
    throw new InvalidArgumentError(`${where}: dedupe must be an EventDedupeStore (claim, release, close)`);
  }
  return {
    secrets,
    limit: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    clock,
    ttlMs,
    deadlineMs: options.ackDeadlineMs ?? 2_000,
  };
}

/** The user's logger behind the redactor, with the signing secrets registered as known secrets. */
export function eventsLogger(logger: Logger | undefined, secrets: readonly string[]): Logger {
  return loggerWithSecrets(logger, secrets);
}
