// Token rotation behind authorize(): a rotating token (one with expiresAt and a refresh token) is
// refreshed once it is within a margin of expiring. Across processes the store's row lease makes one
// caller the refresher and gives every waiter the row it left (a refresh token is single-use: a second
// refresh would fail and lock the installation out); within a process, callers share one flight.
//
// Failures: Slack refusing the refresh (invalid_refresh_token, invalid_client, ...) is a
// TokenRefreshError 'slackline_refresh_rejected' and the row is kept as it was. A failure Slack may
// not have answered (network, timeout, 5xx, rate limit) also keeps the row, with the old refresh
// token: while the current token still works, authorize() keeps answering it and tries again after
// retryAfterMs; once it has expired, 'slackline_refresh_failed'. If Slack did receive that request,
// the stored refresh token was spent and the next attempt is rejected: nothing on our side can tell
// (oauth.v2.access has no idempotency key), so the refresh call is never repeated automatically.
// A process killed mid-refresh leaves its lease, which lapses: the next holder is told (the lease was
// taken over, not free), logs that the answer may be lost, and tries the stored refresh token once.
import { type Clock, systemClock } from '../http/clock.js';
import { InvalidResponseError, PlatformError, type RequestError, SlacklineError } from '../http/errors.js';
import { fnv1a } from '../http/fnv.js';
import type { WebClient } from '../web/client.js';
import { LeaseTimeoutError, OAuthErrorCode } from './errors.js';
import { type Answers, RefreshBehind } from './refresh-behind.js';
import { keyOf, type RotatedTokens } from './rows.js';
import type { Credentials, Installation, InstallationQuery, RotatingInstallationStore } from './types.js';

export interface RotationOptions {
  /** The app's client credentials (sent with HTTP Basic). */
  clientId: string;
  clientSecret: string;
  /** Refresh a token once it has less than this left, in ms (default 5 minutes). */
  marginMs?: number;
  /** Extra margin, fixed per installation, between 0 and this (default 5 minutes): spreads refreshes. */
  jitterMs?: number;
  /** After a failed refresh while the token still works, wait this long before another try (default 10 s). */
  retryAfterMs?: number;
  /**
   * How long a caller waits while another caller (maybe another process) holds the row's refresh
   * lease (default 35 s: the holder's refresh call ends within its 30 s deadline). Past it, the
   * current token is answered while it works, else TokenRefreshError 'slackline_refresh_failed'.
   */
  leaseWaitMs?: number;
  /**
   * Called once, in the process that saw it, when Slack refuses a refresh: the installation is then
   * marked `needsReinstall` and authorize() answers TokenRefreshError 'slackline_needs_reinstall' at
   * once (Slack is not asked again) until the workspace installs the app again. A failure of the hook
   * is ignored.
   */
  onNeedsReinstall?: (event: NeedsReinstallEvent) => unknown;
  /**
   * Refresh ahead (default true): a due token that still has over a minute left is answered at once
   * and refreshed behind the caller (Slack keeps an access token working after its refresh), the
   * refreshes of one `batchMs` window started together so their lease claims and write-backs share
   * commits. false: every caller with a due token waits for its refresh, for platforms that freeze a
   * process once it has answered and give it no `waitUntil` (see `InstallationAuthority.settled()`).
   */
  background?: boolean;
  /** Real milliseconds in which due tokens are gathered before their refreshes start together (default 50). */
  batchMs?: number;
}

export interface NeedsReinstallEvent {
  enterpriseId: string | null;
  teamId: string | null;
  /** The user whose token it was; undefined for the bot token. */
  userId: string | undefined;
  /** Slack's error. */
  reason: string;
}

export type TokenRefreshErrorCode =
  | typeof OAuthErrorCode.RefreshRejected
  | typeof OAuthErrorCode.RefreshFailed
  | typeof OAuthErrorCode.NeedsReinstall;

export class TokenRefreshError extends SlacklineError {
  declare readonly code: TokenRefreshErrorCode;
  /** Slack's error on 'slackline_refresh_rejected' (e.g. invalid_refresh_token). */
  readonly error: string | undefined;
  /** Slack may have received (and spent) the refresh token although no answer came back. */
  readonly mayHaveBeenReceived: boolean;
  constructor(
    code: TokenRefreshErrorCode,
    readonly enterpriseId: string | null,
    readonly teamId: string | null,
    cause: unknown,
  ) {
    const error = cause instanceof PlatformError ? cause.error : typeof cause === 'string' ? cause : undefined;
    super(
      code,
      code === OAuthErrorCode.RefreshRejected
        ? `Slack refused to refresh the token (${error}): the app must be installed again`
        : code === OAuthErrorCode.NeedsReinstall
          ? `this installation needs installing again: Slack refused its token refresh (${error})`
          : 'refreshing the token failed and it has expired',
      { cause, method: 'oauth.v2.access' },
    );
    this.error = error;
    // A lease wait that timed out never sent anything; otherwise only a proof of non-delivery counts.
    this.mayHaveBeenReceived =
      cause instanceof PlatformError ||
      (!(cause instanceof LeaseTimeoutError) && (cause as Partial<RequestError>)?.mayHaveBeenReceived !== false);
  }
}

/** Slack errors that do not mean "this refresh token or these credentials are refused". */
const TRANSIENT = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'ratelimited']);

/** Slack's error when it refused the refresh for good (not a transient failure); else undefined. */
function refusal(err: unknown): string | undefined {
  return err instanceof PlatformError && !TRANSIENT.has(err.error) ? err.error : undefined;
}

const REFRESH_DEADLINE_MS = 30_000;
/** A caller waits this long for another holder's lease: its refresh call ends within its deadline. */
const LEASE_WAIT_MS = REFRESH_DEADLINE_MS + 5_000;

/**
 * A due token with less than this left is refreshed while its caller waits; with more, behind it (its
 * refresh, lease wait included, ends well within this).
 */
export const WAIT_UNDER_MS = 60_000;

/** One row's key as a string: its flights, its gathered refresh and its margin's hash go by it. */
function rowKey(query: InstallationQuery, userId: string | undefined): string {
  const k = keyOf(query, userId ?? '');
  return `${k.enterpriseId}:${k.teamId}:${k.userId}`;
}

/** One refresh flight: whether it stored new tokens, and the bot installation as it stored it. */
interface Flight {
  refreshed: boolean;
  bot?: Installation | undefined;
}

export class Rotator {
  readonly #flights = new Map<string, Promise<Flight>>();
  readonly #notBefore = new Map<string, number>();
  readonly #margin: number;
  readonly #jitter: number;
  readonly #retryAfter: number;
  /** Refreshes behind lookups: gathered, started in batches, tracked until they end. */
  readonly #behind: RefreshBehind;

  constructor(
    private readonly store: RotatingInstallationStore,
    private readonly client: WebClient,
    private readonly options: RotationOptions,
    private readonly clock: Clock = systemClock,
  ) {
    this.#margin = options.marginMs ?? 5 * 60_000;
    this.#jitter = options.jitterMs ?? 5 * 60_000;
    this.#retryAfter = options.retryAfterMs ?? 10_000;
    this.#behind = new RefreshBehind(
      options.batchMs,
      (query, inst) => this.refreshDue(query, inst),
      client.core.logger,
    );
  }

  /**
   * Whether a lookup that found `inst` due may answer its tokens now and leave the refresh to
   * refreshAhead(): background refresh is on and every due token still has WAIT_UNDER_MS left.
   */
  mayRefreshBehind(query: InstallationQuery, inst: Installation): boolean {
    if (this.options.background === false) return false;
    const now = this.clock.now();
    const soon = (c: Credentials) => (c.expiresAt ?? 0) <= now + WAIT_UNDER_MS;
    const bot = inst.bot;
    if (bot !== undefined && this.due(bot, query, undefined, now) && soon(bot)) return false;
    return !(this.#userDue(query, inst, query.userId, now) && soon(inst.user));
  }

  /**
   * Refreshes what of `inst` is due behind the caller (see RefreshBehind); `done` runs after a refresh
   * that stored new tokens. A failure is logged (a refusal also marks the row and calls
   * onNeedsReinstall); the next lookup after `retryAfterMs` tries again.
   */
  refreshAhead(query: InstallationQuery, inst: Installation, done: () => void): void {
    this.#behind.add(rowKey(query, query.userId), query, inst, done);
  }

  /** Resolves once no refresh is gathered or running behind a caller (those gathered start now). */
  settled(): Promise<void> {
    return this.#behind.settled();
  }

  /** Whether any refresh is gathered or running behind a caller. */
  get busy(): boolean {
    return this.#behind.busy;
  }

  /** The margin of one row (the same in every process, so they agree when it is due). */
  marginFor(query: InstallationQuery, userId = ''): number {
    const h = fnv1a(rowKey(query, userId));
    return this.#margin + (this.#jitter <= 0 ? 0 : h % this.#jitter);
  }

  due(c: Credentials, query: InstallationQuery, userId: string | undefined, now = this.clock.now()): boolean {
    if (c.refreshToken === undefined || c.expiresAt === undefined) return false;
    // Further from expiry than the widest margin: not due whatever this row's jitter, and no hashing
    // (what nearly every lookup sees; a row's margin is below margin + jitter).
    if (c.expiresAt - this.#margin - this.#jitter > now) return false;
    return c.expiresAt - this.marginFor(query, userId) <= now;
  }

  /** Whether refreshDue() would refresh anything of `inst` (checked without waiting, on every lookup). */
  anyDue(query: InstallationQuery, inst: Installation, aheadMs = 0): boolean {
    const now = this.clock.now() + aheadMs;
    return (
      (inst.bot !== undefined && this.due(inst.bot, query, undefined, now)) ||
      this.#userDue(query, inst, query.userId, now)
    );
  }

  #userDue(query: InstallationQuery, inst: Installation, userId: string | undefined, now: number): boolean {
    return (
      userId !== undefined &&
      inst.user.id === userId &&
      inst.user.token !== undefined &&
      this.due(inst.user, query, userId, now)
    );
  }

  /**
   * Refreshes whatever of `inst` is due (the bot token; the asking user's own token), treating the
   * margin as `aheadMs` longer (background jobs). `due`: something was (re-read the row); `refreshed`:
   * how many tokens this call's flights refreshed (0 when another process had already). `bot`: when
   * only the bot token was due and this process stored its refresh, the bot installation as stored
   * (what findBot() would read back).
   */
  async refreshDue(
    query: InstallationQuery,
    inst: Installation,
    aheadMs = 0,
  ): Promise<{ due: boolean; refreshed: number; bot?: Installation | undefined }> {
    const now = this.clock.now() + aheadMs;
    const work: Promise<Flight>[] = [];
    if (inst.bot !== undefined && this.due(inst.bot, query, undefined, now))
      work.push(this.#ensure(query, undefined, inst.bot, aheadMs));
    const userId = query.userId;
    if (this.#userDue(query, inst, userId, now)) work.push(this.#ensure(query, userId, inst.user, aheadMs));
    const done = await Promise.all(work);
    const refreshed = done.filter((f) => f.refreshed).length;
    return { due: work.length > 0, refreshed, bot: done.length === 1 ? done[0]?.bot : undefined };
  }

  #ensure(
    query: InstallationQuery,
    userId: string | undefined,
    current: Credentials,
    aheadMs: number,
  ): Promise<Flight> {
    const key = rowKey(query, userId);
    const flying = this.#flights.get(key);
    if (flying !== undefined) return flying;
    const now = this.clock.now();
    if ((this.#notBefore.get(key) ?? 0) > now && (current.expiresAt ?? 0) > now) {
      return Promise.resolve({ refreshed: false });
    }
    const flight = this.#refresh(query, userId, current, key, aheadMs, this.#behind.starting).finally(() =>
      this.#flights.delete(key),
    );
    this.#flights.set(key, flight);
    return flight;
  }

  async #refresh(
    query: InstallationQuery,
    userId: string | undefined,
    current: Credentials,
    key: string,
    aheadMs: number,
    batch: Answers | undefined,
  ): Promise<Flight> {
    let bot: Installation | undefined;
    try {
      const refreshed = await this.store.rotate(
        query,
        userId,
        (c) => this.due(c, query, userId, this.clock.now() + aheadMs),
        (refreshToken, lease) => {
          if (lease?.interrupted === true) this.#reportInterrupted(query, userId);
          return batch === undefined ? this.#exchange(refreshToken) : this.#exchangeIn(batch, refreshToken);
        },
        {
          waitMs: this.options.leaseWaitMs ?? LEASE_WAIT_MS,
          // Marked under the refresh's own lease: a waiter must not try the refused token again.
          refused: (err) => {
            const reason = refusal(err);
            return reason === undefined ? undefined : { reason, at: this.clock.now() };
          },
          onStored: (stored) => {
            bot = stored;
          },
        },
      );
      this.#notBefore.delete(key);
      return { refreshed, bot: refreshed ? bot : undefined };
    } catch (err) {
      const reason = refusal(err);
      const q = { enterpriseId: query.enterpriseId ?? null, teamId: query.teamId ?? null };
      if (reason !== undefined) {
        await this.#markRejected(query, userId, reason);
        throw new TokenRefreshError(OAuthErrorCode.RefreshRejected, q.enterpriseId, q.teamId, err);
      }
      const now = this.clock.now();
      this.#notBefore.set(key, now + this.#retryAfter);
      if ((current.expiresAt ?? 0) > now) return { refreshed: false }; // the current token still works: answer it for now
      throw new TokenRefreshError(OAuthErrorCode.RefreshFailed, q.enterpriseId, q.teamId, err);
    }
  }

  /**
   * The lease was left by a holder that stopped midway (a crash between claiming it and storing the
   * answer): Slack may have spent the stored refresh token. It is tried once all the same (within
   * Slack's short grace period it still works); a refusal marks the installation for a reinstall.
   */
  #reportInterrupted(query: InstallationQuery, userId: string | undefined): void {
    this.client.core.logger.warn(
      { enterpriseId: query.enterpriseId ?? null, teamId: query.teamId ?? null, userId, method: 'oauth.v2.access' },
      'an earlier token refresh was interrupted (its process stopped while holding the refresh lease) and its answer may be lost: trying the stored refresh token once',
    );
  }

  /** Marks the row so that no process asks Slack again, then tells the app once. */
  async #markRejected(query: InstallationQuery, userId: string | undefined, reason: string): Promise<void> {
    const mark = { reason, at: this.clock.now() };
    const marked = await this.store.markNeedsReinstall?.(query, userId, mark).catch(() => false);
    if (marked === false) return; // the row went away meanwhile
    try {
      await this.options.onNeedsReinstall?.({
        enterpriseId: query.enterpriseId ?? null,
        teamId: query.teamId ?? null,
        userId,
        reason,
      });
    } catch {
      // The hook is the app's; its failure must not change what authorize() answers.
    }
  }

  /** #exchange as one of a batch: its answer is handed back with the batch's others (see Answers). */
  async #exchangeIn(batch: Answers, refreshToken: string): Promise<RotatedTokens> {
    batch.sent();
    let tokens: RotatedTokens;
    try {
      tokens = await this.#exchange(refreshToken);
    } catch (err) {
      batch.failed();
      throw err;
    }
    await batch.answered();
    return tokens;
  }

  async #exchange(refreshToken: string): Promise<RotatedTokens> {
    this.client.core.redactor.addSecret(refreshToken);
    const answer = (await this.client.oauth.v2.access(
      {
        client_id: this.options.clientId,
        client_secret: this.options.clientSecret,
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
      },
      { deadlineMs: REFRESH_DEADLINE_MS, retryWrites: false },
    )) as unknown as Record<string, unknown>;
    const { access_token: token, refresh_token: next, expires_in: ttl } = answer;
    if (typeof token !== 'string' || typeof next !== 'string' || typeof ttl !== 'number' || !(ttl > 0)) {
      throw new InvalidResponseError(
        'a refresh answer without access_token, refresh_token and expires_in',
        'application/json',
        '',
        { method: 'oauth.v2.access' },
      );
    }
    this.client.core.redactor.addSecret(token);
    this.client.core.redactor.addSecret(next);
    return { token, refreshToken: next, expiresAt: this.clock.now() + ttl * 1000 };
  }
}
