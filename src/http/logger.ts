// Logging: an interface that pino (and console-like loggers) satisfy, silent unless one is given.
// Every record is redacted before it reaches the logger, so a logger can never leak a secret.
import { type Clock, systemClock } from './clock.js';
import { InvalidArgumentError } from './errors.js';
import { Redactor } from './redact.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** pino's calling convention: `logger.info({ some: 'fields' }, 'message')`. */
export interface Logger {
  debug(fields: Record<string, unknown>, message?: string): void;
  info(fields: Record<string, unknown>, message?: string): void;
  warn(fields: Record<string, unknown>, message?: string): void;
  error(fields: Record<string, unknown>, message?: string): void;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** A logger that writes one JSON line per record to a stream (stderr by default). */
export function jsonLogger(
  level: LogLevel = 'info',
  write: (line: string) => void = (line) => process.stderr.write(line),
  clock: Clock = systemClock,
): Logger {
  const at =
    (name: LogLevel) =>
    (fields: Record<string, unknown>, message?: string): void => {
      if (ORDER[name] < ORDER[level]) return;
      write(`${JSON.stringify({ level: name, time: clock.now(), ...fields, msg: message })}\n`);
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

// Which redactor each wrapper uses: a logger that already redacts is never wrapped again (a second
// pass would redact the first one's output, e.g. an error's copied `code`); it learns the secrets.
const redactorOf = new WeakMap<Logger, Redactor>();

/** Wraps a user's logger so that every record is a redacted copy. */
export function redactingLogger(inner: Logger, redactor: Redactor): Logger {
  if (inner === silentLogger) return silentLogger;
  const at =
    (name: LogLevel) =>
    (fields: Record<string, unknown>, message?: string): void => {
      const safe = redactor.value(fields) as Record<string, unknown>;
      inner[name](safe, message === undefined ? undefined : redactor.string(message));
    };
  const wrapped: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  redactorOf.set(wrapped, redactor);
  return wrapped;
}

/**
 * A redacting logger that also knows `secrets` (shapeless ones: a client secret, a signing secret).
 * One redactor per chain: when `logger` already redacts (startServer hands its logger to the
 * Installer and the events handler), the secrets join its redactor and it is returned as it is.
 */
export function loggerWithSecrets(logger: Logger | undefined, secrets: Iterable<string | undefined>): Logger {
  if (logger === undefined || logger === silentLogger) return silentLogger;
  const known = redactorOf.get(logger);
  const redactor = known ?? new Redactor();
  for (const secret of secrets) redactor.addSecret(secret);
  return known === undefined ? redactingLogger(logger, redactor) : logger;
}

/** Refuses, at construction, a logger without pino's four methods (pino, jsonLogger and console wrappers have them). */
export function checkLogger(logger: unknown, where: string): asserts logger is Logger | undefined {
  if (logger === undefined) return;
  const candidate = logger as Partial<Record<LogLevel, unknown>> | null;
  for (const level of Object.keys(ORDER) as LogLevel[]) {
    if (typeof candidate?.[level] !== 'function') {
      throw new InvalidArgumentError(`${where}: logger must have debug, info, warn and error methods (pino's do)`);
    }
  }
}

/** The levels a user may choose by name (SLACKLINE_LOG_LEVEL), plus `silent`. */
export function isLogLevel(value: string): value is LogLevel {
  return Object.hasOwn(ORDER, value);
}

/**
 * A budget for records that anyone can cause (a refused unsigned request): at most `perMinute` a
 * minute on `clock` get written; the next one written says how many were dropped meanwhile, so a
 * flood of bad requests costs a few lines a minute, not one line each.
 */
export function logBudget(perMinute: number, clock: Clock): (write: (dropped: number) => void) => void {
  let windowStart = Number.NEGATIVE_INFINITY;
  let used = 0;
  let dropped = 0;
  return (write) => {
    const now = clock.now();
    if (now - windowStart >= 60_000) {
      windowStart = now;
      used = 0;
    }
    if (used >= perMinute) {
      dropped++;
      return;
    }
    used++;
    const count = dropped;
    dropped = 0;
    write(count);
  };
}
