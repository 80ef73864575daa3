// slackline/emulator: a local Slack for tests, benchmarks and `slackline emulator`.

import { recordActivity } from './audit-logs/entries.js';
import type { TokenRequest } from './context.js';
import { type InstallControls, installControls } from './control/install-api.js';
import { emulatorInfo } from './control/routes.js';
import { EmulatorCore, type ResetHook } from './core.js';
import { deliverChannelEvents } from './events/channel-events.js';
import type { DeliveryOptions } from './events/delivery.js';
import { deliverMessageEvents } from './events/message-events.js';
import { fetchHandler } from './http/fetch-adapter.js';
import { listen } from './http/node-server.js';
import type { AppOptions } from './model/apps.js';
import type { JsonObject } from './model/json.js';
import type { Token } from './model/model.js';
import { addEnterprise, type EnterpriseSpec } from './model/orgs.js';
import type { SeedResult, WorkspaceInfo } from './model/seed.js';
import type { EmulatorState } from './model/state.js';
import { addAdminOrg } from './scim/admin-org.js';
import type { FaultRule } from './web-api/faults.js';
import { parseFaultRule } from './web-api/faults.js';
import type { MethodAuth } from './web-api/method-auth.js';
import type { RateLimits } from './web-api/rate-limits.js';
import { methodRegistry } from './web-api/registry.js';
import type { LoggedRequest } from './web-api/request-log.js';

export type { TokenRequest } from './context.js';
/** Every route of the control API under /_emulator/, as `METHOD path` (`* apps/` for any method below apps/). */
export { controlRouteKeys } from './control/index.js';
export type * from './control/install-api.js';
export type { Json, JsonObject } from './model/json.js';
export type {
  Bot,
  Channel,
  ChannelKind,
  FileRecord,
  Message,
  Team,
  Token,
  TokenKind,
  User,
  View,
} from './model/model.js';
export type { SeedResult, WorkspaceInfo } from './model/seed.js';
export type { EmulatorState } from './model/state.js';
export type { FaultKind, FaultRule } from './web-api/faults.js';
export type { MethodAuth } from './web-api/method-auth.js';
export type { Limit, RateLimits } from './web-api/rate-limits.js';
export type { LoggedRequest } from './web-api/request-log.js';

export interface MethodInfo {
  readonly name: string;
  readonly status: 'current' | 'deprecated' | 'retired' | 'undocumented';
  /** What a caller must present: nothing, the app's client credentials, or a token of a kind with a scope. */
  readonly auth: MethodAuth;
  /** True when a handler models the method; false when it answers from the recorded samples. */
  readonly modelled: boolean;
}

/** Every method the emulator serves, from its one registry (the dispatcher reads the same table). */
export function emulatorMethods(): MethodInfo[] {
  return [...methodRegistry().entries()].map((e) => ({
    name: e.name,
    status: e.spec.status,
    auth: e.auth,
    modelled: e.handler !== undefined,
  }));
}

export interface EmulatorOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Extra data on top of the default workspace, same shape as POST /_emulator/seed. Re-applied on reset. */
  seed?: JsonObject;
  /**
   * Time source in epoch milliseconds (default Date.now), or `{ scale }` to run Slack time faster:
   * `{ scale: 60 }` makes a minute of rate limits, timestamps and Retry-After pass in a second.
   */
  clock?: (() => number) | { scale: number };
  /** Enforce Slack's rate limits from data/ (429 + Retry-After). Default false; see rate-limits.ts. */
  rateLimits?: boolean;
  /** false: do not open a port; only `fetch()` serves. Default true. */
  listen?: boolean;
  /** The default app's OAuth settings: redirect URLs, scopes, events URL, token rotation. Re-applied on reset. */
  app?: AppOptions;
  /** More apps, each with its own credentials. Re-applied on reset. */
  apps?: AppOptions[];
  /** Enterprise Grid orgs to create (for org-wide installs). Re-applied on reset. */
  enterprises?: EnterpriseSpec[];
  /** Event delivery: per-attempt timeout (default 3000 ms) and retry delays (default [0, 60000, 300000]). */
  events?: DeliveryOptions;
  /**
   * Host names the control API and the page answer besides loopback names (localhost, 127.0.0.1, ::1)
   * and IP addresses, e.g. `['host.docker.internal']`. Any other Host is refused (DNS rebinding).
   */
  allowedHosts?: readonly string[];
  /**
   * Host names the emulator may deliver events to besides loopback ones. An events URL on any other
   * host is refused, so no control call can make the emulator request a machine of your network.
   */
  outboundHosts?: readonly string[];
  /**
   * Give the default bot, user and app tokens every scope the method catalog names for their kind (for
   * running third-party test suites that call any method). Default false: the scopes of a typical app.
   */
  allScopes?: boolean;
  /**
   * How long a request (headers and body) may take to arrive; default 120000 ms, headers within 20000 ms
   * at most. A slower sender gets 408 and its socket closed. Answers may take longer (the `hang` fault).
   */
  requestTimeoutMs?: number;
}

export interface Emulator {
  /** `http://127.0.0.1:PORT/` (or `http://emulator.local/` without a port). */
  readonly url: string;
  /** `${url}api/`: what clients take as their Slack API URL. */
  readonly apiUrl: string;
  /** `${url}audit/v1/`: the Audit Logs API base URL (AuditLogsClient's `baseUrl`). */
  readonly auditUrl: string;
  readonly workspace: WorkspaceInfo;
  /** `${url}scim/`: the SCIM base URL (`scim/v1/Users`, `scim/v2/Groups`...). */
  readonly scimUrl: string;
  /**
   * The default workspace's bot, user and app tokens, and `admin`: an org admin's user token with the
   * `admin` and `auditlogs:read` scopes in the Enterprise org "Slackline Org" (for SCIM and Audit Logs).
   */
  readonly tokens: { readonly bot: string; readonly user: string; readonly app: string; readonly admin: string };
  readonly clientId: string;
  readonly clientSecret: string;
  readonly signingSecret: string;
  /** The emulator's clock: `now()` in Slack time and its `scale`. */
  readonly clock: { now(): number; readonly scale: number };
  /** Rate-limit enforcement: `enabled`, `format`, `limited` (429s answered), `configure({...})`. */
  readonly rateLimits: RateLimits;
  /** The live state, for assertions. */
  readonly state: EmulatorState;
  /** Every message of a conversation (id or name), replies included, oldest first, as Slack's JSON. */
  messages(channel: string): JsonObject[];
  seed(spec: JsonObject): SeedResult;
  issueToken(request: TokenRequest): string;
  revokeToken(token: string): boolean;
  addFault(rule: FaultRule): string;
  clearFaults(): void;
  /** Back to the default workspace; tokens and IDs stay the same. */
  reset(): void;
  /** The Web API requests from seq `since` on (the last 1000 are kept); `nextSeq` is the next one's seq. */
  requests(since?: number): LoggedRequest[];
  readonly nextRequestSeq: number;
  /** Apps, orgs, headless consent, and the logs of token exchanges and event deliveries. */
  readonly install: InstallControls;
  /** Socket Mode from code, as `POST /_emulator/socket-mode` offers it; `appId` defaults to the demo app. */
  readonly socketMode: SocketModeControls;
  /** The emulator as a web-standard fetch handler. */
  fetch(request: Request): Promise<Response>;
  close(): Promise<void>;
}

export interface SocketModeControls {
  /** Open Socket Mode connections of the app. */
  connections(appId?: string): number;
  /** Sends `disconnect` with `reason` to each connection and closes it (after a grace for warning/refresh_requested). */
  disconnect(reason: string, appId?: string): number;
  /** Cuts each connection without a close frame. */
  drop(appId?: string): number;
  /** Whether the server answers the app's pings. */
  answerPings(on: boolean, appId?: string): void;
  /**
   * Real milliseconds the app has spent with no open connection since its first one: the delivery
   * gap of a reconnect or a hand-over (0 when a refresh handed over before the old socket closed).
   */
  offlineMs(appId?: string): number;
  /** Sends an envelope over the app's socket and resolves with its ack (or acked: false). */
  deliver(
    type: 'events_api' | 'interactive' | 'slash_commands',
    payload: JsonObject,
    appId?: string,
  ): Promise<{ acked: boolean; payload: Record<string, unknown> | undefined; attempts: number }>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  // Wiring that the core must not import (orgs and events depend on it): run after every reset, in order.
  const afterReset: ResetHook[] = [
    (c) => {
      for (const spec of options.enterprises ?? []) addEnterprise(c, spec);
    },
    (c) => {
      if (options.seed !== undefined) c.seed(options.seed);
    },
    (c) => {
      c.state.onMessage = (message, channel) => deliverMessageEvents(c, message, channel);
      c.state.onChannelChange = (change) => deliverChannelEvents(c, change);
    },
    // After the caller's orgs and seed, so their IDs come first: the org behind `tokens.admin`.
    (c) => addAdminOrg(c, c.defaultTokens.admin),
    (c) => {
      c.state.onActivity = (activity) => recordActivity(c, activity);
    },
    (c) => {
      if (options.allScopes !== true) return;
      for (const value of Object.values(c.defaultTokens)) {
        const token = c.state.tokens.get(value);
        if (token === undefined) continue;
        // Every scope of the catalog for the kind, plus the token's own (auditlogs:read of `admin`).
        token.scopes = [...new Set([...methodRegistry().scopesOf(token.kind), ...token.scopes])];
        token.scopeSet = new Set(token.scopes);
      }
    },
  ];
  const core = new EmulatorCore(typeof options.clock === 'function' ? options.clock : undefined, options, afterReset);
  if (typeof options.clock === 'object') core.clock.setScale(options.clock.scale);
  core.rateLimits.enabled = options.rateLimits ?? false;
  const host = options.host ?? '127.0.0.1';
  const server =
    options.listen === false ? undefined : await listen(core, options.port ?? 0, host, options.requestTimeoutMs);
  // Socket Mode connects arrive as HTTP upgrades on the same port (the URL apps.connections.open gives).
  server?.onUpgrade((req, socket, head) => core.socketMode.upgrade(req, socket, head));
  const shownHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  const url = server === undefined ? 'http://emulator.local/' : `http://${shownHost}:${server.port}/`;
  const info = emulatorInfo(core, url);
  const token = (t: Token) => t.value;
  return {
    url,
    apiUrl: String(info.apiUrl),
    scimUrl: String(info.scimUrl),
    auditUrl: String(info.auditUrl),
    get workspace() {
      return { ...core.workspace };
    },
    tokens: { ...core.defaultTokens },
    clientId: core.app.clientId,
    clientSecret: core.app.clientSecret,
    signingSecret: core.app.signingSecret,
    clock: core.clock,
    rateLimits: core.rateLimits,
    get state() {
      return core.state;
    },
    messages: (channel) => core.messages(channel, url),
    seed: (spec) => core.seed(spec),
    issueToken: (request) => token(core.issueToken(request)),
    revokeToken: (value) => core.revokeToken(value),
    addFault: (rule) => core.faults.add(parseFaultRule(rule)),
    clearFaults: () => core.faults.clear(),
    reset: () => core.reset(),
    requests: (since) => core.requests.since(since),
    get nextRequestSeq() {
      return core.requests.nextSeq;
    },
    install: installControls(core),
    socketMode: {
      connections: (appId = core.app.id) => core.socketMode.connections(appId),
      disconnect: (reason, appId = core.app.id) => core.socketMode.server().disconnect(appId, reason),
      drop: (appId = core.app.id) => core.socketMode.server().drop(appId),
      answerPings: (on, appId = core.app.id) => core.socketMode.server().answerPings(appId, on),
      offlineMs: (appId = core.app.id) => core.socketMode.server().offlineMs(appId),
      deliver: (type, payload, appId = core.app.id) => core.socketMode.deliver(appId, type, payload),
    },
    fetch: (request) => fetchHandler(core, request),
    close: async () => {
      core.deliveries.clear();
      core.socketMode.close();
      await server?.close();
    },
  };
}
