// What the OAuth side remembers, reset with the rest of the state: enterprise orgs, consent tickets,
// authorization codes, installations, incoming webhooks, refresh tokens and a log of token exchanges.
import { randomAlnum, randomDigits, randomHex } from './ids.js';

export interface Enterprise {
  id: string;
  name: string;
  domain: string;
  /** Its workspaces; the first one hosts the org-wide bot user. */
  teamIds: string[];
  /** false: left off the consent page's choices (the org behind `tokens.admin`); a `team` parameter still names it. */
  offered?: boolean;
}

/** What the user agreed to on the consent page (or the headless approval). */
export interface Grant {
  appId: string;
  /** The workspace, or the org's first workspace for an org-wide install. */
  teamId: string;
  enterpriseId: string | undefined;
  isEnterpriseInstall: boolean;
  /** The installing user. */
  userId: string;
  botScopes: string[];
  userScopes: string[];
  /** The redirect_uri sent to authorize, if any: oauth.v2.access must then send the same. */
  redirectUri: string | undefined;
  /** The redirect URL actually used. */
  effectiveRedirect: string;
  /** PKCE: the S256 code_challenge sent to authorize. */
  codeChallenge: string | undefined;
  /** incoming-webhook: the channel the user picked. */
  webhookChannelId: string | undefined;
}

export interface CodeRecord extends Grant {
  code: string;
  expiresAt: number;
  used: boolean;
}

/** A validated authorize request waiting for Allow or Cancel. */
export interface ConsentTicket {
  id: string;
  appId: string;
  botScopes: string[];
  userScopes: string[];
  redirectUri: string | undefined;
  effectiveRedirect: string;
  codeChallenge: string | undefined;
  state: string | undefined;
  /** Team or enterprise ids the user may pick from. */
  choices: string[];
  expiresAt: number;
}

export interface Installation {
  appId: string;
  /** undefined for an org-wide install. */
  teamId: string | undefined;
  enterpriseId: string | undefined;
  isEnterpriseInstall: boolean;
  /** The team whose users and channels the tokens act in. */
  homeTeamId: string;
  botUserId: string | undefined;
  botId: string | undefined;
  botToken: string | undefined;
  botScopes: Set<string>;
  /** Per installing user: current user token and its scopes. */
  users: Map<string, { token: string; scopes: Set<string> }>;
  /** Rotation: the active access tokens per `kind:user`, oldest first (at most 2 stay valid). */
  rotated: Map<string, string[]>;
}

export interface Webhook {
  id: string;
  appId: string;
  teamId: string;
  channelId: string;
  botId: string | undefined;
  path: string;
  revoked: boolean;
}

export interface RefreshRecord {
  value: string;
  appId: string;
  installKey: string;
  kind: 'bot' | 'user';
  userId: string;
  used: boolean;
  /** Emulator ms of the first use: Slack revokes a used refresh token after a short grace period. */
  usedAt?: number;
  /** A long-lived token exchanged (oauth.v2.exchange) into this lineage: it expires at the first refresh. */
  exchangedFrom?: string;
}

/** A configuration token's refresh token (tooling.tokens.rotate). */
export interface ConfigRefreshRecord {
  value: string;
  teamId: string;
  userId: string;
  /** The configuration token it was issued with. */
  token: string;
  used: boolean;
}

export interface ExchangeLogEntry {
  at: number;
  client_id: string | null;
  grant_type: string;
  ok: boolean;
  error: string | null;
}

const CODE_TTL_MS = 10 * 60 * 1000;
export const TICKET_TTL_MS = 10 * 60 * 1000;
const MAX_LOG = 10_000;

export function installKey(appId: string, teamId: string | undefined, enterpriseId: string | undefined): string {
  return `${appId}:${teamId ?? enterpriseId ?? ''}`;
}

/** Drops the oldest entries that expired before `before`; Maps keep insertion (so expiry) order. */
function sweep(map: Map<string, { expiresAt: number }>, before: number): void {
  for (const [key, value] of map) {
    if (value.expiresAt >= before) return;
    map.delete(key);
  }
}

export class OAuthState {
  readonly enterprises = new Map<string, Enterprise>();
  /** team id -> enterprise id for workspaces that belong to an org. */
  readonly teamEnterprise = new Map<string, string>();
  readonly tickets = new Map<string, ConsentTicket>();
  readonly codes = new Map<string, CodeRecord>();
  readonly installations = new Map<string, Installation>();
  readonly webhooks = new Map<string, Webhook>();
  readonly refreshTokens = new Map<string, RefreshRecord>();
  readonly configRefreshTokens = new Map<string, ConfigRefreshRecord>();
  /** Long-lived access tokens already exchanged by oauth.v2.exchange (once each). */
  readonly exchangedTokens = new Set<string>();
  readonly exchanges: ExchangeLogEntry[] = [];
  private enterpriseCounter = 0;

  nextEnterpriseId(): string {
    this.enterpriseCounter += 1;
    return `E0${this.enterpriseCounter.toString(36).toUpperCase().padStart(9, '0')}`;
  }

  newTicket(fields: Omit<ConsentTicket, 'id'>): ConsentTicket {
    sweep(this.tickets, fields.expiresAt - TICKET_TTL_MS);
    const ticket = { ...fields, id: randomHex(40) };
    this.tickets.set(ticket.id, ticket);
    return ticket;
  }

  /** Single use: a ticket is gone once taken, whatever the decision. */
  takeTicket(id: string, now: number): ConsentTicket | undefined {
    const ticket = this.tickets.get(id);
    if (ticket === undefined) return undefined;
    this.tickets.delete(id);
    return ticket.expiresAt > now ? ticket : undefined;
  }

  /** Slack's codes look like `<digits>.<digits>.<hex>`. */
  newCode(grant: Grant, now: number): CodeRecord {
    // Expired codes stay a while so a late reuse still reads code_already_used, then go.
    sweep(this.codes, now - CODE_TTL_MS);
    const code = `${randomDigits(12)}.${randomDigits(13)}.${randomHex(64)}`;
    const record: CodeRecord = { ...grant, code, expiresAt: now + CODE_TTL_MS, used: false };
    this.codes.set(code, record);
    return record;
  }

  newWebhook(fields: Omit<Webhook, 'id' | 'path' | 'revoked'>): Webhook {
    const id = `B0${randomDigits(9)}`;
    const path = `services/${fields.teamId}/${id}/${randomAlnum(24)}`;
    const hook: Webhook = { ...fields, id, path, revoked: false };
    this.webhooks.set(path, hook);
    return hook;
  }

  log(entry: ExchangeLogEntry): void {
    if (this.exchanges.length >= MAX_LOG) this.exchanges.shift();
    this.exchanges.push(entry);
  }
}
