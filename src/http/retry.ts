// The retry slot. The core asks each handler, in order, what to do after a failed attempt; the
// first one with an opinion decides. No handler means no retry: the safe default for Slack, where
// every call is a POST and repeating a write can post twice. Handlers live beside this file.
import type { SlacklineError } from './errors.js';

export interface FailedAttempt {
  /** The API method, e.g. `chat.postMessage`. */
  method: string;
  /** 1 for the first try. */
  attempt: number;
  /** The method only reads: repeating it cannot change anything in Slack. */
  read: boolean;
  /** The caller allowed repeating this write even when Slack may have received it. */
  retryWrites: boolean;
  error: SlacklineError;
  /** Milliseconds since the call began. */
  elapsedMs: number;
  /** Milliseconds left before the call's deadline (Infinity without one). */
  remainingMs: number;
}

export type RetryDecision = { retry: false } | { retry: true; delayMs: number; reason: string };

export interface RetryHandler {
  /** `undefined` means "no opinion": the next handler is asked. */
  decide(attempt: FailedAttempt): RetryDecision | undefined;
}

export const STOP: RetryDecision = Object.freeze({ retry: false });

/** Asks each handler in turn; stops when none has an opinion. */
export function decideRetry(handlers: readonly RetryHandler[], attempt: FailedAttempt): RetryDecision {
  for (const handler of handlers) {
    const decision = handler.decide(attempt);
    if (decision) return decision;
  }
  return STOP;
}
