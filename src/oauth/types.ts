// The installation data model (DESIGN.md) and the store interfaces that stores/* implement.

export interface BotCredentials {
  token: string;
  id: string | undefined;
  userId: string;
  scopes: string[];
  refreshToken: string | undefined;
  /** Epoch ms; undefined when the token does not expire. */
  expiresAt: number | undefined;
}

export interface UserCredentials {
  id: string;
  token: string | undefined;
  scopes: string[];
  refreshToken: string | undefined;
  expiresAt: number | undefined;
}

export interface IncomingWebhook {
  url: string;
  channel: string | undefined;
  channelId: string | undefined;
  configurationUrl: string | undefined;
}

export interface Installation {
  appId: string | undefined;
  enterpriseId: string | null;
  enterpriseName: string | undefined;
  enterpriseUrl: string | undefined;
  /** null for an org-wide (enterprise) install. */
  teamId: string | null;
  teamName: string | undefined;
  isEnterpriseInstall: boolean;
  tokenType: string | undefined;
  bot: BotCredentials | undefined;
  /** The installing user; `token` only when user scopes were granted. */
  user: UserCredentials;
  incomingWebhook: IncomingWebhook | undefined;
  /**
   * Epoch ms of the save (install or re-install) that wrote this row's current credentials, set by the
   * store; a token refresh keeps it. An uninstall or revocation that happened before it never deletes it.
   */
  installedAt: number;
  updatedAt: number;
  /** Bumped by every write. */
  version: number;
  /** Present when Slack refused this installation's token refresh (see ReinstallMark). */
  needsReinstall?: ReinstallMark | undefined;
}

/** What a lookup is keyed on. For an org-wide install, teamId is ignored. */
export interface InstallationQuery {
  enterpriseId: string | null | undefined;
  teamId: string | null | undefined;
  userId?: string | undefined;
  isEnterpriseInstall: boolean | undefined;
}

/** One page of `list()`: no tokens, only who and what. */
/** Set on an installation whose token refresh Slack refused: it works again only after a reinstall. */
export interface ReinstallMark {
  /** Slack's error (invalid_refresh_token, invalid_client...). */
  reason: string;
  /** Epoch ms on the clock that marked it. */
  at: number;
}

export interface InstallationSummary {
  enterpriseId: string | null;
  teamId: string | null;
  teamName: string | undefined;
  enterpriseName: string | undefined;
  isEnterpriseInstall: boolean;
  appId: string | undefined;
  botUserId: string | undefined;
  botScopes: string[];
  hasBotToken: boolean;
  /** Present when Slack refused the bot token's refresh: the workspace must install the app again. */
  needsReinstall?: ReinstallMark | undefined;
  installedAt: number;
  updatedAt: number;
  version: number;
}

export interface ListOptions {
  limit?: number;
  cursor?: string | undefined;
}

export interface InstallationPage {
  items: InstallationSummary[];
  nextCursor: string | undefined;
}

export interface InstallationStore {
  /** Upsert the bot row and (with a user token) the installing user's row; keeps history; bumps version. */
  save(installation: Omit<Installation, 'installedAt' | 'updatedAt' | 'version'>): Promise<void>;
  /** The workspace's (or org's) bot installation, without any user token. */
  findBot(query: InstallationQuery): Promise<Installation | undefined>;
  /** Bot-only without userId; with userId, that user's token (never another user's) plus the bot. */
  findInstallation(query: InstallationQuery): Promise<Installation | undefined>;
  deleteBot(query: InstallationQuery): Promise<void>;
  /** With userId: that user's row; without: every user row of the team (the bot stays). */
  deleteInstallation(query: InstallationQuery): Promise<void>;
  /** Every row of a team, or of an org-wide install (teamId null). */
  deleteAll(query: InstallationQuery): Promise<void>;
  /**
   * The conditional delete an uninstall or revocation uses: deletes the rows `what` names ('all': every
   * row of the team or org-wide install; 'bot': the bot row; 'user': the row of `query.userId`) only
   * where `installedAt <= installedUpTo` (epoch ms), as one atomic step, so a re-installation saved
   * at any moment after the event, even while this runs, is kept. Answers how many rows went and how
   * many stayed because they were installed later.
   */
  deleteInstalledUpTo(query: InstallationQuery, what: DeleteScope, installedUpTo: number): Promise<DeleteOutcome>;
  /** Bot installations, ordered by (enterpriseId, teamId). */
  list(options?: ListOptions): Promise<InstallationPage>;
  /** Saved versions of a team's bot row, newest first (no tokens). */
  history(query: InstallationQuery): Promise<InstallationSummary[]>;
  close(): Promise<void>;
}

/** Which rows of an installation a conditional delete addresses. */
export type DeleteScope = 'all' | 'bot' | 'user';

export interface DeleteOutcome {
  /** Rows deleted. */
  deleted: number;
  /** Rows addressed but kept: installed after the cut-off. */
  kept: number;
}

/** One token as stored, for a refresh decision. */
export interface Credentials {
  token?: string;
  refreshToken?: string;
  /** Epoch ms. */
  expiresAt?: number;
}

/** A store that can refresh rotating tokens under a lease (every built-in store). */
export interface RotatingInstallationStore extends InstallationStore {
  rotate(
    query: InstallationQuery,
    userId: string | undefined,
    due: (current: Credentials) => boolean,
    /**
     * `lease.interrupted`: the previous lease holder stopped midway (its process died) and may have
     * spent this refresh token at Slack without storing the answer.
     */
    refresh: (
      refreshToken: string,
      lease?: { interrupted: boolean },
    ) => Promise<{ token: string; refreshToken: string; expiresAt: number }>,
    /**
     * `signal`, `waitMs`: bound the wait for another holder's lease (default: the lease's own
     * lifetime). `refused`: when `refresh` throws, the mark to store if Slack refused it for good,
     * written before the lease is let go (so no waiter tries the spent token again). `onStored`:
     * called when this call stored a refreshed bot token (userId undefined), with the installation
     * as findBot() answers it right after the write, so the caller need not read it back.
     */
    options?: {
      signal?: AbortSignal | undefined;
      waitMs?: number | undefined;
      refused?: ((error: unknown) => ReinstallMark | undefined) | undefined;
      onStored?: ((installation: Installation) => void) | undefined;
    },
  ): Promise<boolean>;
  /**
   * Marks the row (bot row with userId undefined) as needing a reinstall, keeping its tokens; a save
   * (the reinstall) clears it. Resolves false when there is no such row.
   */
  markNeedsReinstall?(query: InstallationQuery, userId: string | undefined, mark: ReinstallMark): Promise<boolean>;
}

/** What the state store keeps for one install attempt. */
export interface StateRecord {
  expiresAt: number;
  /** Extra data the install step wants back at the callback (kept small). */
  data: Record<string, string>;
}

export interface StateStore {
  put(state: string, record: StateRecord): Promise<void>;
  /** Atomically removes and returns the record; undefined when unknown, already used or expired. */
  consume(state: string, now: number): Promise<StateRecord | undefined>;
  close(): Promise<void>;
}
