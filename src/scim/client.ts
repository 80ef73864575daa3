// SCIMClient: Slack's SCIM API (v1 or v2) on the one HTTP core, with the Slack defaults (429 +
// Retry-After, GET/PUT/DELETE repeated after transient failures, POST/PATCH never once sent), the
// redactor, and SCIM's own org-wide budgets in the limiter (limits.ts). Query parameters go out in
// one fixed order (filter, startIndex, count); filters come from the builder in filter.ts.
import { createHash } from 'node:crypto';
import { HttpCore, type HttpCoreOptions } from '../http/core.js';
import { InvalidArgumentError, InvalidResponseError } from '../http/errors.js';
import type { LimiterStore } from '../http/limiter-store.js';
import { RateLimiter } from '../http/rate-limiter.js';
import type { HttpMethod } from '../http/retry.js';
import { slackCoreOptions } from '../http/slack-defaults.js';
import type { TransportResponse } from '../http/transport.js';
import { SCIMError, scimErrorFacts } from './errors.js';
import type { SCIMFilter } from './filter.js';
import { type SCIMResource, scimBuckets } from './limits.js';
import { SCIMPages } from './pages.js';
import type {
  SCIMGroup,
  SCIMGroupInput,
  SCIMListResponse,
  SCIMResourceType,
  SCIMServiceProviderConfig,
  SCIMUser,
  SCIMUserInput,
  SCIMVersion,
} from './types.js';

export const DEFAULT_SCIM_URL = 'https://api.slack.com/scim/';

export interface SCIMClientOptions extends Omit<HttpCoreOptions, 'redactor' | 'limiter'> {
  /** `v2` (default) or `v1`. */
  version?: SCIMVersion;
  /** Where `v1/` and `v2/` live (default `https://api.slack.com/scim/`; the emulator's `scimUrl`). */
  baseUrl?: string;
  /**
   * Slack's SCIM budgets in the limiter (default on, in memory). Pass a shared `store` (Redis) when
   * several processes of an org call SCIM: Slack counts all SCIM apps of the org together.
   */
  rateLimits?: boolean | { store?: LimiterStore; maxQueue?: number };
  /**
   * Who the budgets belong to: Slack counts every SCIM app of an org together, so clients of one org
   * that hold different tokens share budgets when they name the same `org` (its enterprise id).
   * Default: a fingerprint of the token (never the token).
   */
  org?: string;
}

export interface SCIMSearchOptions {
  /** A filter from the builder (`eq('userName', input)`), or a string you wrote and trust. */
  filter?: SCIMFilter | string;
  /** 1-based index of the first result (default 1). */
  startIndex?: number;
  /** Results per page (Slack's default when absent). */
  count?: number;
  signal?: AbortSignal;
}

export interface SCIMCallOptions {
  signal?: AbortSignal;
}

export interface SCIMGroupPatch {
  displayName?: string;
  /** User ids to add. */
  add?: readonly string[];
  /** User ids to remove. */
  remove?: readonly string[];
}

const ID = /^[A-Za-z0-9]{1,40}$/;
const V1_SCHEMA = 'urn:scim:schemas:core:1.0';
const SCHEMAS = {
  v1: { user: [V1_SCHEMA], group: [V1_SCHEMA], patch: [V1_SCHEMA] },
  v2: {
    user: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    group: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
    patch: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
  },
} as const;

interface Request {
  verb: HttpMethod;
  resource: SCIMResource | 'ServiceProviderConfigs' | 'ResourceTypes';
  id?: string | undefined;
  query?: URLSearchParams;
  body?: unknown;
  signal?: AbortSignal | undefined;
}

function checkId(id: string, what: string): string {
  if (typeof id !== 'string' || !ID.test(id))
    throw new InvalidArgumentError(`${what}: not a SCIM id (letters and digits)`);
  return id;
}

function positive(value: number | undefined, name: string, min: number): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= min && value <= 1_000_000_000)) {
    throw new InvalidArgumentError(`${name} must be an integer of at least ${min}`);
  }
}

export class SCIMClient {
  readonly version: SCIMVersion;
  readonly baseUrl: string;
  readonly #token: string;
  readonly #core: HttpCore;
  readonly #identity: string;
  /** Users: search, read, create, replace (PUT), patch, deactivate (DELETE). */
  readonly users: SCIMUsers;
  /** Groups: search, read, create, replace (PUT), patch (members, name), delete. */
  readonly groups: SCIMGroups;

  constructor(token: string, options: SCIMClientOptions = {}) {
    if (typeof token !== 'string' || token.trim() === '') {
      throw new InvalidArgumentError(
        'SCIMClient(token, options): token must be a non-empty string (an org admin token with the admin scope)',
      );
    }
    const { version = 'v2', baseUrl = DEFAULT_SCIM_URL, rateLimits, org, ...coreOptions } = options;
    if (version !== 'v1' && version !== 'v2')
      throw new InvalidArgumentError("SCIMClient: version must be 'v1' or 'v2'");
    let url: URL;
    try {
      url = new URL(baseUrl);
    } catch {
      throw new InvalidArgumentError('SCIMClient: baseUrl must be an absolute http(s) URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new InvalidArgumentError('SCIMClient: baseUrl must be an absolute http(s) URL');
    }
    if (!url.pathname.endsWith('/')) url.pathname += '/';
    this.version = version;
    this.baseUrl = url.href;
    this.#token = token;
    const built: HttpCoreOptions = slackCoreOptions(coreOptions);
    if (rateLimits !== false) {
      const rl = typeof rateLimits === 'object' ? rateLimits : {};
      built.limiter = new RateLimiter({ store: rl.store, maxQueue: rl.maxQueue, clock: coreOptions.clock });
    }
    this.#core = new HttpCore(built);
    this.#core.redactor.addSecret(token);
    if (org !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(org)) {
      throw new InvalidArgumentError('SCIMClient: org is an enterprise id (letters, digits, - and _)');
    }
    this.#identity = org ?? `t_${createHash('sha256').update(token).digest('base64url').slice(0, 16)}`;
    const call = <T>(request: Request): Promise<T> => this.#call<T>(request);
    this.users = new SCIMUsers(version, call);
    this.groups = new SCIMGroups(version, call);
  }

  /** `GET ServiceProviderConfigs`: what the service supports (PATCH, filters and their page cap, bulk…). */
  async serviceProviderConfig(options: SCIMCallOptions = {}): Promise<SCIMServiceProviderConfig> {
    return this.#call({ verb: 'GET', resource: 'ServiceProviderConfigs', signal: options.signal });
  }

  /** `GET ResourceTypes` (SCIM v2 only): the resource types the service serves and their schemas. */
  async resourceTypes(options: SCIMCallOptions = {}): Promise<SCIMListResponse<SCIMResourceType>> {
    if (this.version !== 'v2')
      throw new InvalidArgumentError('SCIMClient.resourceTypes: SCIM v2 only (this client is v1)');
    return this.#call({ verb: 'GET', resource: 'ResourceTypes', signal: options.signal });
  }

  async #call<T>(request: Request): Promise<T> {
    const { verb, resource, id } = request;
    const method = `SCIM ${verb} ${resource}${id === undefined ? '' : '/<id>'}`;
    const url = new URL(
      `${this.version}/${resource}${id === undefined ? '' : `/${encodeURIComponent(id)}`}`,
      this.baseUrl,
    );
    if (request.query !== undefined) url.search = request.query.toString();
    const core = this.#core;
    const buckets = scimBuckets(this.#identity, verb, resource, id !== undefined);
    if (core.limiter && buckets.endpoint !== undefined) {
      // The set's org-wide budget here; the endpoint's own in the limiter layer (which a 429 closes).
      await core.limiter.acquire(buckets.set, { method, signal: request.signal });
    }
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    const headers: Record<string, string> = { authorization: `Bearer ${this.#token}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json; charset=utf-8';
    return core.call(
      {
        method,
        url,
        httpMethod: verb,
        headers,
        body: body === undefined ? undefined : () => body,
        signal: request.signal,
        bucket: buckets.endpoint ?? buckets.set,
      },
      (response) => this.#interpret(method, response) as T,
    );
  }

  #interpret(method: string, response: TransportResponse): unknown {
    const core = this.#core;
    const { status } = response;
    const requestId = response.headers['x-slack-req-id'];
    const contentType = response.headers['content-type'];
    if (status >= 200 && status < 300) {
      if (status === 204 || response.body.length === 0) return undefined;
      let parsed: unknown;
      try {
        parsed = JSON.parse(response.body.toString('utf8'));
      } catch {
        throw new InvalidResponseError('not JSON', contentType, core.snippet(response.body), {
          method,
          requestId,
          status,
        });
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new InvalidResponseError('not a JSON object', contentType, core.snippet(response.body), {
          method,
          requestId,
          status,
        });
      }
      return parsed;
    }
    // 429 and 5xx stay the core's errors, so its retry rules (Retry-After, repeatable verbs) apply.
    if (status === 429 || status >= 500) throw core.httpError(method, response);
    let parsed: unknown;
    try {
      parsed = JSON.parse(response.body.toString('utf8'));
    } catch {
      throw core.httpError(method, response);
    }
    const facts = scimErrorFacts(parsed);
    if (facts === undefined) throw core.httpError(method, response);
    const redactor = core.redactor;
    throw new SCIMError(
      { detail: redactor.string(facts.detail), error: facts.error, scimType: facts.scimType },
      { method, requestId, status },
    );
  }

  /** Frees the connection pool. */
  close(): void {
    this.#core.close();
  }

  toJSON(): Record<string, unknown> {
    return { version: this.version, baseUrl: this.baseUrl };
  }
}

type Caller = <T>(request: Request) => Promise<T>;

function searchQuery(options: SCIMSearchOptions): URLSearchParams {
  positive(options.startIndex, 'startIndex', 1);
  positive(options.count, 'count', 0);
  // Always this order: the same call makes the same URL (cache keys, logs, signatures).
  const query = new URLSearchParams();
  if (options.filter !== undefined) query.set('filter', String(options.filter));
  if (options.startIndex !== undefined) query.set('startIndex', String(options.startIndex));
  if (options.count !== undefined) query.set('count', String(options.count));
  return query;
}

abstract class SCIMResourceApi<T, Input> {
  protected abstract readonly resource: SCIMResource;

  constructor(
    protected readonly version: SCIMVersion,
    protected readonly call: Caller,
  ) {}

  /** One page of results. */
  async search(options: SCIMSearchOptions = {}): Promise<SCIMListResponse<T>> {
    return this.call({ verb: 'GET', resource: this.resource, query: searchQuery(options), signal: options.signal });
  }

  /** Every result, page by page (`startIndex`/`count`), as an async iterator; `.pages()` gives whole pages. */
  all(options: SCIMSearchOptions & { maxPages?: number } = {}): SCIMPages<T> {
    positive(options.startIndex, 'startIndex', 1);
    positive(options.count, 'count', 1);
    return new SCIMPages<T>(
      (startIndex) => this.search({ ...options, startIndex }),
      options.startIndex ?? 1,
      options.maxPages,
    );
  }

  async read(id: string, options: SCIMCallOptions = {}): Promise<T> {
    return this.call({
      verb: 'GET',
      resource: this.resource,
      id: checkId(id, `${this.resource}.read`),
      signal: options.signal,
    });
  }

  async create(input: Input, options: SCIMCallOptions = {}): Promise<T> {
    return this.call({ verb: 'POST', resource: this.resource, body: this.withSchemas(input), signal: options.signal });
  }

  /** PUT: the resource becomes `input`; what it leaves out is cleared. */
  async replace(id: string, input: Input, options: SCIMCallOptions = {}): Promise<T> {
    return this.call({
      verb: 'PUT',
      resource: this.resource,
      id: checkId(id, `${this.resource}.replace`),
      body: this.withSchemas(input),
      signal: options.signal,
    });
  }

  protected abstract withSchemas(input: Input): Record<string, unknown>;
}

export class SCIMUsers extends SCIMResourceApi<SCIMUser, SCIMUserInput> {
  protected readonly resource = 'Users' as const;

  protected withSchemas(input: SCIMUserInput): Record<string, unknown> {
    return { schemas: [...SCHEMAS[this.version].user], ...input };
  }

  /** Changes the given attributes only (v1: a partial resource; v2: one PatchOp `replace`). */
  async patch(id: string, changes: Partial<SCIMUserInput>, options: SCIMCallOptions = {}): Promise<SCIMUser> {
    const body =
      this.version === 'v1'
        ? { schemas: [...SCHEMAS.v1.patch], ...changes }
        : { schemas: [...SCHEMAS.v2.patch], Operations: [{ op: 'replace', value: changes }] };
    return this.call({
      verb: 'PATCH',
      resource: 'Users',
      id: checkId(id, 'users.patch'),
      body,
      signal: options.signal,
    });
  }

  /** DELETE: Slack deactivates the user (`deleted: true` in users.list); it never erases one. */
  async deactivate(id: string, options: SCIMCallOptions = {}): Promise<void> {
    await this.call({ verb: 'DELETE', resource: 'Users', id: checkId(id, 'users.deactivate'), signal: options.signal });
  }
}

export class SCIMGroups extends SCIMResourceApi<SCIMGroup, SCIMGroupInput> {
  protected readonly resource = 'Groups' as const;

  protected withSchemas(input: SCIMGroupInput): Record<string, unknown> {
    return { schemas: [...SCHEMAS[this.version].group], ...input };
  }

  /** Adds and removes members, renames: only what is given changes. */
  async patch(id: string, change: SCIMGroupPatch, options: SCIMCallOptions = {}): Promise<SCIMGroup> {
    const add = (change.add ?? []).map((u) => checkId(u, 'groups.patch add'));
    const remove = (change.remove ?? []).map((u) => checkId(u, 'groups.patch remove'));
    let body: Record<string, unknown>;
    if (this.version === 'v1') {
      body = { schemas: [...SCHEMAS.v1.patch] };
      if (change.displayName !== undefined) body.displayName = change.displayName;
      if (add.length + remove.length > 0) {
        body.members = [...add.map((value) => ({ value })), ...remove.map((value) => ({ value, operation: 'delete' }))];
      }
    } else {
      const ops: Record<string, unknown>[] = [];
      if (change.displayName !== undefined) ops.push({ op: 'replace', path: 'displayName', value: change.displayName });
      if (add.length > 0) ops.push({ op: 'add', path: 'members', value: add.map((value) => ({ value })) });
      if (remove.length > 0) ops.push({ op: 'remove', path: 'members', value: remove.map((value) => ({ value })) });
      body = { schemas: [...SCHEMAS.v2.patch], Operations: ops };
    }
    if (change.displayName === undefined && add.length + remove.length === 0) {
      throw new InvalidArgumentError('groups.patch: give displayName, add or remove');
    }
    return this.call({
      verb: 'PATCH',
      resource: 'Groups',
      id: checkId(id, 'groups.patch'),
      body,
      signal: options.signal,
    });
  }

  /** DELETE: the group is removed for good. */
  async delete(id: string, options: SCIMCallOptions = {}): Promise<void> {
    await this.call({ verb: 'DELETE', resource: 'Groups', id: checkId(id, 'groups.delete'), signal: options.signal });
  }
}
