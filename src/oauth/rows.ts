// How an installation is laid out in rows, shared by every store: a bot row per workspace (user_id '')
// and one row per user who granted user scopes. Keys use '' for "none" (no enterprise; org-wide team)
// so that unique keys work the same in SQLite and PostgreSQL. Secrets go in one sealed column whose
// additional data is the row key, so a sealed blob moved to another row does not open.
import type { KeyRing } from '../crypto/index.js';
import { InvalidArgumentError } from '../http/errors.js';
import { hideSecrets } from './inspect.js';
import type { Credentials, Installation, InstallationQuery, InstallationSummary } from './types.js';

export interface RowKey {
  enterpriseId: string;
  teamId: string;
  userId: string;
}

export interface Row extends RowKey {
  appId: string | null;
  /** JSON of the non-secret fields. */
  meta: string;
  /** Sealed JSON of the secret fields. */
  secrets: string;
  installedAt: number;
  updatedAt: number;
  version: number;
}

export type NewRow = Omit<Row, 'installedAt' | 'updatedAt' | 'version'>;

/** A row as the SQL stores read it: snake_case columns; PostgreSQL hands BIGINT over as a string. */
export interface SqlRow {
  enterprise_id: string;
  team_id: string;
  user_id: string;
  app_id: string | null;
  meta: string;
  secrets: string;
  installed_at: number | string;
  updated_at: number | string;
  version: number;
}

export const rowFromSql = (r: SqlRow): Row => ({
  enterpriseId: r.enterprise_id,
  teamId: r.team_id,
  userId: r.user_id,
  appId: r.app_id,
  meta: r.meta,
  secrets: r.secrets,
  installedAt: Number(r.installed_at),
  updatedAt: Number(r.updated_at),
  version: r.version,
});

/** The storage primitives a database offers; RowInstallationStore builds the store interface on them. */
export interface RowBackend {
  /**
   * Insert or update each row (version + 1, installed_at = now: a save is an install) and append
   * history, in one transaction.
   */
  upsert(rows: NewRow[], now: number): Promise<void>;
  get(key: RowKey): Promise<Row | undefined>;
  /**
   * userId: a user id, '' (the bot row), '*users' (every user row) or '*' (every row). With
   * `installedUpTo`, only rows whose installed_at is at or before it go, in one atomic step (one
   * statement, or one synchronous check-and-delete); `kept` counts the addressed rows installed later.
   */
  delete(key: RowKey, installedUpTo?: number): Promise<{ deleted: number; kept: number }>;
  /** Bot rows after `after` in (enterpriseId, teamId) order. */
  listBots(after: RowKey | undefined, limit: number): Promise<Row[]>;
  /** Every row (bots and users) after `after` in (enterpriseId, teamId, userId) order. */
  listAll(after: RowKey | undefined, limit: number): Promise<Row[]>;
  /** History entries of one key, newest first (secrets are not kept in history). */
  history(key: RowKey): Promise<Row[]>;
  /**
   * The row's refresh lease, kept as data (a lease row with an owner and an expiry) and claimed by one
   * short autocommit statement or transaction, so no connection or lock is held while Slack is called.
   * Takes the lease for `owner` until `until` unless another owner holds one that lasts past `now`,
   * and answers the row as it is once the lease is taken; undefined while someone else holds it.
   * `interrupted`: the lease taken over had lapsed without being let go, so its holder stopped (a
   * crash) between claiming and finishing, maybe after its refresh call reached Slack.
   */
  claimLease(key: RowKey, owner: string, until: number, now: number): Promise<Claimed | undefined>;
  /**
   * As the lease's owner, writes `write.row` (meta, secrets, updated_at, version + 1; no history
   * entry: a refresh or re-seal is not an install) only when the stored row still has `write.version`
   * (a reinstall or delete meanwhile wins), and lets the lease go. Nothing is written unless this
   * owner still holds the lease. Answers whether the row was written.
   */
  finishLease(
    key: RowKey,
    owner: string,
    write: { row: NewRow; version: number } | undefined,
    now: number,
  ): Promise<boolean>;
  close(): Promise<void>;
}

/** A lease claimed: the row as the previous holder left it, and whether that holder stopped midway. */
export interface Claimed {
  row: Row | undefined;
  interrupted: boolean;
}

/** New tokens from a refresh (token rotation). */
export interface RotatedTokens {
  token: string;
  refreshToken: string;
  /** Epoch ms. */
  expiresAt: number;
}

export const ALL_USERS = '*users';
export const ALL_ROWS = '*';

interface Meta {
  enterpriseName?: string;
  enterpriseUrl?: string;
  teamName?: string;
  isEnterpriseInstall: boolean;
  tokenType?: string;
  bot?: { id?: string; userId: string; scopes: string[]; expiresAt?: number };
  user: { id: string; scopes: string[]; expiresAt?: number };
  webhook?: { channel?: string; channelId?: string; configurationUrl?: string };
  /** Slack refused this row's token refresh (only written by markNeedsReinstall; a save drops it). */
  needsReinstall?: { reason: string; at: number };
}

interface Secrets {
  botToken?: string;
  botRefreshToken?: string;
  userToken?: string;
  userRefreshToken?: string;
  webhookUrl?: string;
}

/** A row with its meta parsed and its secrets opened (RowCodec.open). */
export interface OpenRow {
  readonly row: Row;
  readonly meta: Meta;
  readonly secrets: Secrets;
}

/** The row key a query addresses: org-wide installs live at team ''. */
export function keyOf(query: InstallationQuery, userId = ''): RowKey {
  const enterpriseId = query.enterpriseId ?? '';
  const teamId = query.isEnterpriseInstall === true ? '' : (query.teamId ?? '');
  return { enterpriseId, teamId, userId };
}

/**
 * A row key as one string, the JSON array [enterpriseId, teamId, userId]: map keys, cache keys and a
 * batch's keys. Every event looks its installation up by it, and Slack's ids need no escaping, so
 * theirs is written as that JSON directly rather than through the serializer.
 */
export function keyId(k: RowKey): string {
  return verbatim(k.enterpriseId) && verbatim(k.teamId) && verbatim(k.userId)
    ? `["${k.enterpriseId}","${k.teamId}","${k.userId}"]`
    : JSON.stringify([k.enterpriseId, k.teamId, k.userId]);
}

/** Whether JSON.stringify writes `s` as it is between quotes (no quote, backslash, control or surrogate). */
function verbatim(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return false;
  }
  return true;
}

/** Whether a lookup reads a user's own row beside the bot row (a real user id, not '' or '*...'). */
export function readsUserRow(query: InstallationQuery): query is InstallationQuery & { userId: string } {
  const userId = query.userId;
  return userId !== undefined && userId !== '' && !userId.startsWith('*');
}

export function aadOf(key: RowKey): string {
  return `installation:${key.enterpriseId}:${key.teamId}:${key.userId}`;
}

export class RowCodec {
  constructor(readonly keys: KeyRing) {}

  /** The rows one save writes: the bot row, plus the user's row when a user token was granted. */
  encode(inst: Omit<Installation, 'installedAt' | 'updatedAt' | 'version'>): NewRow[] {
    const base = keyOf(inst);
    if (base.enterpriseId === '' && base.teamId === '')
      throw new InvalidArgumentError('an installation needs a team or an enterprise');
    const shared = {
      ...(inst.enterpriseName === undefined ? {} : { enterpriseName: inst.enterpriseName }),
      ...(inst.enterpriseUrl === undefined ? {} : { enterpriseUrl: inst.enterpriseUrl }),
      ...(inst.teamName === undefined ? {} : { teamName: inst.teamName }),
      isEnterpriseInstall: inst.isEnterpriseInstall,
      ...(inst.tokenType === undefined ? {} : { tokenType: inst.tokenType }),
    };
    const rows: NewRow[] = [];
    const userMeta = { id: inst.user.id, scopes: inst.user.scopes, ...opt('expiresAt', inst.user.expiresAt) };
    if (inst.bot !== undefined) {
      const { bot, incomingWebhook: hook } = inst;
      const meta: Meta = {
        ...shared,
        bot: { ...opt('id', bot.id), userId: bot.userId, scopes: bot.scopes, ...opt('expiresAt', bot.expiresAt) },
        user: { id: inst.user.id, scopes: inst.user.scopes },
        ...(hook === undefined
          ? {}
          : {
              webhook: {
                ...opt('channel', hook.channel),
                ...opt('channelId', hook.channelId),
                ...opt('configurationUrl', hook.configurationUrl),
              },
            }),
      };
      const secrets: Secrets = {
        botToken: bot.token,
        ...opt('botRefreshToken', bot.refreshToken),
        ...opt('webhookUrl', hook?.url),
      };
      rows.push(this.#row(base, inst.appId, meta, secrets));
    }
    if (inst.user.token !== undefined) {
      const secrets: Secrets = { userToken: inst.user.token, ...opt('userRefreshToken', inst.user.refreshToken) };
      rows.push(this.#row({ ...base, userId: inst.user.id }, inst.appId, { ...shared, user: userMeta }, secrets));
    }
    return rows;
  }

  #row(key: RowKey, appId: string | undefined, meta: Meta, secrets: Secrets): NewRow {
    return {
      ...key,
      appId: appId ?? null,
      meta: JSON.stringify(meta),
      secrets: this.keys.seal(JSON.stringify(secrets), aadOf(key)),
    };
  }

  /** A bot row (and optionally the asking user's own row) back into an installation. */
  decode(botRow: Row | undefined, userRow: Row | undefined): Installation | undefined {
    const main = botRow ?? userRow;
    if (main === undefined) return undefined;
    return this.#installation(
      main,
      JSON.parse(main.meta) as Meta,
      botRow === undefined ? {} : this.#open(botRow),
      userRow === undefined ? undefined : (JSON.parse(userRow.meta) as Meta).user,
      userRow === undefined ? {} : this.#open(userRow),
    );
  }

  /**
   * The bot row (userId '') a refresh has just stored, as decode() would read it back, built from the
   * meta and secrets it was sealed from (rotated()) instead of unsealing them again.
   */
  decodeWritten(stored: Row, written: OpenRow): Installation {
    if (stored.userId !== '') throw new InvalidArgumentError('decodeWritten() reads a bot row');
    return this.#installation(stored, written.meta, written.secrets, undefined, {});
  }

  #installation(
    main: Row,
    meta: Meta,
    secrets: Secrets,
    userMeta: Meta['user'] | undefined,
    userSecrets: Secrets,
  ): Installation {
    const user = userMeta ?? meta.user;
    return hideSecrets({
      appId: main.appId ?? undefined,
      enterpriseId: main.enterpriseId === '' ? null : main.enterpriseId,
      enterpriseName: meta.enterpriseName,
      enterpriseUrl: meta.enterpriseUrl,
      teamId: main.teamId === '' ? null : main.teamId,
      teamName: meta.teamName,
      isEnterpriseInstall: meta.isEnterpriseInstall,
      tokenType: meta.tokenType,
      bot:
        meta.bot === undefined || secrets.botToken === undefined
          ? undefined
          : {
              token: secrets.botToken,
              id: meta.bot.id,
              userId: meta.bot.userId,
              scopes: meta.bot.scopes,
              refreshToken: secrets.botRefreshToken,
              expiresAt: meta.bot.expiresAt,
            },
      user: {
        id: user.id,
        scopes: user.scopes,
        token: userSecrets.userToken,
        refreshToken: userSecrets.userRefreshToken,
        expiresAt: userMeta?.expiresAt,
      },
      incomingWebhook:
        secrets.webhookUrl === undefined
          ? undefined
          : {
              url: secrets.webhookUrl,
              channel: meta.webhook?.channel,
              channelId: meta.webhook?.channelId,
              configurationUrl: meta.webhook?.configurationUrl,
            },
      installedAt: main.installedAt,
      updatedAt: main.updatedAt,
      version: main.version,
      ...(meta.needsReinstall === undefined ? {} : { needsReinstall: meta.needsReinstall }),
    });
  }

  /** A row's meta parsed and its secrets opened, once, for the steps of a refresh. */
  open(row: Row): OpenRow {
    return { row, meta: JSON.parse(row.meta) as Meta, secrets: this.#open(row) };
  }

  /**
   * The bot row (userId '') or a user row with its token, refresh token and expiry replaced, still
   * open: sealed() makes the row to write.
   */
  rotated({ row, meta, secrets }: OpenRow, t: RotatedTokens): OpenRow {
    if (row.userId !== '') {
      return {
        row,
        meta: { ...meta, user: { ...meta.user, expiresAt: t.expiresAt } },
        secrets: { ...secrets, userToken: t.token, userRefreshToken: t.refreshToken },
      };
    }
    if (meta.bot === undefined) throw new InvalidArgumentError('no bot on this row');
    return {
      row,
      meta: { ...meta, bot: { ...meta.bot, expiresAt: t.expiresAt } },
      secrets: { ...secrets, botToken: t.token, botRefreshToken: t.refreshToken },
    };
  }

  /** An open row sealed again, to be written over its row. */
  sealed({ row, meta, secrets }: OpenRow): NewRow {
    const key = { enterpriseId: row.enterpriseId, teamId: row.teamId, userId: row.userId };
    return this.#row(key, row.appId ?? undefined, meta, secrets);
  }

  /** The credentials a bot row (userId '') or user row holds, for a refresh decision. */
  credentialsOf(row: Row | OpenRow): Credentials {
    const { row: r, meta, secrets: s } = 'row' in row ? row : this.open(row);
    // Set field by field (an unset one is absent): three opt() spreads cost 1.5 µs a refresh.
    const bot = r.userId === '';
    const c: Credentials = {};
    const token = bot ? s.botToken : s.userToken;
    const refreshToken = bot ? s.botRefreshToken : s.userRefreshToken;
    const expiresAt = bot ? meta.bot?.expiresAt : meta.user.expiresAt;
    if (token !== undefined) c.token = token;
    if (refreshToken !== undefined) c.refreshToken = refreshToken;
    if (expiresAt !== undefined) c.expiresAt = expiresAt;
    return hideSecrets(c);
  }

  /** Whether Slack refused this row's refresh before (then no one asks Slack again). */
  marked(row: Row): boolean {
    return (JSON.parse(row.meta) as Meta).needsReinstall !== undefined;
  }

  /** The same row, tokens untouched, marked as needing a reinstall. */
  markedForReinstall(row: Row, mark: { reason: string; at: number }): NewRow {
    const meta = JSON.parse(row.meta) as Meta;
    return { ...row, meta: JSON.stringify({ ...meta, needsReinstall: mark }) };
  }

  /** The same row with its secrets sealed again under the current key (key rotation). */
  reseal(row: Row): NewRow {
    const aad = aadOf(row);
    return { ...row, secrets: this.keys.seal(this.keys.open(row.secrets, aad), aad) };
  }

  #open(row: Row): Secrets {
    return JSON.parse(this.keys.open(row.secrets, aadOf(row))) as Secrets;
  }
}

export function summaryOf(row: Row): InstallationSummary {
  const meta = JSON.parse(row.meta) as Meta;
  return {
    enterpriseId: row.enterpriseId === '' ? null : row.enterpriseId,
    teamId: row.teamId === '' ? null : row.teamId,
    teamName: meta.teamName,
    enterpriseName: meta.enterpriseName,
    isEnterpriseInstall: meta.isEnterpriseInstall,
    appId: row.appId ?? undefined,
    botUserId: meta.bot?.userId,
    botScopes: meta.bot?.scopes ?? [],
    hasBotToken: meta.bot !== undefined && row.secrets !== '',
    ...(meta.needsReinstall === undefined ? {} : { needsReinstall: meta.needsReinstall }),
    installedAt: row.installedAt,
    updatedAt: row.updatedAt,
    version: row.version,
  };
}

function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
