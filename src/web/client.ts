// The Web API client: `new WebClient(token).chat.postMessage({...})`, every method in Slack's catalog,
// on the shared HTTP core. It builds the request, reads Slack's `ok`, and nothing more: retries,
// timeouts and redaction are the core's, with the Slack defaults of http/slack-defaults.ts.
import {
  type CallSpec,
  type CoreEventName,
  type CoreEvents,
  HttpCore,
  type HttpCoreOptions,
  parseRetryAfter,
} from '../http/core.js';
import { InvalidResponseError, PlatformError, RateLimitedError } from '../http/errors.js';
import type { LimiterStore } from '../http/limiter-store.js';
import { RateLimiter } from '../http/rate-limiter.js';
import { slackCoreOptions } from '../http/slack-defaults.js';
import type { BucketRef } from '../http/tiers.js';
import { headerOf, type TransportResponse } from '../http/transport.js';
import { bindMethods } from './method-tree.js';
import type { Methods } from './methods.generated.js';
import { METHODS } from './methods.generated.js';
import { type PaginateOptions, Paginator } from './paginate.js';
import { type BudgetResolver, budgetResolver, type LimitOverrides, SPECIAL_LIMITS } from './tiers.js';
import type { CallOptions, WebAPICallResult } from './types.js';

export type { CallOptions } from './types.js';

import type { FilesUploadV2Arguments, FilesUploadV2Response } from './upload.js';
import { BASIC_AUTH_METHODS, basicCredentials, checkMethodName, checkToken, formBody, jsonBody } from './wire.js';

export const DEFAULT_SLACK_API_URL = 'https://slack.com/api/';
const USER_AGENT = `slackline/0.1.0 node/${process.version}`;

export interface RateLimitOptions {
  /** Where budgets live (default: this process's memory); share one across processes with Redis. */
  store?: LimiterStore;
  /** Calls that may wait in one bucket before QueueFullError (default 1,000). */
  maxQueue?: number;
  /** Budgets by method or tier name (`{ Tier3: { perMinute: 100 } }`: 100 in any rolling minute); null: no limit. */
  limits?: LimitOverrides;
}

/** What a client builds its own core from: meaningless, and a type error, next to `core`. */
export interface CoreBuildOptions extends Omit<HttpCoreOptions, 'redactor' | 'limiter' | 'deadlineMs'> {
  /**
   * The proactive rate limiter: on by default (Slack's published tier limits, in memory). `false`
   * sends every call at once and relies on Slack's 429s alone.
   */
  rateLimits?: boolean | RateLimitOptions;
}

/** Options that hold whether the client builds its core or shares one. */
export interface WebClientCallDefaults {
  /**
   * Whose budget the calls spend: Slack counts per app per workspace, so give the team id when
   * several tokens of one app and workspace share a client. Default: a fingerprint of the token.
   */
  team?: string;
  /**
   * Where the Web API lives (default: the `SLACK_API_URL` environment variable when set, else
   * `https://slack.com/api/`); the emulator and GovSlack set it.
   */
  slackApiUrl?: string;
  /** Repeat writes after failures that Slack may have received (may post twice). Default false. */
  retryWrites?: boolean;
  /** Overall time budget per call, across retries and rate-limit waits, in ms (default 5 minutes). */
  deadlineMs?: number;
  /** Extra headers sent with every call. */
  headers?: Record<string, string>;
}

type NoneOf<T> = { [K in keyof T]?: never };

/**
 * Either the client builds (and owns) its core from the core options, or it shares another's
 * `core` (its transport, pool, logger, retry handlers and limiter) and then takes none of them.
 */
export type WebClientOptions = WebClientCallDefaults &
  ((CoreBuildOptions & { core?: undefined }) | (NoneOf<CoreBuildOptions> & { core: HttpCore }));

type ArgsOf = Record<string, unknown>;

interface Route {
  method: string;
  /** Slack's rate-limit tier, from the catalog. */
  tier: string | undefined;
  url: URL;
  /** With the client's own token; never mutated (node:http copies what it sends). */
  headers: Readonly<Record<string, string>>;
  json: boolean;
  read: boolean;
  /** Authenticates with HTTP Basic client credentials instead of a token. */
  basic: boolean;
  /** Slack limits this method per channel: its bucket depends on the call's `channel`. */
  perChannel: boolean;
  /** The bucket of calls on the client's own token, once resolved (null: not yet). */
  ownBucket: BucketRef | undefined | null;
  /** For a per-channel method: the bucket of each channel on the client's own token, once resolved. */
  channelBuckets: Map<string, BucketRef | undefined> | undefined;
  /** This method's answer, read by the client (one closure per method, not one per call). */
  interpret: (response: TransportResponse) => WebAPICallResult;
}

// The generated method tree is typed onto the class here and assigned in the constructor.
// Every member is assigned from bindMethods() in the constructor.
export interface WebClient extends Omit<Methods, 'files'> {}

// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: see above
export class WebClient {
  readonly slackApiUrl: string;
  readonly files: Methods['files'] & {
    /** Uploads one or more files: getUploadURLExternal, the bytes, then completeUploadExternal. */
    uploadV2(args: FilesUploadV2Arguments, options?: CallOptions): Promise<FilesUploadV2Response>;
  };
  readonly #token: string | undefined;
  readonly #core: HttpCore;
  readonly #base: URL;
  readonly #headers: Record<string, string>;
  readonly #retryWrites: boolean;
  readonly #deadlineMs: number | undefined;
  readonly #routes = new Map<string, Route>();
  readonly #team: string | undefined;
  #limits: LimitOverrides;
  #budgets: BudgetResolver;
  /** Only a client that made its core closes it: clients made by withToken() share their parent's. */
  readonly #ownsCore: boolean;

  constructor(token?: string, options: WebClientOptions = {}) {
    if (token !== undefined) checkToken(token, 'WebClient');
    this.#token = token;
    this.slackApiUrl = options.slackApiUrl ?? (process.env.SLACK_API_URL || DEFAULT_SLACK_API_URL);
    this.#base = new URL(this.slackApiUrl.endsWith('/') ? this.slackApiUrl : `${this.slackApiUrl}/`);
    if (this.#base.protocol !== 'https:' && this.#base.protocol !== 'http:') {
      throw new TypeError(`slackApiUrl must be an http(s) URL, got ${this.#base.protocol}`);
    }
    this.#ownsCore = options.core === undefined;
    this.#core = options.core ?? buildCore(options);
    this.#team = options.team;
    this.#limits = (typeof options.rateLimits === 'object' ? options.rateLimits.limits : undefined) ?? {};
    this.#budgets = budgetResolver(this.#limits);
    this.#core.redactor.addSecret(token);
    this.#headers = { 'user-agent': USER_AGENT, ...options.headers };
    this.#retryWrites = options.retryWrites ?? false;
    this.#deadlineMs = options.deadlineMs;
    const tree = bindMethods((method, args, callOptions) =>
      this.apiCall(method, args as ArgsOf | undefined, callOptions),
    );
    Object.assign(this, tree);
    this.files = Object.assign(tree.files, {
      // Loaded on first use: uploads need node:fs and streams, which most apps never touch.
      uploadV2: async (args: FilesUploadV2Arguments, callOptions?: CallOptions) =>
        (await import('./upload.js')).uploadV2(this, args, callOptions),
    });
  }

  /**
   * Frees the connection pool, when this client made its core. A client from withToken() (and so
   * every clientFor() client) or one given `core` leaves the shared pool open: close its parent.
   */
  close(): void {
    if (this.#ownsCore) this.#core.close();
  }

  /** The shared HTTP core: pass it as `core` to other clients to share one connection pool. */
  get core(): HttpCore {
    return this.#core;
  }

  /** A client for another token on the same connection pool, logger, retry handlers and limiter. */
  withToken(token: string): WebClient {
    // Not `new WebClient`: a class that names itself in its body is bundled as `class _WebClient`
    // and loses its name (scripts/bundle.mjs). A subclass's withToken makes the subclass.
    const client = new (this.constructor as typeof WebClient)(token, {
      slackApiUrl: this.slackApiUrl,
      core: this.#core,
      headers: this.#headers,
      retryWrites: this.#retryWrites,
      ...(this.#deadlineMs === undefined ? {} : { deadlineMs: this.#deadlineMs }),
    });
    client.#limits = this.#limits;
    client.#budgets = this.#budgets;
    return client;
  }

  /** Calls any Web API method by name. `args.token` overrides the client's token for this call. */
  apiCall(method: string, args: ArgsOf = {}, options: CallOptions = {}): Promise<WebAPICallResult> {
    // Not an async function: the core's promise is handed back as it is (an async function would
    // wrap it in one more promise and settle it a few microtasks later, on every call).
    try {
      return this.#call(method, args, options);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  #call(method: string, args: ArgsOf, options: CallOptions): Promise<WebAPICallResult> {
    const route = this.#route(method);
    const callToken = args.token;
    let rest = args;
    // The common case (the client's own token) reuses one header object per method.
    let headers = route.headers;
    if (callToken !== undefined || route.basic) {
      const { token, ...others } = args;
      rest = others;
      let authorization = this.#token === undefined ? undefined : `Bearer ${this.#token}`;
      const basic = route.basic ? basicCredentials(rest) : undefined;
      if (basic) {
        // The code being exchanged: redacted by value should Slack or a proxy echo it back.
        if (typeof rest.code === 'string') this.#core.redactor.addCode(rest.code);
        this.#core.redactor.addSecret(basic.secret);
        this.#core.redactor.addSecret(basic.authorization.slice(6));
        authorization = basic.authorization;
        rest = basic.args;
      } else if (token !== undefined) {
        checkToken(token, method);
        this.#core.redactor.addSecret(token);
        authorization = `Bearer ${token}`;
      }
      const { authorization: _own, ...plain } = route.headers;
      headers = authorization === undefined ? plain : { ...plain, authorization };
    }
    const body = route.json ? jsonBody(rest) : formBody(rest);
    const spec: CallSpec = {
      method,
      // The client's own token spends the budget of its team; a per-call token has its own.
      bucket:
        callToken === undefined
          ? this.#ownBucket(route, rest.channel)
          : this.#bucket(route, undefined, callToken, rest.channel),
      read: route.read,
      retryWrites: options.retryWrites ?? this.#retryWrites,
      url: route.url,
      httpMethod: 'POST',
      headers,
      body: () => body,
      signal: options.signal,
      deadlineMs: options.deadlineMs ?? this.#deadlineMs,
      timeoutMs: options.timeoutMs,
    };
    return this.#core.call(spec, route.interpret);
  }

  /** Metrics hooks: `client.on('retry' | 'rateLimited', fn)`; returns a function that removes it. */
  on<K extends CoreEventName>(name: K, listener: (event: CoreEvents[K]) => void): () => void {
    return this.#core.events.on(name, listener);
  }

  /**
   * The bucket of a call on the client's own token. Unless the method is limited per channel, that
   * is the same bucket on every call, so the route keeps it (the resolver runs once per method).
   */
  #ownBucket(route: Route, channel: unknown): BucketRef | undefined {
    if (route.ownBucket !== null) return route.ownBucket;
    if (!route.perChannel) {
      route.ownBucket = this.#bucket(route, this.#team, this.#token, channel);
      return route.ownBucket;
    }
    // Per channel: one bucket per channel, kept (a bounded number) so a post resolves no budget.
    if (typeof channel !== 'string') return this.#bucket(route, this.#team, this.#token, channel);
    route.channelBuckets ??= new Map();
    const buckets = route.channelBuckets;
    let bucket = buckets.get(channel);
    if (bucket === undefined && !buckets.has(channel)) {
      bucket = this.#bucket(route, this.#team, this.#token, channel);
      if (buckets.size >= MAX_CHANNEL_BUCKETS) buckets.clear();
      buckets.set(channel, bucket);
    }
    return bucket;
  }

  /** The rate-limit bucket a call draws from: keyed by team (or token fingerprint) and method. */
  #bucket(route: Route, team: string | undefined, token: unknown, channel: unknown): BucketRef | undefined {
    if (!this.#core.limiter) return undefined;
    const identity = team ?? (typeof token === 'string' ? fingerprint(token) : undefined);
    if (identity === undefined) return undefined;
    return this.#budgets({ method: route.method, tier: route.tier, identity, channel });
  }

  /** Pages through a cursor-paginated method: `for await (const page of client.paginate(...))`. */
  paginate(method: string, args: ArgsOf = {}, options: PaginateOptions = {}): Paginator {
    checkMethodName(method);
    return new Paginator((cursorArgs) => this.apiCall(method, cursorArgs, options), args, options);
  }

  /** Sends a prepared request through this client's core (used by uploads). */
  send<T>(spec: CallSpec, interpret: (response: TransportResponse) => T): Promise<T> {
    return this.#core.call(spec, interpret);
  }

  // What a method needs on every call, worked out once per method name (and the name checked once).
  #route(method: string): Route {
    let route = this.#routes.get(method);
    if (route) return route;
    checkMethodName(method);
    // Own entries only: a name like `constructor` must not find Object.prototype's.
    const info = Object.hasOwn(METHODS, method) ? METHODS[method] : undefined;
    if (info && (info.status === 'deprecated' || info.status === 'retired')) {
      this.#core.logger.warn({ method, status: info.status }, `${method} is ${info.status} in Slack's catalog`);
    }
    const json = info?.json ?? false;
    const headers: Record<string, string> = {
      ...this.#headers,
      'content-type': json ? 'application/json; charset=utf-8' : 'application/x-www-form-urlencoded',
    };
    if (this.#token !== undefined) headers.authorization = `Bearer ${this.#token}`;
    route = {
      method,
      tier: info?.tier,
      url: new URL(method, this.#base),
      headers,
      json,
      read: info?.read ?? false,
      basic: BASIC_AUTH_METHODS.has(method),
      perChannel: SPECIAL_LIMITS[method]?.perChannel === true,
      ownBucket: null,
      channelBuckets: undefined,
      interpret: (response) => this.#interpret(method, response),
    };
    // Bounded, so a caller looping over made-up names cannot grow it without end.
    if (this.#routes.size < 1024) this.#routes.set(method, route);
    return route;
  }

  #interpret(method: string, response: TransportResponse): WebAPICallResult {
    const { status } = response;
    if (status === 429) throw this.#core.httpError(method, response);
    let body: unknown;
    try {
      body = JSON.parse(response.body.toString('utf8'));
    } catch {
      body = undefined;
    }
    const isObject = typeof body === 'object' && body !== null && !Array.isArray(body);
    const result = body as WebAPICallResult;
    if (status < 200 || status >= 300) {
      // Some failures arrive as non-2xx with Slack's JSON: keep Slack's error code.
      if (isObject && result.ok === false && typeof result.error === 'string') {
        throw new PlatformError(this.#core.redactor.value(body) as ArgsOf, {
          method,
          requestId: requestIdOf(response),
          status,
        });
      }
      throw this.#core.httpError(method, response);
    }
    if (!isObject) {
      const reason = body === undefined ? 'not JSON' : 'not a JSON object';
      const snippet = this.#core.snippet(response.body);
      throw new InvalidResponseError(reason, response.headers['content-type'], snippet, {
        method,
        requestId: requestIdOf(response),
        status,
      });
    }
    if (result.ok !== true) {
      if (result.error === 'ratelimited') {
        const retryAfter = parseRetryAfter(response.headers['retry-after'], this.#core.clock.now());
        throw new RateLimitedError(retryAfter, { method, requestId: requestIdOf(response), status });
      }
      throw new PlatformError(this.#core.redactor.value(body) as ArgsOf, {
        method,
        requestId: requestIdOf(response),
        status,
      });
    }
    const scopes = headerOf(response, 'x-oauth-scopes');
    if (scopes !== undefined) {
      const accepted = headerOf(response, 'x-accepted-oauth-scopes');
      result.response_metadata = {
        ...result.response_metadata,
        scopes: scopes ? scopes.split(',') : [],
        ...(accepted === undefined ? {} : { acceptedScopes: accepted ? accepted.split(',') : [] }),
      };
    }
    if (result.warning) this.#core.logger.warn({ method, warning: result.warning }, 'Slack sent a warning');
    return result;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `WebClient { slackApiUrl: '${this.slackApiUrl}' }`;
  }

  toJSON(): Record<string, unknown> {
    return { slackApiUrl: this.slackApiUrl };
  }
}

/** The client's own core: the Slack defaults and, unless turned off, the rate limiter. */
function buildCore(options: CoreBuildOptions & WebClientCallDefaults): HttpCore {
  const { rateLimits, team: _t, slackApiUrl: _u, retryWrites: _r, headers: _h, ...core } = options;
  const out: HttpCoreOptions = slackCoreOptions(core);
  if (rateLimits !== false) {
    const rl = typeof rateLimits === 'object' ? rateLimits : {};
    out.limiter = new RateLimiter({ store: rl.store, maxQueue: rl.maxQueue, clock: options.clock });
  }
  return new HttpCore(out);
}

/** Read on the way out only: the node transport parses headers when first asked, and a success never asks. */
function requestIdOf(response: TransportResponse): string | undefined {
  return response.headers['x-slack-req-id'];
}

const fingerprints = new Map<string, string>();
/** Channels whose post buckets a client keeps per method (then it starts over). */
const MAX_CHANNEL_BUCKETS = 1000;

/** A stable, non-reversible name for a token's budget (same in every process); never the token. */
function fingerprint(token: string): string {
  let name = fingerprints.get(token);
  if (name === undefined) {
    const { createHash } = process.getBuiltinModule('node:crypto');
    name = `t_${createHash('sha256').update(token).digest('base64url').slice(0, 16)}`;
    if (fingerprints.size >= 10_000) fingerprints.clear();
    fingerprints.set(token, name);
  }
  return name;
}
