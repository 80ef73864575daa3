// One inbound model for everything Slack sends an app — events, interactions, slash commands — over
// HTTP or Socket Mode alike. A transport parses and authenticates; the dispatcher finds the
// installation, runs the matching listeners with `{ body, installation, client, ack, respond }`, and
// tells the transport what to answer: the first `ack(payload)`, or an empty ack when every listener
// is done or the ack deadline passes (Slack waits 3 s). Work after the ack goes on in `done`, which
// the transport hands to `waitUntil` where the platform has one.
import { DeadlineQueue } from '../http/deadlines.js';
import { InvalidArgumentError, SlacklineError } from '../http/errors.js';
import { type Logger, silentLogger } from '../http/logger.js';
import type { AuthorizeResult } from '../oauth/authorize.js';
import type { InstallationQuery } from '../oauth/types.js';
import type { WebClient } from '../web/client.js';
import { respond as respondTo, type WebhookMessage } from '../webhook/index.js';
import type { SlackEventMap, SlackEventType } from './events.generated.js';

export type InboundKind = 'event' | 'interaction' | 'command';

/** An `event_callback` body (the Events API wrapper); `event` is the event itself. */
export interface EventCallback<E = SlackEvent> {
  type: 'event_callback';
  team_id?: string;
  enterprise_id?: string;
  api_app_id?: string;
  event_id: string;
  event_time: number;
  event: E;
  authorizations?: {
    enterprise_id: string | null;
    team_id: string | null;
    user_id: string;
    is_bot: boolean;
    is_enterprise_install?: boolean;
  }[];
  is_ext_shared_channel?: boolean;
  [key: string]: unknown;
}

export interface SlackEvent {
  type: string;
  [key: string]: unknown;
}

/** The interaction payloads Slack sends (`payload=` on HTTP, `interactive` over Socket Mode). */
export type InteractionType =
  | 'block_actions'
  | 'view_submission'
  | 'view_closed'
  | 'shortcut'
  | 'message_action'
  | 'block_suggestion';

export interface Interaction {
  type: InteractionType | (string & {});
  team?: { id: string; domain?: string; enterprise_id?: string } | null;
  enterprise?: { id: string; name?: string } | null;
  user?: { id: string; team_id?: string; name?: string };
  is_enterprise_install?: boolean;
  callback_id?: string;
  trigger_id?: string;
  response_url?: string;
  actions?: { action_id: string; block_id?: string; type?: string; value?: string; [key: string]: unknown }[];
  action_id?: string;
  block_id?: string;
  value?: string;
  view?: {
    id: string;
    callback_id?: string;
    /** What the user entered, by block id then action id (view_submission, view_closed). */
    state?: { values: Record<string, Record<string, ViewStateValue>> };
    [key: string]: unknown;
  };
  response_urls?: { response_url: string; channel_id?: string }[];
  [key: string]: unknown;
}

/** One input's value in a submitted view: `value` for text inputs, `selected_*` for selects and pickers. */
export interface ViewStateValue {
  type: string;
  value?: string | null;
  selected_option?: { value: string; [key: string]: unknown } | null;
  [key: string]: unknown;
}

/** A slash command, as Slack form-encodes it. */
export interface SlashCommand {
  command: string;
  text: string;
  team_id: string;
  enterprise_id?: string;
  is_enterprise_install?: string;
  channel_id: string;
  user_id: string;
  response_url: string;
  trigger_id: string;
  [key: string]: string | undefined;
}

/** What an ack may carry: a message (commands), `options` (block_suggestion), `response_action` (views). */
export type AckPayload = Record<string, unknown>;

export interface ListenerContext<B> {
  body: B;
  /** The installation that received it (undefined without an authority, or when none is stored). */
  installation: AuthorizeResult | undefined;
  /** A WebClient for the installation's bot token (undefined when there is none). */
  client: WebClient | undefined;
  /** Acknowledges with an optional payload. Only the first call counts; it is never needed for events. */
  ack(payload?: AckPayload): void;
  /** Posts to the body's `response_url` (commands, message actions, block actions). */
  respond(message: string | WebhookMessage): Promise<unknown>;
}

export type Listener<B> = (context: ListenerContext<B>) => unknown;

/** What the transport answers Slack, and the work that goes on after. */
export interface Dispatched {
  /** Resolves with the ack payload (undefined: an empty ack) at the first ack, when listeners are done, or at the deadline. */
  ack: Promise<AckPayload | undefined>;
  /** Settles when every listener has finished (never rejects: failures are logged). */
  done: Promise<void>;
}

export interface DispatcherOptions {
  /**
   * Finds the installation for each request (e.g. `installer.authority`). When it is refreshing a
   * token behind a lookup (`refreshing`), a request's `done` also waits for `settled()`, so a
   * platform's `waitUntil` keeps the refresh alive.
   */
  authority?: {
    authorize(query: InstallationQuery): Promise<AuthorizeResult>;
    readonly refreshing?: boolean;
    settled?(): Promise<void>;
  };
  /** The client whose connection pool per-installation clients share (`client.withToken(botToken)`). */
  client?: WebClient;
  logger?: Logger;
  /** An unacked request is acked empty after this long (default 2,500 ms; Slack waits 3 s). */
  ackDeadlineMs?: number;
}

type Matcher = string | RegExp;

interface Route<B> {
  match(body: B): boolean;
  listener: Listener<B>;
}

const matches = (m: Matcher, value: string | undefined): boolean =>
  value !== undefined && (typeof m === 'string' ? m === value : m.test(value));

export class Dispatcher {
  readonly #events: Route<EventCallback>[] = [];
  readonly #interactions: Route<Interaction>[] = [];
  readonly #commands: Route<SlashCommand>[] = [];
  readonly #options: DispatcherOptions;
  readonly #logger: Logger;
  /** Every dispatch's ack fallback on one timer (the deadlines all have the same length). */
  readonly #deadlines: DeadlineQueue;
  /**
   * The bot client of each authorize() answer. The authority answers repeat requests with the same
   * cached object, so requests of one installation share one client instead of building one (with its
   * whole method tree) per request; a refreshed answer is a new object, hence a new client.
   */
  readonly #clients = new WeakMap<AuthorizeResult, WebClient>();

  constructor(options: DispatcherOptions = {}) {
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
    const deadlineMs = options.ackDeadlineMs ?? 2_500;
    if (!(deadlineMs > 0 && deadlineMs < 3_000)) {
      throw new InvalidArgumentError('Dispatcher: ackDeadlineMs must be between 0 and 3,000 ms (Slack waits 3 s)');
    }
    this.#deadlines = new DeadlineQueue(deadlineMs);
  }

  /** An Events API event by type (`'app_mention'`, `'message'`...), typed from Slack's reference. */
  on<K extends SlackEventType>(eventType: K, listener: Listener<EventCallback<SlackEventMap[K]>>): this;
  /** Every event (`'*'`). */
  on(eventType: '*', listener: Listener<EventCallback>): this;
  on(eventType: string, listener: Listener<EventCallback<never>>): this {
    this.#events.push({
      match: (b) => eventType === '*' || b.event?.type === eventType,
      listener: listener as Listener<EventCallback>,
    });
    return this;
  }

  /** `block_actions` by action id (or a RegExp over it). */
  onAction(actionId: Matcher, listener: Listener<Interaction>): this {
    this.#interactions.push({
      match: (b) => b.type === 'block_actions' && (b.actions ?? []).some((a) => matches(actionId, a.action_id)),
      listener,
    });
    return this;
  }

  /** `view_submission` and `view_closed` by the view's callback id. */
  onView(callbackId: Matcher, listener: Listener<Interaction>): this {
    this.#interactions.push({
      match: (b) =>
        (b.type === 'view_submission' || b.type === 'view_closed') && matches(callbackId, b.view?.callback_id),
      listener,
    });
    return this;
  }

  /** Global (`shortcut`) and message (`message_action`) shortcuts by callback id. */
  onShortcut(callbackId: Matcher, listener: Listener<Interaction>): this {
    this.#interactions.push({
      match: (b) => (b.type === 'shortcut' || b.type === 'message_action') && matches(callbackId, b.callback_id),
      listener,
    });
    return this;
  }

  /** `block_suggestion` (external select options) by action id; answer with `ack({ options })`. */
  onOptions(actionId: Matcher, listener: Listener<Interaction>): this {
    this.#interactions.push({
      match: (b) => b.type === 'block_suggestion' && matches(actionId, b.action_id),
      listener,
    });
    return this;
  }

  /** A slash command by name (`'/deploy'`). */
  onCommand(command: Matcher, listener: Listener<SlashCommand>): this {
    this.#commands.push({ match: (b) => matches(command, b.command), listener });
    return this;
  }

  dispatch(kind: 'event', body: EventCallback): Dispatched;
  dispatch(kind: 'interaction', body: Interaction): Dispatched;
  dispatch(kind: 'command', body: SlashCommand): Dispatched;
  dispatch(kind: InboundKind, body: EventCallback | Interaction | SlashCommand): Dispatched {
    const routes: Route<never>[] =
      kind === 'event' ? this.#events : kind === 'interaction' ? this.#interactions : this.#commands;
    const chosen = routes.filter((r) => (r.match as (b: unknown) => boolean)(body));
    if (chosen.length === 0) return { ack: Promise.resolve(undefined), done: Promise.resolve() };
    let settle: (payload: AckPayload | undefined) => void = () => {};
    const ack = new Promise<AckPayload | undefined>((resolve) => {
      settle = resolve;
    });
    let acked = false;
    const doAck = (payload?: AckPayload): void => {
      if (acked) return;
      acked = true;
      this.#deadlines.cancel(deadline);
      settle(payload);
    };
    const deadline = this.#deadlines.arm(() => doAck());
    const done = this.#run(kind, body, chosen as Route<unknown>[], doAck).finally(() => doAck());
    return { ack, done };
  }

  #clientFor(installation: AuthorizeResult): WebClient | undefined {
    if (installation.botToken === undefined || this.#options.client === undefined) return undefined;
    let client = this.#clients.get(installation);
    if (client === undefined) {
      client = this.#options.client.withToken(installation.botToken);
      this.#clients.set(installation, client);
    }
    return client;
  }

  async #run(kind: InboundKind, body: unknown, routes: Route<unknown>[], ack: (p?: AckPayload) => void): Promise<void> {
    let installation: AuthorizeResult | undefined;
    let client: WebClient | undefined;
    const query = queryOf(kind, body);
    if (this.#options.authority !== undefined && query !== undefined) {
      try {
        installation = await this.#options.authority.authorize(query);
        client = this.#clientFor(installation);
      } catch (err) {
        this.#logger.warn({ kind, code: codeOf(err) }, 'inbound: no installation for this request');
      }
    }
    const responseUrl = responseUrlOf(body);
    const respond = (message: string | WebhookMessage): Promise<unknown> => {
      if (responseUrl === undefined) {
        return Promise.reject(new InvalidArgumentError('this request has no response_url to respond to'));
      }
      return respondTo(
        responseUrl,
        message,
        this.#options.client === undefined ? {} : { core: this.#options.client.core },
      );
    };
    const run = async (route: Route<unknown>) => {
      try {
        await route.listener({ body, installation, client, ack, respond });
      } catch (err) {
        this.#logger.error({ kind, code: codeOf(err) }, 'inbound: a listener failed');
      }
    };
    // One listener (the usual case) needs no Promise.all around it.
    await (routes.length === 1 ? run(routes[0] as Route<unknown>) : Promise.all(routes.map(run)));
    const authority = this.#options.authority;
    if (authority?.refreshing === true) await authority.settled?.();
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Which installation a request belongs to, from the fields each kind carries. */
function queryOf(kind: InboundKind, body: unknown): InstallationQuery | undefined {
  const b = body as Record<string, unknown>;
  if (kind === 'event') {
    const auth = (b.authorizations as EventCallback['authorizations'])?.[0];
    return {
      enterpriseId: str(b.enterprise_id) ?? auth?.enterprise_id ?? null,
      teamId: str(b.team_id) ?? auth?.team_id ?? null,
      isEnterpriseInstall: auth?.is_enterprise_install === true,
    };
  }
  if (kind === 'command') {
    return {
      enterpriseId: str(b.enterprise_id) ?? null,
      teamId: str(b.team_id) ?? null,
      isEnterpriseInstall: b.is_enterprise_install === 'true',
      userId: str(b.user_id),
    };
  }
  const i = body as Interaction;
  return {
    enterpriseId: i.enterprise?.id ?? i.team?.enterprise_id ?? null,
    teamId: i.team?.id ?? i.user?.team_id ?? null,
    isEnterpriseInstall: i.is_enterprise_install === true,
    userId: i.user?.id,
  };
}

function responseUrlOf(body: unknown): string | undefined {
  const b = body as { response_url?: unknown; response_urls?: { response_url?: unknown }[] };
  return str(b.response_url) ?? str(b.response_urls?.[0]?.response_url);
}

function codeOf(err: unknown): string {
  if (err instanceof SlacklineError) return err.code;
  return err instanceof Error ? err.name : 'unknown';
}
