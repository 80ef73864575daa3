// AuditLogsClient: the Audit Logs API (GET logs, schemas, actions) on the one HTTP core, with the Slack
// defaults (a 429 waits its Retry-After; reads are repeated after network failures and 5xx), the
// token registered with the redactor, and every failure a typed error.
import type { HttpCore, HttpCoreOptions } from '../http/core.js';
import { InvalidArgumentError, InvalidResponseError } from '../http/errors.js';
import { cursorPages } from '../http/paginate.js';
import { slackCore } from '../http/slack-defaults.js';
import type { TransportResponse } from '../http/transport.js';
import { AuditLogsError } from './errors.js';
import type { ActionsResponse, AuditLogEntry, LogsPage, LogsPosition, LogsQuery, SchemasResponse } from './types.js';

export const DEFAULT_AUDIT_URL = 'https://api.slack.com/audit/v1/';

export interface AuditLogsClientOptions extends Omit<HttpCoreOptions, 'redactor' | 'limiter'> {
  /** The API's base URL (default https://api.slack.com/audit/v1/; the emulator's `auditUrl`). */
  baseUrl?: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export class AuditLogsClient {
  readonly #core: HttpCore;
  readonly #token: string;
  readonly #baseUrl: URL;

  constructor(token: string, options: AuditLogsClientOptions = {}) {
    if (typeof token !== 'string' || token === '') {
      throw new InvalidArgumentError('AuditLogsClient needs an org admin user token (with auditlogs:read)');
    }
    const { baseUrl, ...coreOptions } = options;
    let url: URL;
    try {
      url = new URL(baseUrl ?? DEFAULT_AUDIT_URL);
    } catch {
      throw new InvalidArgumentError('AuditLogsClient: baseUrl is not a URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new InvalidArgumentError('AuditLogsClient: baseUrl must be http(s)');
    }
    if (!url.pathname.endsWith('/')) url.pathname += '/';
    this.#baseUrl = url;
    this.#core = slackCore(coreOptions);
    this.#token = token;
    this.#core.redactor.addSecret(token);
  }

  /** The entries matching `query`, newest first, page by page as needed; see `position` to resume. */
  logs(query: LogsQuery = {}): AuditLogIterator {
    return new AuditLogIterator(query, (cursor) => this.#logsPage(query, cursor));
  }

  /** Every kind of object an entry can be about, and its fields. */
  schemas(options: { signal?: AbortSignal } = {}): Promise<SchemasResponse> {
    return this.#get('schemas', new URLSearchParams(), options.signal, (body) => {
      if (!Array.isArray(body.schemas)) throw new Error('no schemas array');
      return body as unknown as SchemasResponse;
    });
  }

  /** Every action name, by category. */
  actions(options: { signal?: AbortSignal } = {}): Promise<ActionsResponse> {
    return this.#get('actions', new URLSearchParams(), options.signal, (body) => {
      if (!isObject(body.actions)) throw new Error('no actions object');
      return body as unknown as ActionsResponse;
    });
  }

  #logsPage(query: LogsQuery, cursor: string | undefined): Promise<LogsPage> {
    const params = new URLSearchParams();
    const int = (name: string, value: number | undefined) => {
      if (value === undefined) return;
      if (!Number.isInteger(value) || value < 0) throw new InvalidArgumentError(`logs: ${name} must be a whole number`);
      params.set(name, String(value));
    };
    int('oldest', query.oldest);
    int('latest', query.latest);
    int('limit', query.limit);
    const action = typeof query.action === 'string' ? query.action : query.action?.join(',');
    if (action) params.set('action', action);
    if (query.actor) params.set('actor', query.actor);
    if (query.entity) params.set('entity', query.entity);
    if (cursor) params.set('cursor', cursor);
    return this.#get('logs', params, query.signal, (body) => {
      if (!Array.isArray(body.entries)) throw new Error('no entries array');
      const meta = body.response_metadata;
      const next = isObject(meta) && typeof meta.next_cursor === 'string' ? meta.next_cursor : '';
      return { cursor, entries: body.entries as AuditLogEntry[], nextCursor: next || undefined };
    });
  }

  #get<T>(
    endpoint: string,
    params: URLSearchParams,
    signal: AbortSignal | undefined,
    shape: (body: Record<string, unknown>) => T,
  ): Promise<T> {
    const url = new URL(endpoint, this.#baseUrl);
    url.search = params.toString();
    const method = `audit.${endpoint}`;
    return this.#core.call(
      {
        method,
        url,
        httpMethod: 'GET',
        headers: { authorization: `Bearer ${this.#token}`, accept: 'application/json' },
        signal,
      },
      (response) => this.#interpret(method, response, shape),
    );
  }

  #interpret<T>(method: string, response: TransportResponse, shape: (body: Record<string, unknown>) => T): T {
    const requestId = response.headers['x-slack-req-id'];
    const type = response.headers['content-type'];
    let body: unknown;
    try {
      body = JSON.parse(response.body.toString('utf8'));
    } catch {
      body = undefined;
    }
    const ok = response.status >= 200 && response.status < 300;
    // 429 and 5xx stay the core's errors, so its retry handlers see them.
    if (response.status === 429 || response.status >= 500) throw this.#core.httpError(method, response);
    if (!ok || (isObject(body) && body.ok === false)) {
      if (isObject(body) && typeof body.error === 'string') {
        const redacted = this.#core.redactor.value(body) as Record<string, unknown>;
        throw new AuditLogsError(redacted, { method, requestId, status: response.status });
      }
      throw this.#core.httpError(method, response);
    }
    const snippet = () => this.#core.snippet(response.body);
    if (!isObject(body)) throw new InvalidResponseError('not a JSON object', type, snippet(), { method, requestId });
    try {
      return shape(body);
    } catch (error) {
      throw new InvalidResponseError((error as Error).message, type, snippet(), { method, requestId });
    }
  }

  /** Frees the connection pool. */
  close(): void {
    this.#core.close();
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'AuditLogsClient { token: [REDACTED] }';
  }

  toJSON(): Record<string, unknown> {
    return { token: '[REDACTED]', baseUrl: this.#baseUrl.href };
  }
}

/**
 * The entries of a logs query, newest first. Iterate it for entries or call pages(); `position` is
 * where to resume after the last entry (or page) consumed, e.g. after a crash.
 */
export class AuditLogIterator implements AsyncIterable<AuditLogEntry> {
  #position: LogsPosition;
  #started = false;

  constructor(
    private readonly query: LogsQuery,
    private readonly fetchPage: (cursor: string | undefined) => Promise<LogsPage>,
  ) {
    const skip = query.skip ?? 0;
    if (!Number.isInteger(skip) || skip < 0) throw new InvalidArgumentError('logs: skip must be a whole number');
    this.#position = { cursor: query.cursor || undefined, skip, done: false };
  }

  /** `logs({ ...query, cursor, skip })` continues right after what was consumed. */
  get position(): LogsPosition {
    return { ...this.#position };
  }

  /** The pages, each with the cursor it was fetched with; the first page's skipped entries left out. */
  async *pages(): AsyncGenerator<LogsPage> {
    if (this.#started) throw new InvalidArgumentError('an audit log iterator can be walked once');
    this.#started = true;
    let skip = this.#position.skip;
    const walk = cursorPages<LogsPage>({
      page: (cursor) => this.fetchPage(cursor),
      next: (page) => page.nextCursor,
      cursor: this.#position.cursor,
      maxPages: this.query.maxPages,
      method: 'audit.logs',
    });
    for await (const page of walk) {
      const entries = skip > 0 ? page.entries.slice(skip) : page.entries;
      skip = 0;
      yield { ...page, entries };
      this.#position = { cursor: page.nextCursor, skip: 0, done: page.nextCursor === undefined };
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<AuditLogEntry> {
    for await (const page of this.pages()) {
      const base = this.#position.skip;
      for (let i = 0; i < page.entries.length; i++) {
        this.#position = { cursor: page.cursor, skip: base + i + 1, done: false };
        yield page.entries[i] as AuditLogEntry;
      }
      this.#position = { cursor: page.nextCursor, skip: 0, done: page.nextCursor === undefined };
    }
  }
}
