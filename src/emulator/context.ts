// What a surface receives instead of the whole emulator: the shared pieces, named once here, from which
// each unit picks the few it needs (`Ctx<'state' | 'clock'>`). Only index.ts knows the class behind it.
import type { EventDelivery } from './events/delivery.js';
import type { AppRegistry } from './model/apps.js';
import type { Catalog } from './model/catalog.js';
import type { Clock } from './model/clock.js';
import type { IdFactory } from './model/ids.js';
import type { JsonObject } from './model/json.js';
import type { App, Channel, Token, TokenKind } from './model/model.js';
import type { OAuthState } from './model/oauth-state.js';
import type { DefaultTokens, SeedResult, WorkspaceInfo } from './model/seed.js';
import type { EmulatorState } from './model/state.js';
import type { SocketModeHub } from './socket-mode/hub.js';
import type { Faults } from './web-api/faults.js';
import type { RateLimits } from './web-api/rate-limits.js';
import type { RequestLog } from './web-api/request-log.js';

export interface TokenRequest {
  type: TokenKind;
  /** Scope names; `['*']` for every scope the method catalog names for this kind of token. */
  scopes: readonly string[];
  /** Team id; the default workspace when absent. */
  team?: string;
  /** User id the token acts as; the team's bot user for bot tokens, its first admin otherwise. */
  user?: string;
}

/** Hosts beyond loopback that the emulator trusts (see control/guard.ts). */
export interface HostPolicy {
  /** Host names the control API answers besides loopback names and IP literals. */
  readonly control: ReadonlySet<string>;
  /** Host names the emulator may send requests to (events URLs) besides loopback ones. */
  readonly outbound: ReadonlySet<string>;
}

export interface EmulatorContext {
  readonly hosts: HostPolicy;
  readonly catalog: Catalog;
  readonly faults: Faults;
  readonly clock: Clock;
  readonly rateLimits: RateLimits;
  readonly ids: IdFactory;
  /** The default app. */
  readonly app: App;
  readonly defaultTokens: DefaultTokens;
  readonly apps: AppRegistry;
  readonly deliveries: EventDelivery;
  /** Socket Mode: apps.connections.open, the WebSocket server, and which apps take events over it. */
  readonly socketMode: SocketModeHub;
  /** Replaced on reset: read it through the context each time, never keep it. */
  readonly oauth: OAuthState;
  /** Replaced on reset: read it through the context each time, never keep it. */
  readonly state: EmulatorState;
  readonly workspace: WorkspaceInfo;
  /** The last Web API requests (kept across reset: a test reads it by seq). */
  readonly requests: RequestLog;
  /** Back to the default workspace (same IDs and tokens), no faults, clock offset 0. */
  reset(): void;
  /** Throws SeedError for a spec it cannot apply. */
  seed(spec: unknown): SeedResult;
  issueToken(request: TokenRequest): Token;
  revokeToken(value: string): boolean;
  channel(ref: string): Channel | undefined;
  /** Every message of a conversation, replies included, oldest first, as Slack's JSON. */
  messages(ref: string, baseUrl: string): JsonObject[];
}

/** A narrow view of the context: a unit names what it uses. */
export type Ctx<K extends keyof EmulatorContext> = Pick<EmulatorContext, K>;

/** What the OAuth surface (consent, token exchange, revocation) works on. */
export type OAuthCtx = Ctx<'apps' | 'catalog' | 'clock' | 'oauth' | 'state' | 'deliveries'>;
