// The apps the emulator knows: the default demo app plus any registered through startEmulator({ apps })
// or POST /_emulator/apps. Each has credentials, redirect URLs, scopes, an events URL and a rotation switch.
import { outboundAllowed } from './hosts.js';
import { IdFactory, randomDigits, randomHex } from './ids.js';
import { isObject, type JsonObject } from './json.js';
import type { App } from './model.js';

export interface AppConfig extends App {
  /** The legacy verification token Slack puts in every event envelope as `token`. */
  verificationToken: string;
  /** Redirect URLs as configured in the app's settings; the first is used when authorize names none. */
  redirectUrls: string[];
  /** Scopes the app requests when the authorize URL names none ("Install to Workspace"). */
  botScopes: string[];
  userScopes: string[];
  /** Where events (app_uninstalled, tokens_revoked...) are delivered; undefined: nowhere. */
  eventsUrl: string | undefined;
  /** Where interactions are delivered; undefined: the events URL (one Request URL may serve all). */
  interactivityUrl: string | undefined;
  /** Slash commands the app defines, by name (`/deploy`), with their Request URL (null: the events URL). */
  commands: Record<string, string | null>;
  /** Token rotation: access tokens expire after 12 hours and come with refresh tokens. */
  tokenRotation: boolean;
  /**
   * Bot events the app subscribes to: message.channels, message.groups, message.im, message.mpim, app_mention,
   * reaction_added, reaction_removed.
   */
  botEvents: string[];
  /** PKCE enabled: the app is a public client and may exchange codes with a code_verifier, no secret. */
  pkce: boolean;
  /**
   * Socket Mode: true, events go over the app's WebSocket (held and retried while none is open); false,
   * to the events URL only; undefined (the default), over the socket while a connection is open.
   */
  socketMode: boolean | undefined;
}

/** What can be set when registering or configuring an app (all optional). */
export interface AppOptions {
  name?: string;
  clientId?: string;
  clientSecret?: string;
  signingSecret?: string;
  redirectUrls?: string[];
  botScopes?: string[];
  userScopes?: string[];
  /** null removes the events URL. */
  eventsUrl?: string | null;
  /** null removes the interactivity URL. */
  interactivityUrl?: string | null;
  /** Replaces the app's slash commands: name -> Request URL (null: the events URL). */
  commands?: Record<string, string | null>;
  tokenRotation?: boolean;
  pkce?: boolean;
  botEvents?: string[];
  /** See AppConfig.socketMode; null returns to the default (Socket Mode while a connection is open). */
  socketMode?: boolean | null;
}

export class AppError extends Error {}

const DEFAULT_REDIRECT_URL = 'http://localhost:3000/slack/oauth_redirect';
/** The demo app's subscriptions: a Socket Mode client with the `--json` app token hears mentions at once. */
const DEFAULT_APP_EVENTS = ['app_mention', 'message.channels'];

/** Scope names as Slack spells them; anything else could not be echoed in a header. */
export function checkScopes(list: readonly string[], what: string): string[] {
  if (list.length > 1000) throw new AppError(`${what}: at most 1000 scopes`);
  for (const scope of list) {
    if (!SCOPE.test(scope)) throw new AppError(`${what}: ${JSON.stringify(scope.slice(0, 80))} is not a scope name`);
  }
  return [...list];
}

const SCOPE = /^[A-Za-z0-9_.:-]{1,100}$/;
/** A slash command as Slack allows it: a slash and up to 32 lowercase letters, digits, - or _. */
const COMMAND = /^\/[a-z0-9_-]{1,32}$/;

function checkUrl(value: string, what: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new AppError(`${what} is not a URL: ${value}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new AppError(`${what} must be http(s)`);
  if (url.hash !== '' || value.includes('#')) throw new AppError(`${what} must not contain #`);
  return url.href;
}

/** Slack's rule: the same origin, and the path equal to a configured one or below it. */
export function redirectAllowed(app: AppConfig, candidate: string): boolean {
  if (candidate.includes('#')) return false;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return false;
  }
  return app.redirectUrls.some((configured) => {
    const base = new URL(configured);
    if (base.origin !== url.origin) return false;
    if (url.pathname === base.pathname) return true;
    const dir = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
    return url.pathname.startsWith(dir);
  });
}

function applyOptions(app: AppConfig, options: AppOptions, outbound: ReadonlySet<string>): AppConfig {
  if (options.name !== undefined) app.name = options.name;
  if (options.clientSecret !== undefined) app.clientSecret = options.clientSecret;
  if (options.signingSecret !== undefined) app.signingSecret = options.signingSecret;
  if (options.redirectUrls !== undefined)
    app.redirectUrls = options.redirectUrls.map((u) => checkUrl(u, 'redirect URL'));
  if (options.botScopes !== undefined) app.botScopes = checkScopes(options.botScopes, 'bot scopes');
  if (options.userScopes !== undefined) app.userScopes = checkScopes(options.userScopes, 'user scopes');
  // The control API must not be a way to make the emulator request other machines (SSRF).
  const deliveryUrl = (value: string | null, what: string): string | undefined => {
    const url = value === null ? undefined : checkUrl(value, what);
    if (url !== undefined && !outboundAllowed(new URL(url), outbound)) {
      throw new AppError(`${what} must be on a loopback host (localhost, 127.0.0.1, ::1) or in outboundHosts`);
    }
    return url;
  };
  if (options.eventsUrl !== undefined) app.eventsUrl = deliveryUrl(options.eventsUrl, 'events URL');
  if (options.interactivityUrl !== undefined) {
    app.interactivityUrl = deliveryUrl(options.interactivityUrl, 'interactivity URL');
  }
  if (options.commands !== undefined) {
    const entries = Object.entries(options.commands);
    if (entries.length > 50) throw new AppError('commands: at most 50 slash commands');
    const commands: Record<string, string | null> = Object.create(null);
    for (const [name, url] of entries) {
      if (!COMMAND.test(name))
        throw new AppError(`commands: ${JSON.stringify(name.slice(0, 40))} is not a command name`);
      commands[name] = url === null ? null : (deliveryUrl(url, `${name} URL`) ?? null);
    }
    app.commands = commands;
  }
  if (options.tokenRotation !== undefined) {
    // Slack: "Token rotation may not be turned off once it's turned on."
    if (app.tokenRotation && !options.tokenRotation) throw new AppError('token rotation cannot be turned off');
    app.tokenRotation = options.tokenRotation;
  }
  if (options.botEvents !== undefined) app.botEvents = [...options.botEvents];
  if (options.socketMode !== undefined) app.socketMode = options.socketMode ?? undefined;
  if (options.pkce !== undefined) {
    // Slack: enabling PKCE marks the app as a public client, one way.
    if (app.pkce && !options.pkce) throw new AppError('PKCE cannot be turned off');
    app.pkce = options.pkce;
  }
  return app;
}

function newApp(id: string, options: AppOptions, outbound: ReadonlySet<string>): AppConfig {
  const app: AppConfig = {
    id,
    name: 'Slackline Emulator App',
    clientId: options.clientId ?? `${randomDigits(12)}.${randomDigits(13)}`,
    clientSecret: randomHex(32),
    signingSecret: randomHex(32),
    verificationToken: randomHex(24),
    redirectUrls: [DEFAULT_REDIRECT_URL],
    botScopes: ['chat:write', 'channels:read'],
    userScopes: [],
    eventsUrl: undefined,
    interactivityUrl: undefined,
    commands: Object.create(null),
    tokenRotation: false,
    botEvents: [],
    pkce: false,
    socketMode: undefined,
  };
  return applyOptions(app, options, outbound);
}

export class AppRegistry {
  readonly defaultApp: AppConfig;
  private readonly apps = new Map<string, AppConfig>();
  private readonly ids = new IdFactory();

  /** `initial`: the default app's settings and further apps, restored by reset(). */
  constructor(
    private readonly initialDefault: AppOptions = {},
    private readonly initialOthers: readonly AppOptions[] = [],
    /** Hosts besides loopback that events URLs may name. */
    private readonly outbound: ReadonlySet<string> = new Set(),
  ) {
    this.defaultApp = newApp('A0EMULATOR1', initialDefault, outbound);
    this.reset();
  }

  /** Back to the apps given at start: registered apps go, the default app's settings are restored. */
  reset(): void {
    this.apps.clear();
    this.ids.reset();
    const d = this.defaultApp;
    Object.assign(d, { redirectUrls: [DEFAULT_REDIRECT_URL], botScopes: ['chat:write', 'channels:read'] });
    Object.assign(d, { userScopes: [], eventsUrl: undefined, tokenRotation: false, pkce: false });
    Object.assign(d, { botEvents: [...DEFAULT_APP_EVENTS], socketMode: undefined });
    Object.assign(d, { interactivityUrl: undefined, commands: Object.create(null) });
    applyOptions(d, this.initialDefault, this.outbound);
    this.apps.set(d.id, d);
    for (const options of this.initialOthers) this.register(options);
  }

  register(options: AppOptions): AppConfig {
    if (options.clientId !== undefined && this.byClientId(options.clientId) !== undefined) {
      throw new AppError(`client id ${options.clientId} is taken`);
    }
    const app = newApp(this.ids.next('A'), options, this.outbound);
    this.apps.set(app.id, app);
    return app;
  }

  configure(ref: string, options: AppOptions): AppConfig {
    const app = this.find(ref);
    if (app === undefined) throw new AppError(`unknown app ${ref}`);
    if (options.clientId !== undefined && options.clientId !== app.clientId) {
      throw new AppError('the client id cannot change');
    }
    return applyOptions(app, options, this.outbound);
  }

  /** By app id or client id. */
  find(ref: string): AppConfig | undefined {
    return this.apps.get(ref) ?? this.byClientId(ref);
  }

  byClientId(clientId: string): AppConfig | undefined {
    for (const app of this.apps.values()) if (app.clientId === clientId) return app;
    return undefined;
  }

  list(): AppConfig[] {
    return [...this.apps.values()];
  }
}

function strings(value: unknown, what: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value.split(/[\s,]+/).filter((s) => s !== '');
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  throw new AppError(`${what} must be a list of strings`);
}

function text(value: unknown, what: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new AppError(`${what} must be a non-empty string`);
  return value;
}

/** AppOptions from a control API body (snake_case, as the rest of the control API). */
export function parseAppOptions(body: unknown): AppOptions {
  if (!isObject(body)) throw new AppError('body must be a JSON object');
  const events = body.events_url;
  if (events !== undefined && events !== null && typeof events !== 'string') {
    throw new AppError('events_url must be a string or null');
  }
  const interactivity = body.interactivity_url;
  if (interactivity !== undefined && interactivity !== null && typeof interactivity !== 'string') {
    throw new AppError('interactivity_url must be a string or null');
  }
  const commands = body.commands;
  if (
    commands !== undefined &&
    (!isObject(commands) || !Object.values(commands).every((u) => u === null || typeof u === 'string'))
  ) {
    throw new AppError('commands must be an object of command name -> URL string or null');
  }
  for (const flag of ['token_rotation', 'pkce']) {
    if (body[flag] !== undefined && typeof body[flag] !== 'boolean') throw new AppError(`${flag} must be a boolean`);
  }
  const socket = body.socket_mode;
  if (socket !== undefined && socket !== null && typeof socket !== 'boolean') {
    throw new AppError('socket_mode must be a boolean or null');
  }
  return {
    name: text(body.name, 'name'),
    clientId: text(body.client_id, 'client_id'),
    clientSecret: text(body.client_secret, 'client_secret'),
    signingSecret: text(body.signing_secret, 'signing_secret'),
    redirectUrls: strings(body.redirect_urls, 'redirect_urls'),
    botScopes: strings(body.bot_scopes, 'bot_scopes'),
    userScopes: strings(body.user_scopes, 'user_scopes'),
    eventsUrl: events as string | null | undefined,
    interactivityUrl: interactivity as string | null | undefined,
    commands: commands as Record<string, string | null> | undefined,
    tokenRotation: body.token_rotation as boolean | undefined,
    pkce: body.pkce as boolean | undefined,
    botEvents: strings(body.bot_events, 'bot_events'),
    socketMode: socket as boolean | null | undefined,
  };
}

/** The app as the control API shows it: credentials included (this is the app developer's view). */
export function appJson(app: AppConfig): JsonObject {
  return {
    app_id: app.id,
    name: app.name,
    client_id: app.clientId,
    client_secret: app.clientSecret,
    signing_secret: app.signingSecret,
    verification_token: app.verificationToken,
    redirect_urls: [...app.redirectUrls],
    bot_scopes: [...app.botScopes],
    user_scopes: [...app.userScopes],
    events_url: app.eventsUrl ?? null,
    interactivity_url: app.interactivityUrl ?? null,
    commands: { ...app.commands },
    token_rotation: app.tokenRotation,
    pkce: app.pkce,
    bot_events: [...app.botEvents],
    socket_mode: app.socketMode ?? null,
  };
}
