// authorize(): the tokens for an incoming event, on the hot path, so answered from an in-process
// cache that every write through this process invalidates (other processes' writes show within ttlMs).
// A miss is single-flighted: concurrent callers for one key share one store read (and refresh).
import { type Clock, onAbort, systemClock } from '../http/clock.js';
import { RequestError } from '../http/errors.js';
import type { WebClient } from '../web/client.js';
import { AuthorizationError, OAuthErrorCode } from './errors.js';
import { hideSecrets } from './inspect.js';
import { type RotationOptions, Rotator, TokenRefreshError } from './rotation.js';
import { keyId, keyOf, readsUserRow } from './rows.js';
import type {
  DeleteOutcome,
  DeleteScope,
  Installation,
  InstallationQuery,
  InstallationStore,
  InstallationSummary,
  RotatingInstallationStore,
} from './types.js';

export { AuthorizationError };

export interface AuthorizeResult {
  botToken: string | undefined;
  botId: string | undefined;
  botUserId: string | undefined;
  /** Only the asking user's own token, when they granted user scopes. */
  userToken: string | undefined;
  enterpriseId: string | null;
  teamId: string | null;
  isEnterpriseInstall: boolean;
  /** Configured bot scopes this installation lacks: it needs "Update permissions" (a reinstall). */
  missingScopes: string[];
}

export interface RefreshReport {
  /** Bot installations looked at. */
  checked: number;
  /** Tokens this run refreshed. */
  refreshed: number;
  /** Installations whose refresh failed (TokenRefreshError, or the store's error). */
  failed: { enterpriseId: string | null; teamId: string | null; error: Error }[];
  /**
   * Installations that were due but not refreshed, their tokens unchanged: Slack could not be reached
   * (or answered a transient error) while the current token still works, so the next run retries.
   */
  deferred: { enterpriseId: string | null; teamId: string | null }[];
}

export interface AuthorityOptions {
  /** Configured bot scopes, for scope drift. */
  scopes: readonly string[];
  /** The client whose transport every clientFor() shares. */
  client: WebClient;
  /** Cache entry lifetime in ms (default 60 s); 0 disables the cache. */
  cacheTtlMs?: number;
  /**
   * Most cached installations (default 10,000). A full cache evicts entries that cannot be answered
   * first, then the least recently used (approximately: one answered since eviction last passed it
   * over is kept).
   */
  cacheSize?: number;
  /** The one clock (epoch ms): cache lifetimes and token expiry; default the system clock. */
  clock?: Clock;
  /**
   * Token rotation: tokens that expire are refreshed before they are answered (needs a store with
   * rotate(), as every built-in store has). Without it, expiring tokens are answered as stored.
   */
  rotation?: RotationOptions;
}

/**
 * The cached entries of one workspace or org. Dropping them (a refresh, a save) marks this once
 * instead of scanning the whole cache: its entries are then never answered, and are replaced or
 * evicted as any other. `count`: entries holding it, so it is forgotten with its last one.
 */
interface TeamEntries {
  readonly prefix: string;
  count: number;
  dropped: boolean;
}

interface Cached {
  value: AuthorizeResult;
  expires: number;
  team: TeamEntries;
  /** Answered since eviction last passed it over (second chance: see #evictOne). */
  used: boolean;
}

export class InstallationAuthority {
  readonly #cache = new Map<string, Cached>();
  /** The live (not dropped) entries of each workspace or org in the cache, by key prefix. */
  readonly #teams = new Map<string, TeamEntries>();
  /** Misses being read, per cache key: every concurrent caller of one key shares the one read. */
  readonly #reads = new Map<string, Promise<AuthorizeResult>>();
  /** Bumped by invalidate(): a read that started before a write must not fill the cache after it. */
  #generation = 0;
  readonly #ttl: number;
  readonly #size: number;
  readonly #clock: Clock;
  readonly #rotator: Rotator | undefined;

  constructor(
    readonly store: InstallationStore | undefined,
    private readonly options: AuthorityOptions,
    private readonly envToken?: string,
  ) {
    this.#ttl = options.cacheTtlMs ?? 60_000;
    this.#size = options.cacheSize ?? 10_000;
    this.#clock = options.clock ?? systemClock;
    const rotating = store !== undefined && typeof (store as Partial<RotatingInstallationStore>).rotate === 'function';
    this.#rotator =
      rotating && options.rotation !== undefined
        ? new Rotator(store as RotatingInstallationStore, options.client, options.rotation, this.#clock)
        : undefined;
  }

  /**
   * The installation's tokens. `signal` stops this caller's wait (RequestError 'aborted'), for
   * example while another process holds the row's refresh lease; the shared read goes on for the
   * other callers, bounded by its own deadline.
   */
  async authorize(query: InstallationQuery, options: { signal?: AbortSignal } = {}): Promise<AuthorizeResult> {
    if (this.store === undefined) return this.#fromEnv(query);
    const key = cacheKey(query);
    const hit = this.#cache.get(key);
    if (hit !== undefined && hit.expires > this.#clock.now() && !hit.team.dropped) {
      hit.used = true;
      return hit.value;
    }
    let read = this.#reads.get(key);
    if (read === undefined) {
      const started = this.#read(this.store, query, key).finally(() => {
        if (this.#reads.get(key) === started) this.#reads.delete(key);
      });
      this.#reads.set(key, started);
      read = started;
    }
    return options.signal === undefined ? read : untilAborted(read, options.signal);
  }

  async #read(store: InstallationStore, query: InstallationQuery, key: string): Promise<AuthorizeResult> {
    const generation = this.#generation;
    let inst = await store.findInstallation(query);
    refuseMarked(inst, query);
    // (Checked before awaiting anything: a lookup with nothing due costs no extra turn.)
    const rotator = this.#rotator;
    let done: { due: boolean; bot?: Installation | undefined } | undefined;
    if (inst !== undefined && rotator?.anyDue(query, inst) === true) {
      if (rotator.mayRefreshBehind(query, inst)) {
        // Its tokens work for a while yet: answered now (never cached while due), refreshed behind.
        rotator.refreshAhead(query, inst, () => this.invalidate(query));
      } else done = await rotator.refreshDue(query, inst);
    }
    if (done?.due === true) {
      this.#dropCached(query); // other users' entries of this team hold the old bot token
      // The bot row this process just stored is what reading it back would answer; else read.
      inst = done.bot !== undefined && !readsUserRow(query) ? done.bot : await store.findInstallation(query);
      refuseMarked(inst, query); // another process's refresh was refused while this one waited
    }
    if (inst === undefined || (inst.bot === undefined && inst.user.token === undefined)) throw new AuthorizationError();
    const value = this.#result(inst, query.userId);
    if (this.#ttl > 0 && generation === this.#generation) {
      // Never answered from the cache once a token is within its refresh margin.
      const margin = (userId?: string) => this.#rotator?.marginFor(query, userId) ?? 0;
      const tokenExpiry = Math.min(
        (inst.bot?.expiresAt ?? Infinity) - margin(),
        (inst.user.expiresAt ?? Infinity) - margin(query.userId),
      );
      const now = this.#clock.now();
      // A due token (answered while its refresh runs behind) is not cached: an entry that could
      // never be answered would only push a live one out of a full cache.
      if (tokenExpiry > now) this.#fill(key, query, value, Math.min(now + this.#ttl, tokenExpiry));
    }
    return value;
  }

  #fill(key: string, query: InstallationQuery, value: AuthorizeResult, expires: number): void {
    const old = this.#cache.get(key);
    if (old !== undefined) this.#uncache(key, old);
    else if (this.#cache.size >= this.#size) this.#evictOne();
    const prefix = teamPrefix(query);
    let team = this.#teams.get(prefix);
    if (team === undefined) {
      team = { prefix, count: 0, dropped: false };
      this.#teams.set(prefix, team);
    }
    team.count++;
    this.#cache.set(key, { value, expires, team, used: false });
  }

  /**
   * Evicts the oldest entry that cannot be answered (dropped or expired) or was not answered since
   * eviction last passed it over; those answered meanwhile go to the back, unmarked (the "second
   * chance" approximation of least recently used). A hit only marks its entry: moving it to the back
   * (delete and set) on every hit, as before, churned the Map on every request, and V8 links each
   * table a churned Map outgrows to the next, which keeps what they held alive through scavenges once
   * one of them is old (see src/http/deadlines.ts; test/http/churn.test.ts).
   */
  #evictOne(): void {
    const now = this.#clock.now();
    for (;;) {
      const [key, entry] = this.#cache.entries().next().value as [string, Cached];
      if (!entry.used || entry.team.dropped || entry.expires <= now) {
        this.#uncache(key, entry);
        return;
      }
      entry.used = false;
      this.#cache.delete(key);
      this.#cache.set(key, entry);
    }
  }

  #uncache(key: string, entry: Cached): void {
    this.#cache.delete(key);
    const team = entry.team;
    if (--team.count === 0 && !team.dropped) this.#teams.delete(team.prefix);
  }

  /**
   * Resolves once no token refresh runs behind a lookup (RotationOptions.background), starting any
   * still gathered: await it before closing the store, or hand it to a platform's `waitUntil`.
   */
  settled(): Promise<void> {
    return this.#rotator?.settled() ?? Promise.resolve();
  }

  /** Whether a token refresh runs (or is gathered to run) behind a lookup. */
  get refreshing(): boolean {
    return this.#rotator?.busy ?? false;
  }

  /** A WebClient bound to the installation's bot token (or the user's, with `as: 'user'`), on one transport. */
  async clientFor(query: InstallationQuery, as: 'bot' | 'user' = 'bot'): Promise<WebClient> {
    const auth = await this.authorize(query);
    const token = as === 'bot' ? auth.botToken : auth.userToken;
    if (token === undefined) throw new AuthorizationError();
    return this.options.client.withToken(token);
  }

  /** Every bot installation, page by page, for fan-out jobs (pair with clientFor). */
  async *eachInstallation(pageSize = 500): AsyncGenerator<InstallationSummary> {
    if (this.store === undefined) return;
    let cursor: string | undefined;
    do {
      const page = await this.store.list({ limit: pageSize, cursor });
      yield* page.items;
      cursor = page.nextCursor;
    } while (cursor !== undefined);
  }

  /**
   * For a background job (or `slackline installations refresh`): refreshes every bot token that is
   * within its margin plus `aheadMs`, `concurrency` at a time, so the request path rarely has to.
   */
  async refreshDue(options: { aheadMs?: number; concurrency?: number } = {}): Promise<RefreshReport> {
    const report: RefreshReport = { checked: 0, refreshed: 0, failed: [], deferred: [] };
    const rotator = this.#rotator;
    const store = this.store;
    if (rotator === undefined || store === undefined) return report;
    const running = new Set<Promise<void>>();
    for await (const item of this.eachInstallation()) {
      if (!item.hasBotToken) continue;
      const q = { enterpriseId: item.enterpriseId, teamId: item.teamId, isEnterpriseInstall: item.isEnterpriseInstall };
      const one: Promise<void> = (async () => {
        report.checked++;
        try {
          const inst = await store.findBot(q);
          const done = inst === undefined ? undefined : await rotator.refreshDue(q, inst, options.aheadMs ?? 0);
          if (done?.due === true) this.#dropCached(q);
          report.refreshed += done?.refreshed ?? 0;
          if (done?.due === true && done.refreshed === 0) {
            // Not refreshed here: unchanged means deferred (another process refreshing it changes the token).
            const after = await store.findBot(q);
            if (after?.bot?.token === inst?.bot?.token)
              report.deferred.push({ enterpriseId: q.enterpriseId, teamId: q.teamId });
          }
        } catch (err) {
          report.failed.push({ enterpriseId: q.enterpriseId, teamId: q.teamId, error: err as Error });
        }
      })().finally(() => running.delete(one));
      running.add(one);
      if (running.size >= (options.concurrency ?? 4)) await Promise.race(running);
    }
    await Promise.all(running);
    return report;
  }

  /**
   * Deletes rows after an uninstall or a revocation, and drops them from the cache. With
   * `installedUpTo` (epoch ms: when the event happened), only rows installed at or before it go, in
   * the store's one atomic conditional delete: a re-installation saved after the event is kept even
   * when it lands while this runs. 'user' without `query.userId` deletes nothing.
   */
  async forget(query: InstallationQuery, what: DeleteScope, installedUpTo = Infinity): Promise<DeleteOutcome> {
    if (this.store === undefined) return { deleted: 0, kept: 0 };
    if (what === 'user' && (query.userId === undefined || query.userId === '')) return { deleted: 0, kept: 0 };
    try {
      return await this.store.deleteInstalledUpTo(query, what, installedUpTo);
    } finally {
      this.invalidate(query);
    }
  }

  /** Drops every cached entry of a workspace or org (after a save or delete). */
  invalidate(query: Pick<InstallationQuery, 'enterpriseId' | 'teamId' | 'isEnterpriseInstall'>): void {
    const prefix = this.#dropCached(query);
    // Reads in flight may hold what was true before the write: later callers start a fresh one.
    for (const key of this.#reads.keys()) if (key.startsWith(prefix)) this.#reads.delete(key);
    this.#generation++;
  }

  /** O(1) whatever the cache holds: a refresh pays this, and a full cache held 10,000 keys to scan. */
  #dropCached(query: Pick<InstallationQuery, 'enterpriseId' | 'teamId' | 'isEnterpriseInstall'>): string {
    const prefix = teamPrefix(query);
    const team = this.#teams.get(prefix);
    if (team !== undefined) {
      team.dropped = true;
      this.#teams.delete(prefix);
    }
    return prefix;
  }

  missingScopes(granted: readonly string[] | undefined): string[] {
    const have = new Set(granted ?? []);
    return this.options.scopes.filter((s) => !have.has(s));
  }

  #result(inst: Installation, userId: string | undefined): AuthorizeResult {
    return hideSecrets({
      botToken: inst.bot?.token,
      botId: inst.bot?.id,
      botUserId: inst.bot?.userId,
      userToken: userId !== undefined && inst.user.id === userId ? inst.user.token : undefined,
      enterpriseId: inst.enterpriseId,
      teamId: inst.teamId,
      isEnterpriseInstall: inst.isEnterpriseInstall,
      missingScopes: inst.bot === undefined ? [] : this.missingScopes(inst.bot.scopes),
    });
  }

  #fromEnv(query: InstallationQuery): AuthorizeResult {
    return hideSecrets({
      botToken: this.envToken,
      botId: undefined,
      botUserId: undefined,
      userToken: undefined,
      enterpriseId: query.enterpriseId ?? null,
      teamId: query.teamId ?? null,
      isEnterpriseInstall: query.isEnterpriseInstall === true,
      missingScopes: [],
    });
  }
}

function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  const aborted = () => new RequestError('aborted', 'aborted while waiting for the installation', false, {});
  if (signal.aborted) return Promise.reject(aborted());
  return new Promise<T>((resolve, reject) => {
    const stop = onAbort(signal, () => reject(aborted()));
    work.then(
      (value) => {
        stop();
        resolve(value);
      },
      (err: unknown) => {
        stop();
        reject(err);
      },
    );
  });
}

/** Slack refused this installation's refresh before: asking again cannot help, only a reinstall. */
function refuseMarked(inst: Installation | undefined, query: InstallationQuery): void {
  if (inst?.needsReinstall === undefined) return;
  throw new TokenRefreshError(
    OAuthErrorCode.NeedsReinstall,
    query.enterpriseId ?? null,
    query.teamId ?? null,
    inst.needsReinstall.reason,
  );
}

function cacheKey(query: InstallationQuery): string {
  return keyId(keyOf(query, query.userId ?? ''));
}

/** What every cache key of the query's workspace or org starts with: `["E","T",`. */
function teamPrefix(query: Pick<InstallationQuery, 'enterpriseId' | 'teamId' | 'isEnterpriseInstall'>): string {
  return keyId(keyOf(query, '')).slice(0, -3);
}
