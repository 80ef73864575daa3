// The emulator's state and the operations on it that both the control API and the Emulator object offer.

import type { EmulatorContext, HostPolicy, TokenRequest } from './context.js';
import { type DeliveryOptions, EventDelivery } from './events/delivery.js';
import { type AppOptions, AppRegistry, checkScopes } from './model/apps.js';
import { type Catalog, loadCatalog } from './model/catalog.js';
import { Clock } from './model/clock.js';
import { IdFactory } from './model/ids.js';
import type { JsonObject } from './model/json.js';
import type { App, Channel, Token } from './model/model.js';
import { OAuthState } from './model/oauth-state.js';
import {
  applySeed,
  type DefaultTokens,
  SeedError,
  type SeedResult,
  seedDefault,
  type WorkspaceInfo,
} from './model/seed.js';
import { EmulatorState } from './model/state.js';
import { makeTokenValue, TOKEN_KINDS } from './model/tokens.js';
import { SocketModeHub } from './socket-mode/hub.js';
import { Faults } from './web-api/faults.js';
import { RateLimits } from './web-api/rate-limits.js';
import { methodRegistry } from './web-api/registry.js';
import { messageJson } from './web-api/render.js';
import { RequestLog } from './web-api/request-log.js';

/** Runs after every reset, in order: enterprises, the start seed, event wiring (see index.ts). */
export type ResetHook = (core: EmulatorCore) => void;

export class EmulatorCore implements EmulatorContext {
  readonly catalog: Catalog = loadCatalog();
  readonly faults = new Faults();
  readonly clock: Clock;
  readonly rateLimits: RateLimits;
  readonly ids = new IdFactory();
  readonly app: App;
  readonly defaultTokens: DefaultTokens;
  readonly apps: AppRegistry;
  readonly deliveries: EventDelivery;
  readonly socketMode: SocketModeHub;
  readonly hosts: HostPolicy;
  readonly requests = new RequestLog();
  oauth!: OAuthState;
  state!: EmulatorState;
  workspace!: WorkspaceInfo;

  constructor(
    clock: (() => number) | undefined,
    options: {
      app?: AppOptions;
      apps?: readonly AppOptions[];
      events?: DeliveryOptions;
      allowedHosts?: readonly string[];
      outboundHosts?: readonly string[];
    },
    private readonly afterReset: readonly ResetHook[] = [],
  ) {
    this.clock = new Clock(clock);
    const names = (list: readonly string[] = []) => new Set(list.map((h) => h.toLowerCase()));
    this.hosts = { control: names(options.allowedHosts), outbound: names(options.outboundHosts) };
    this.apps = new AppRegistry(options.app, options.apps, this.hosts.outbound);
    this.app = this.apps.defaultApp;
    this.socketMode = new SocketModeHub(this.clock, this.apps);
    this.deliveries = new EventDelivery(this.clock, options.events, this.hosts.outbound, this.socketMode);
    this.rateLimits = new RateLimits(this.clock);
    this.defaultTokens = {
      bot: makeTokenValue('bot', this.app.id),
      user: makeTokenValue('user', this.app.id),
      app: makeTokenValue('app', this.app.id),
      admin: makeTokenValue('user', this.app.id),
    };
    this.reset();
  }

  /** Back to the default workspace (same IDs and tokens), no faults, clock offset 0. */
  reset(): void {
    this.ids.reset();
    this.faults.clear();
    this.clock.offsetMs = 0;
    this.apps.reset();
    this.deliveries.clear();
    this.oauth = new OAuthState();
    this.rateLimits.reset();
    this.state = new EmulatorState(this.ids, this.clock, this.app);
    this.workspace = seedDefault(this.state, this.defaultTokens);
    for (const hook of this.afterReset) hook(this);
  }

  /** Throws SeedError for a spec it cannot apply. */
  seed(spec: unknown): SeedResult {
    return applySeed(this.state, spec, this.workspace.teamId);
  }

  issueToken(request: TokenRequest): Token {
    const { state } = this;
    if (!TOKEN_KINDS.includes(request.type)) throw new SeedError(`type must be one of ${TOKEN_KINDS.join(', ')}`);
    const teamId = request.team ?? this.workspace.teamId;
    if (!state.teams.has(teamId)) throw new SeedError(`unknown team ${teamId}`);
    const install = state.installs.get(teamId);
    let userId = request.user;
    if (userId === undefined) {
      const admin = state.usersOf(teamId).find((u) => !u.isBot && u.isAdmin);
      userId = request.type === 'bot' ? install?.botUserId : admin?.id;
    }
    const user = userId === undefined ? undefined : state.users.get(userId);
    if (user === undefined || user.teamId !== teamId) throw new SeedError(`unknown user ${String(userId)}`);
    let scopes: string[];
    try {
      // '*' stands for every scope of the catalog for the kind, for running whole third-party suites.
      scopes = request.scopes.includes('*')
        ? methodRegistry().scopesOf(request.type)
        : checkScopes(request.scopes, 'scopes');
    } catch (error) {
      throw new SeedError((error as Error).message);
    }
    return state.issueToken({
      kind: request.type,
      teamId,
      userId: user.id,
      botId: request.type === 'bot' ? user.botId : undefined,
      scopes,
    });
  }

  revokeToken(value: string): boolean {
    const token = this.state.tokens.get(value);
    if (token === undefined) return false;
    token.revoked = true;
    return true;
  }

  channel(ref: string): Channel | undefined {
    return this.state.channels.get(ref) ?? this.state.channelByName(this.workspace.teamId, ref.replace(/^#/, ''));
  }

  /** Every message of a conversation, replies included, oldest first, as Slack's JSON. */
  messages(ref: string, baseUrl: string): JsonObject[] {
    this.state.postDueMessages();
    const channel = this.channel(ref);
    if (channel === undefined) return [];
    const all = [...channel.byTs.values()].sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
    return all.map((m) => ({ ...messageJson(this.state, m, baseUrl), channel: channel.id }));
  }
}
