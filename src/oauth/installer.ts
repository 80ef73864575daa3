// The Installer: the install page and the OAuth callback as web-standard handlers, plus authorize(),
// clientFor() and eachInstallation(). The callback checks state and its cookie before it reads
// anything else, answers every failure with a fixed page, and stores nothing unless Slack said ok.
// Every outcome is one log line (redacted; never a token): the page says little, the log says why.
import { type Clock, systemClock } from '../http/clock.js';
import {
  HTTPError,
  InvalidArgumentError,
  InvalidResponseError,
  PlatformError,
  RateLimitedError,
  RequestError,
} from '../http/errors.js';
import { type Logger, loggerWithSecrets } from '../http/logger.js';
import type { WebClient } from '../web/client.js';
import { type AuthorizeResult, InstallationAuthority } from './authorize.js';
import { installationFromOAuth, type NewInstallation } from './from-oauth.js';
import { checkInstallerOptions } from './installer-options.js';
import { defaultPages, type FailureReason, type Pages, pageResponse } from './pages.js';
import type { RotationOptions } from './rotation.js';
import { generateState, isWellFormedState, MemoryStateStore, STATE_TTL_MS, StateCookie, sameState } from './state.js';
import type { InstallationQuery, InstallationStore, InstallationSummary, StateStore } from './types.js';
import { authorizeUrl, pkcePair } from './url.js';

interface Common {
  /** The client oauth.v2.access and every clientFor() use (one transport). */
  client: WebClient;
  pages?: Partial<Pages>;
  cacheTtlMs?: number;
  cacheSize?: number;
  /** Default the system clock (epoch milliseconds). */
  clock?: Clock;
  /**
   * pino-compatible; every record is redacted first. One line per completed install (team,
   * enterprise, scopes) and per failed one (its reason code). Default silent; `serve` logs at info.
   */
  logger?: Logger;
}

export interface OAuthInstallerOptions extends Common {
  clientId: string;
  clientSecret: string;
  scopes: readonly string[];
  userScopes?: readonly string[];
  /** Absolute URL of the callback, as configured in the app's Redirect URLs. */
  redirectUri: string;
  installationStore: InstallationStore;
  /** Default: in memory (one process only; use the SQL stores behind a load balancer). */
  stateStore?: StateStore;
  stateTtlMs?: number;
  /** Default https://slack.com/oauth/v2/authorize. */
  authorizeUrl?: string;
  /** Redirect straight to Slack instead of showing an "Add to Slack" page. */
  directInstall?: boolean;
  /**
   * After a completed install, redirect (302) here instead of showing the success page. Same origin
   * as redirectUri only (an open redirect is refused at construction); relative paths resolve
   * against redirectUri. Nothing is appended: the installation is already saved.
   */
  successUrl?: string;
  /**
   * Runs after the installation is saved, before the success page (welcome message, provisioning).
   * Its failure is logged and does not undo the install. Gets the saved data (tokens included).
   */
  onInstalled?: (installation: NewInstallation) => unknown;
  /** Token rotation timing (rotation itself follows the tokens: only expiring ones are refreshed). */
  tokenRotation?: Pick<
    RotationOptions,
    'marginMs' | 'jitterMs' | 'retryAfterMs' | 'leaseWaitMs' | 'onNeedsReinstall' | 'background' | 'batchMs'
  >;
  /** PKCE (off by default: Slack turns an app that uses it into a public client for good). */
  pkce?: boolean;
  /** The app's name, shown on the install page. */
  appName?: string;
  /**
   * The install page, linked from failure pages ("start again from the install page"). Default
   * `install` beside redirectUri (/slack/install for /slack/oauth_redirect, as routes() serves them).
   */
  installUrl?: string;
}

/** Single-workspace mode: one token from the environment; the install routes say OAuth is off. */
export interface SingleWorkspaceOptions extends Common {
  botToken: string;
}

export type InstallerOptions = OAuthInstallerOptions | SingleWorkspaceOptions;

/** How each failure is logged: 5xx are ours (or Slack's), worth an error line; the rest are warnings. */
const levelOf = (status: number) => (status >= 500 ? 'error' : 'warn');

const CODE_FORMAT = /^[A-Za-z0-9._-]{1,256}$/;
const TEAM_FORMAT = /^[TE][A-Z0-9]{1,30}$/;

export class Installer {
  readonly authority: InstallationAuthority;
  readonly #o: OAuthInstallerOptions | undefined;
  readonly #pages: Pages;
  readonly #states: StateStore;
  readonly #cookie: StateCookie | undefined;
  readonly #successUrl: string | undefined;
  readonly #installUrl: string | undefined;
  readonly #clock: Clock;
  readonly #log: Logger;

  constructor(options: InstallerOptions) {
    const redirect = checkInstallerOptions(options);
    this.#pages = { ...defaultPages, ...options.pages };
    const clock = options.clock ?? systemClock;
    this.#clock = clock;
    this.#log = loggerWithSecrets(options.logger, ['botToken' in options ? options.botToken : options.clientSecret]);
    const cache = {
      client: options.client,
      ...(options.cacheTtlMs === undefined ? {} : { cacheTtlMs: options.cacheTtlMs }),
      ...(options.cacheSize === undefined ? {} : { cacheSize: options.cacheSize }),
      clock,
    };
    if ('botToken' in options || redirect === undefined) {
      const token = 'botToken' in options ? options.botToken : '';
      this.authority = new InstallationAuthority(undefined, { ...cache, scopes: [] }, token);
      this.#states = new MemoryStateStore({ maxEntries: 1 });
      return;
    }
    this.#cookie = new StateCookie(redirect);
    this.#successUrl = options.successUrl === undefined ? undefined : sameOriginUrl(options.successUrl, redirect);
    this.#installUrl = sameOriginUrl(options.installUrl ?? 'install', redirect);
    this.#o = options;
    this.#states = options.stateStore ?? new MemoryStateStore();
    this.authority = new InstallationAuthority(options.installationStore, {
      ...cache,
      scopes: options.scopes,
      rotation: { ...options.tokenRotation, clientId: options.clientId, clientSecret: options.clientSecret },
    });
  }

  get oauthConfigured(): boolean {
    return this.#o !== undefined;
  }

  authorize(query: InstallationQuery): Promise<AuthorizeResult> {
    return this.authority.authorize(query);
  }

  clientFor(query: InstallationQuery, as: 'bot' | 'user' = 'bot'): Promise<WebClient> {
    return this.authority.clientFor(query, as);
  }

  eachInstallation(pageSize?: number): AsyncGenerator<InstallationSummary> {
    return this.authority.eachInstallation(pageSize);
  }

  /** GET /slack/install: a fresh state, its cookie, and the "Add to Slack" page (or a redirect). */
  handleInstall = async (request: Request): Promise<Response> => {
    const o = this.#o;
    const cookie = this.#cookie;
    if (o === undefined || cookie === undefined) return pageResponse(404, this.#pages.notConfigured());
    if (request.method !== 'GET' && request.method !== 'HEAD') return this.#fail(405, 'bad_request');
    const teamParam = new URL(request.url).searchParams.get('team');
    const team = teamParam !== null && TEAM_FORMAT.test(teamParam) ? teamParam : undefined;
    const state = generateState();
    const ttl = o.stateTtlMs ?? STATE_TTL_MS;
    const pkce = o.pkce === true ? pkcePair() : undefined;
    try {
      await this.#states.put(state, {
        expiresAt: this.#clock.now() + ttl,
        data: pkce === undefined ? {} : { v: pkce.verifier },
      });
    } catch (error) {
      // A full or unreachable state store: no link could be honoured, so none is offered.
      return this.#fail(503, 'state_store_unavailable', {}, error);
    }
    const url = authorizeUrl({
      clientId: o.clientId,
      scopes: o.scopes,
      ...(o.userScopes === undefined ? {} : { userScopes: o.userScopes }),
      state,
      redirectUri: o.redirectUri,
      team,
      authorizeUrl: o.authorizeUrl,
      codeChallenge: pkce?.challenge,
    });
    const setCookie = { 'set-cookie': cookie.set(state, ttl) };
    if (o.directInstall === true && team === undefined) {
      return pageResponse(302, '', { ...setCookie, location: url });
    }
    const stored = team === undefined ? undefined : await this.#storedFor(team);
    const context = {
      url,
      missingScopes: stored?.missingScopes,
      appName: o.appName,
      scopes: o.scopes,
      userScopes: o.userScopes ?? [],
      alreadyInstalled: stored !== undefined && stored.missingScopes === undefined ? stored.installed : undefined,
    };
    return pageResponse(200, this.#pages.install(context), setCookie);
  };

  /** GET /slack/oauth_redirect: state and cookie first, then Slack's error, then the code. */
  handleCallback = async (request: Request): Promise<Response> => {
    const o = this.#o;
    const cookie = this.#cookie;
    if (o === undefined || cookie === undefined) return pageResponse(404, this.#pages.notConfigured());
    if (request.method !== 'GET' || request.url.length > 4096) return this.#fail(400, 'bad_request');
    const params = new URL(request.url).searchParams;
    const states = params.getAll('state');
    const state = states.length === 1 ? states[0] : undefined;
    if (!isWellFormedState(state)) return this.#fail(400, 'state_invalid');
    const bound = cookie.read(request);
    if (bound === undefined || !sameState(bound, state)) return this.#fail(400, 'state_cookie_mismatch');
    let record: Awaited<ReturnType<StateStore['consume']>>;
    try {
      record = await this.#states.consume(state, this.#clock.now());
    } catch (error) {
      return this.#fail(503, 'state_store_unavailable', {}, error);
    }
    const clear = { 'set-cookie': cookie.clear() };
    if (record === undefined) return this.#fail(400, 'state_unknown', clear);

    if (params.has('error')) {
      if (params.get('error') === 'access_denied' && params.getAll('error').length === 1) {
        this.#log.info({ event: 'cancelled' }, 'installation cancelled by the user');
        return pageResponse(200, this.#pages.cancelled(), clear);
      }
      return this.#fail(400, 'slack_error', clear, undefined, { slackError: params.get('error')?.slice(0, 100) });
    }
    const codes = params.getAll('code');
    const code = codes.length === 1 ? (codes[0] as string) : '';
    if (!CODE_FORMAT.test(code)) return this.#fail(400, 'bad_request', clear);

    let installation: NewInstallation;
    try {
      const verifier = record.data.v;
      const answer = await o.client.oauth.v2.access({
        client_id: o.clientId,
        client_secret: o.clientSecret,
        code,
        redirect_uri: o.redirectUri,
        ...(verifier === undefined ? {} : { code_verifier: verifier }),
      });
      installation = installationFromOAuth(answer as unknown as Record<string, unknown>, this.#clock);
    } catch (err) {
      if (err instanceof PlatformError) return this.#fail(400, 'slack_error', clear, err, { slackError: err.error });
      if (err instanceof InvalidResponseError) return this.#fail(502, 'exchange_invalid', clear, err);
      const unreachable = err instanceof RequestError || err instanceof HTTPError || err instanceof RateLimitedError;
      return this.#fail(unreachable ? 502 : 500, unreachable ? 'exchange_failed' : 'internal_error', clear, err);
    }
    try {
      await o.installationStore.save(installation);
    } catch (err) {
      return this.#fail(500, 'store_failed', clear, err);
    } finally {
      this.authority.invalidate(installation);
    }
    this.#log.info(
      {
        event: 'installed',
        teamId: installation.teamId,
        teamName: installation.teamName,
        enterpriseId: installation.enterpriseId,
        isEnterpriseInstall: installation.isEnterpriseInstall,
        appId: installation.appId,
        userId: installation.user.id,
        botScopes: installation.bot?.scopes ?? [],
        userScopes: installation.user.scopes,
      },
      'installation completed',
    );
    try {
      await o.onInstalled?.(installation);
    } catch (err) {
      this.#log.error(
        {
          reason: 'on_installed_failed',
          teamId: installation.teamId,
          enterpriseId: installation.enterpriseId,
          error: err,
        },
        'onInstalled failed (the installation is saved)',
      );
    }
    if (this.#successUrl !== undefined) return pageResponse(302, '', { ...clear, location: this.#successUrl });
    return pageResponse(
      200,
      this.#pages.success({ teamName: installation.teamName ?? installation.enterpriseName }),
      clear,
    );
  };

  /** The workspace's stored bot install, and the configured scopes it lacks (undefined: none). */
  async #storedFor(
    team: string,
  ): Promise<
    { installed: { teamId: string; teamName: string | undefined }; missingScopes: string[] | undefined } | undefined
  > {
    const store = this.#o?.installationStore;
    const query = team.startsWith('E')
      ? { enterpriseId: team, teamId: null, isEnterpriseInstall: true }
      : { enterpriseId: undefined, teamId: team, isEnterpriseInstall: false };
    const inst = await store?.findBot(query).catch(() => undefined);
    if (inst?.bot === undefined) return undefined;
    const missing = this.authority.missingScopes(inst.bot.scopes);
    return {
      installed: { teamId: team, teamName: inst.teamName ?? inst.enterpriseName },
      missingScopes: missing.length === 0 ? undefined : missing,
    };
  }

  /** The fixed page for `reason`, and one log line that says why (the error, redacted). */
  #fail(
    status: number,
    reason: FailureReason,
    extra: Record<string, string> = {},
    error?: unknown,
    fields: Record<string, unknown> = {},
  ): Response {
    this.#log[levelOf(status)](
      { reason, status, ...fields, ...(error === undefined ? {} : { error }) },
      `installation failed: ${reason}`,
    );
    return pageResponse(status, this.#pages.failure(reason, { installUrl: this.#installUrl }), extra);
  }
}

/** Resolves `target` against the redirect URL and refuses anything that leaves its origin. */
export function sameOriginUrl(target: string, base: URL): string {
  // Backslashes and control characters are read as '/' or dropped by browsers: refuse them outright.
  const unsafe = [...target].some((c) => c === '\\' || c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
  if (unsafe || target.trim() !== target) {
    throw new InvalidArgumentError('successUrl must be a plain URL on the redirect URL origin');
  }
  let url: URL;
  try {
    url = new URL(target, base);
  } catch {
    throw new InvalidArgumentError('successUrl is not a URL');
  }
  if (url.origin !== base.origin || url.username !== '' || url.password !== '') {
    throw new InvalidArgumentError('successUrl must be on the same origin as redirectUri');
  }
  return url.href;
}
