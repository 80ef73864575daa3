// One error base with a stable string `code`; subclasses only where callers branch.
// Every message is built from redacted parts, so no error ever carries a secret.
// Every error any door throws extends SlacklineError: `instanceof SlacklineError` plus
// `switch (err.code)` covers them all. Each door exports its own codes as a const object (this file
// holds the HTTP core's); a subclass narrows `code` with `declare readonly code: ...`.

/** Stable error codes, exported so callers can compare against constants. */
export const ErrorCode = {
  Platform: 'slack_platform_error',
  RateLimited: 'slack_rate_limited',
  HTTP: 'slack_http_error',
  InvalidResponse: 'slack_invalid_response',
  Request: 'slack_request_error',
  InvalidArgument: 'slack_invalid_argument',
  QueueFull: 'slack_rate_limit_queue_full',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface SlacklineErrorOptions {
  /** The API method (or endpoint name) being called. */
  method?: string;
  /** Slack's `x-slack-req-id` response header, for support requests. */
  requestId?: string;
  /** HTTP status, when a response arrived. */
  status?: number;
  cause?: unknown;
}

export class SlacklineError extends Error {
  readonly code: string;
  readonly method: string | undefined;
  readonly requestId: string | undefined;
  readonly status: number | undefined;

  constructor(code: string, message: string, options: SlacklineErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.method = options.method;
    this.requestId = options.requestId;
    this.status = options.status;
  }

  /** What JSON.stringify shows: the public, already-redacted facts only. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.name, code: this.code, message: this.message };
    for (const [k, v] of Object.entries(this)) if (v !== undefined) out[k] = v;
    return out;
  }
}

/** Keeps the raw value on an error without it being enumerable (so it stays out of logs and JSON). */
export function attachHidden<T extends object>(target: T, key: string, value: unknown): T {
  Object.defineProperty(target, key, { value, enumerable: false, writable: false, configurable: true });
  return target;
}

/** Slack answered `ok: false`. `error` is Slack's code, e.g. `channel_not_found`. */
export class PlatformError extends SlacklineError {
  readonly error: string;
  /** Scopes Slack says the call needs, on `missing_scope`. */
  readonly needed: string | undefined;
  /** Scopes the token has, on `missing_scope`. */
  readonly provided: string | undefined;
  readonly warning: string | undefined;
  readonly responseMetadata: { messages?: string[]; warnings?: string[] } | undefined;
  /** The whole (redacted) response body. Not enumerable. */
  declare readonly data: Record<string, unknown>;

  constructor(body: Record<string, unknown>, options: SlacklineErrorOptions) {
    const error = typeof body.error === 'string' ? body.error : 'unknown_error';
    const needed = typeof body.needed === 'string' ? body.needed : undefined;
    const detail = needed ? ` (needed: ${needed})` : '';
    super(ErrorCode.Platform, `${options.method ?? 'Slack'} failed: ${error}${detail}`, options);
    this.error = error;
    this.needed = needed;
    this.provided = typeof body.provided === 'string' ? body.provided : undefined;
    this.warning = typeof body.warning === 'string' ? body.warning : undefined;
    const meta = body.response_metadata;
    this.responseMetadata =
      meta && typeof meta === 'object' ? (meta as { messages?: string[]; warnings?: string[] }) : undefined;
    attachHidden(this, 'data', body);
  }
}

/** HTTP 429 (or `ok:false, error:"ratelimited"`): safe to retry after `retryAfter` seconds. */
export class RateLimitedError extends SlacklineError {
  /** Seconds Slack asked us to wait. */
  readonly retryAfter: number;

  constructor(retryAfter: number, options: SlacklineErrorOptions) {
    super(ErrorCode.RateLimited, `${options.method ?? 'Slack'} was rate limited; retry after ${retryAfter}s`, options);
    this.retryAfter = retryAfter;
  }
}

/** A non-2xx answer that is not a rate limit: a 5xx, a proxy's HTML page, a 404 for a bad path. */
export class HTTPError extends SlacklineError {
  readonly contentType: string | undefined;
  /** The first bytes of the (redacted) body, enough to recognise a proxy page. */
  readonly bodySnippet: string;
  declare readonly status: number;

  constructor(status: number, contentType: string | undefined, bodySnippet: string, options: SlacklineErrorOptions) {
    super(ErrorCode.HTTP, `${options.method ?? 'request'} answered HTTP ${status}`, { ...options, status });
    this.contentType = contentType;
    this.bodySnippet = bodySnippet;
  }
}

/** A 2xx whose body is not what the API promises (malformed JSON, not an object). */
export class InvalidResponseError extends SlacklineError {
  readonly contentType: string | undefined;
  readonly bodySnippet: string;

  constructor(reason: string, contentType: string | undefined, bodySnippet: string, options: SlacklineErrorOptions) {
    super(ErrorCode.InvalidResponse, `${options.method ?? 'request'} answered an invalid body: ${reason}`, options);
    this.contentType = contentType;
    this.bodySnippet = bodySnippet;
  }
}

export type RequestFailure = 'network' | 'timeout' | 'deadline' | 'aborted' | 'body_too_large';

/** No usable answer arrived: the connection failed, timed out, was aborted, or the body was cut. */
export class RequestError extends SlacklineError {
  readonly reason: RequestFailure;
  /**
   * False only when the failure proves Slack never got the request (refused, DNS, nothing written):
   * the one case where repeating a write cannot post twice.
   */
  readonly mayHaveBeenReceived: boolean;
  /** What went wrong, without the method and reason around it (an errno code, say). */
  readonly detail: string;
  /**
   * The request went out on a pooled keep-alive connection that the server had already closed, and
   * failed before any byte of an answer (the race every keep-alive client meets): worth one
   * immediate retry on a fresh connection.
   */
  readonly staleConnection: boolean;

  constructor(
    reason: RequestFailure,
    detail: string,
    mayHaveBeenReceived: boolean,
    options: SlacklineErrorOptions & { staleConnection?: boolean },
  ) {
    const { staleConnection, ...base } = options;
    super(ErrorCode.Request, `${options.method ?? 'request'} failed (${reason}): ${detail}`, base);
    this.reason = reason;
    this.detail = detail;
    this.mayHaveBeenReceived = mayHaveBeenReceived;
    this.staleConnection = staleConnection ?? false;
  }
}

/** The caller asked for something that cannot be sent: a bad method name, no token, a bad option. */
export class InvalidArgumentError extends SlacklineError {
  constructor(message: string, options: SlacklineErrorOptions = {}) {
    super(ErrorCode.InvalidArgument, message, options);
  }
}

/** The rate limiter's queue for this bucket is full: the call was not sent (nothing was queued). */
export class QueueFullError extends SlacklineError {
  /** How many calls were already waiting in the bucket. */
  readonly queued: number;

  constructor(queued: number, options: SlacklineErrorOptions) {
    super(
      ErrorCode.QueueFull,
      `${options.method ?? 'request'} not sent: ${queued} calls already wait for the same rate limit`,
      options,
    );
    this.queued = queued;
  }
}
