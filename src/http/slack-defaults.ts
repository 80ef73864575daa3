// The one place the Slack defaults are written: every Slack client's core (web, webhook,
// respond(), and the coming SCIM, Audit Logs and apps.connections.open) is built from these, so a
// webhook retries a 429 exactly as the Web API client does. The limiter is the Web API's (its
// budgets are per Web API method) and is added by WebClient.
import { DEFAULT_MAX_RETRY_AFTER_MS, HttpCore, type HttpCoreOptions } from './core.js';
import { defaultRetryHandlers } from './retry-handlers.js';

/** Overall time budget of one call, waits and retries included: 5 minutes. */
export const DEFAULT_DEADLINE_MS = 300_000;

/** The options of a Slack client's core: the caller's, with the Slack defaults filled in. */
export function slackCoreOptions(options: HttpCoreOptions = {}): HttpCoreOptions {
  return {
    ...options,
    retryHandlers: options.retryHandlers ?? defaultRetryHandlers(),
    deadlineMs: options.deadlineMs ?? DEFAULT_DEADLINE_MS,
    maxRetryAfterMs: options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS,
  };
}

/**
 * A core with the Slack defaults: stale-socket, 429 and transient-failure retries, a 5-minute deadline,
 * Retry-After capped at 2 minutes.
 */
export function slackCore(options: HttpCoreOptions = {}): HttpCore {
  return new HttpCore(slackCoreOptions(options));
}
