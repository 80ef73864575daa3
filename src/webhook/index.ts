// Incoming webhooks and `response_url` replies. Both are secret URLs that take a JSON message;
// they answer plain text (`ok`, or an error word like `invalid_payload`) or Slack's JSON. Same core,
// same errors and redaction as the Web API client; the URL itself never appears in an error or log.
import { HttpCore, type HttpCoreOptions } from '../http/core.js';
import { InvalidArgumentError, PlatformError } from '../http/errors.js';
import type { TransportResponse } from '../http/transport.js';

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

export interface WebhookOptions extends Omit<HttpCoreOptions, 'redactor'> {
  /** Fields merged into every message (e.g. a default `text`). */
  defaults?: WebhookMessage;
  /** Share another client's core. */
  core?: HttpCore;
  signal?: AbortSignal;
  deadlineMs?: number;
}

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
  options: { signal?: AbortSignal; deadlineMs?: number; retryWrites?: boolean },
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

export class IncomingWebhook {
  readonly #url: URL;
  readonly #core: HttpCore;
  readonly #options: WebhookOptions;

  constructor(url: string, options: WebhookOptions = {}) {
    this.#url = checkUrl(url, 'IncomingWebhook');
    this.#core = options.core ?? new HttpCore(options);
    this.#core.redactor.addSecret(url);
    this.#options = options;
  }

  /** Posts a message; a string is sent as `{ text }`. */
  send(message: string | WebhookMessage, options: { signal?: AbortSignal; retryWrites?: boolean } = {}) {
    const body = typeof message === 'string' ? { text: message } : message;
    return post(
      this.#core,
      'incoming-webhook',
      this.#url,
      { ...this.#options.defaults, ...body },
      {
        signal: options.signal ?? this.#options.signal,
        deadlineMs: this.#options.deadlineMs,
        retryWrites: options.retryWrites,
      },
    );
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'IncomingWebhook { url: [REDACTED] }';
  }

  toJSON(): Record<string, unknown> {
    return { url: '[REDACTED]' };
  }
}

/** Replies through an interaction's or command's `response_url`. */
export async function respond(
  responseUrl: string,
  message: string | WebhookMessage,
  options: WebhookOptions = {},
): Promise<WebhookResult> {
  const url = checkUrl(responseUrl, 'respond');
  const core = options.core ?? new HttpCore(options);
  core.redactor.addSecret(responseUrl);
  const body = typeof message === 'string' ? { text: message } : message;
  try {
    return await post(core, 'response_url', url, { ...options.defaults, ...body }, options);
  } finally {
    if (!options.core) core.close();
  }
}
