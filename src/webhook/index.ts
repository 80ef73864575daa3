// Incoming webhooks and `response_url` replies. Both are secret URLs that take a JSON message;
// they answer plain text (`ok`, or an error word like `invalid_payload`) or Slack's JSON. Same core,
// same errors, redaction and Slack defaults as the Web API client (a 429 waits its Retry-After and
// is retried; a write that Slack may have received is not); the URL never appears in an error or log.
import type { HttpCore, HttpCoreOptions } from '../http/core.js';
import { defaultTransport } from '../http/default-transport.js';
import { InvalidArgumentError, PlatformError } from '../http/errors.js';
import { slackCore } from '../http/slack-defaults.js';
import type { Transport, TransportResponse } from '../http/transport.js';

export interface WebhookMessage {
  text?: string;
  blocks?: readonly Record<string, unknown>[];
  attachments?: readonly Record<string, unknown>[];
  thread_ts?: string;
  mrkdwn?: boolean;
  unfurl_links?: boolean;
  unfurl_media?: boolean;
  /** response_url only: */
  response_type?: 'in_channel' | 'ephemeral';
  replace_original?: boolean;
  delete_original?: boolean;
  metadata?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface WebhookResult {
  /** Slack's answer: `ok` for incoming webhooks. */
  text: string;
  status: number;
}

/** What a webhook client builds its own core from: a type error next to `core`. */
export type WebhookCoreOptions = Omit<HttpCoreOptions, 'redactor' | 'limiter' | 'deadlineMs'>;

interface WebhookCommonOptions {
  /** Fields merged into every message (e.g. a default `text`). */
  defaults?: WebhookMessage;
  signal?: AbortSignal;
  /** Overall time budget per message, retries included, in ms (default 5 minutes). */
  deadlineMs?: number;
  /** Repeat a post after failures that Slack may have received (may post twice). Default false. */
  retryWrites?: boolean;
}

type NoneOf<T> = { [K in keyof T]?: never };

/** Either the client builds its core from the core options, or it shares `core` and takes none of them. */
export type WebhookOptions = WebhookCommonOptions &
  ((WebhookCoreOptions & { core?: undefined }) | (NoneOf<WebhookCoreOptions> & { core: HttpCore }));

/** Whatever a webhook answers: `ok`, an error word, or `{ ok, error }` JSON. */
function interpret(name: string, core: HttpCore, response: TransportResponse): WebhookResult {
  const text = response.body.toString('utf8');
  const requestId = response.headers['x-slack-req-id'];
  let error: string | undefined;
  if ((response.headers['content-type'] ?? '').includes('json')) {
    try {
      const body = JSON.parse(text) as { ok?: unknown; error?: unknown };
      if (body.ok === false) error = typeof body.error === 'string' ? body.error : 'unknown_error';
    } catch {
      // Not JSON after all: judged by status below.
    }
  }
  if (response.status === 429) throw core.httpError(name, response);
  if (response.status >= 200 && response.status < 300 && error === undefined) return { text, status: response.status };
  // Slack answers webhook failures with a short error word as the body (invalid_payload, no_service...).
  const word = error ?? (/^[a-z_]{2,64}$/.test(text.trim()) ? text.trim() : undefined);
  if (word === undefined) throw core.httpError(name, response);
  throw new PlatformError({ ok: false, error: word }, { method: name, requestId, status: response.status });
}

function checkUrl(url: string, what: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidArgumentError(`${what}: not a URL`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new InvalidArgumentError(`${what}: the URL must be http(s)`);
  }
  return parsed;
}

async function post(
  core: HttpCore,
  name: string,
  url: URL,
  message: WebhookMessage,
  options: { signal?: AbortSignal | undefined; deadlineMs?: number | undefined; retryWrites?: boolean | undefined },
): Promise<WebhookResult> {
  const body = JSON.stringify(message);
  return core.call(
    {
      method: name,
      read: false,
      retryWrites: options.retryWrites ?? false,
      url,
      httpMethod: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: () => body,
      signal: options.signal,
      deadlineMs: options.deadlineMs,
    },
    (response) => interpret(name, core, response),
  );
}

/** The core options of `options`, without the webhook's own. */
function coreOptions(options: WebhookOptions): HttpCoreOptions {
  const { defaults: _d, signal: _s, deadlineMs, retryWrites: _r, core: _c, ...core } = options;
  return deadlineMs === undefined ? core : { ...core, deadlineMs };
}

export class IncomingWebhook {
  readonly #url: URL;
  readonly #core: HttpCore;
  readonly #ownsCore: boolean;
  readonly #options: WebhookOptions;

  constructor(url: string, options: WebhookOptions = {}) {
    this.#url = checkUrl(url, 'IncomingWebhook');
    this.#ownsCore = options.core === undefined;
    this.#core = options.core ?? slackCore(coreOptions(options));
    this.#core.redactor.addSecret(url);
    this.#options = options;
  }

  /** Posts a message; a string is sent as `{ text }`. */
  send(
    message: string | WebhookMessage,
    options: { signal?: AbortSignal; retryWrites?: boolean; deadlineMs?: number } = {},
  ): Promise<WebhookResult> {
    const body = typeof message === 'string' ? { text: message } : message;
    return post(
      this.#core,
      'incoming-webhook',
      this.#url,
      { ...this.#options.defaults, ...body },
      {
        signal: options.signal ?? this.#options.signal,
        deadlineMs: options.deadlineMs ?? this.#options.deadlineMs,
        retryWrites: options.retryWrites ?? this.#options.retryWrites,
      },
    );
  }

  /** Frees the connection pool, when this webhook made its core (a shared `core` stays open). */
  close(): void {
    if (this.#ownsCore) this.#core.close();
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'IncomingWebhook { url: [REDACTED] }';
  }

  toJSON(): Record<string, unknown> {
    return { url: '[REDACTED]' };
  }
}

// respond() is called once per interaction, so its default pool is made once, on first use, and
// kept (its idle connections close themselves after a few seconds and never hold the process open).
// Each call still gets its own core over it: a response_url is registered with that core's
// redactor only, so nothing accumulates per call.
let responsePool: Transport | undefined;

/**
 * Replies through an interaction's or command's `response_url`, with the Slack defaults (a 429 is
 * retried after its Retry-After). Pass `core` (or `transport`) to use your own pool.
 */
export async function respond(
  responseUrl: string,
  message: string | WebhookMessage,
  options: WebhookOptions = {},
): Promise<WebhookResult> {
  const url = checkUrl(responseUrl, 'respond');
  let core = options.core;
  if (core === undefined) {
    const own = coreOptions(options);
    if (own.transport === undefined && own.fetch === undefined) own.transport = responsePool ??= defaultTransport();
    core = slackCore(own);
  }
  core.redactor.addSecret(responseUrl);
  const body = typeof message === 'string' ? { text: message } : message;
  // A core made here holds no pool of its own (the transport is shared or the caller's): nothing to close.
  return post(core, 'response_url', url, { ...options.defaults, ...body }, options);
}
