// Socket Mode: Slack delivers events, interactions and slash commands over a WebSocket that the app
// opens with an app-level token, instead of POSTing them to a public URL.
//
// What this client does that the others do not (node-slack-sdk #2225, #1787; python-slack-sdk #1701,
// #1446): a routine refresh (`warning`, `refresh_requested`) opens the next connection BEFORE the old
// one closes, so no envelope waits for a reconnect; `link_disabled` stops for good and says why;
// `too_many_websockets` backs off; any other loss reconnects at once, then with exponential backoff;
// `stop()` finishes within `closeTimeoutMs` whatever the server does, also in the middle of a reconnect.

import { bookkeeping } from '../events/bookkeeping.js';
import { DEDUPE_TTL_MS, type EventDedupeStore, eventTimeOf } from '../events/dedupe.js';
import type { Dispatcher, EventCallback, Interaction, SlashCommand } from '../events/dispatcher.js';
import type { EventEnvelope } from '../events/inbound.js';
import { MemoryDedupeStore } from '../events/memory-dedupe.js';
import { type Clock, sleep, systemClock } from '../http/clock.js';
import { type Deadline, DeadlineQueue } from '../http/deadlines.js';
import { InvalidArgumentError, PlatformError, SlacklineError } from '../http/errors.js';
import { type Logger, redactingLogger, silentLogger } from '../http/logger.js';
import { backoffDelay } from '../http/retry-handlers.js';
import type { InstallationAuthority } from '../oauth/authorize.js';
import { loadDriver } from '../stores/driver.js';
import { WebClient } from '../web/client.js';
import { Connection, type WebSocketClass } from './connection.js';
import type { DisconnectReason, Envelope, EnvelopeListener, EnvelopeType } from './types.js';

export const SocketModeErrorCode = {
  /** Slack turned Socket Mode off for this app (`link_disabled`); the client stopped. */
  LinkDisabled: 'slackline_socket_link_disabled',
  /** `apps.connections.open` refused the app token (invalid_auth, missing_scope...); the client stopped. */
  Refused: 'slackline_socket_refused',
} as const;
export type SocketModeErrorCode = (typeof SocketModeErrorCode)[keyof typeof SocketModeErrorCode];

export class SocketModeError extends SlacklineError {
  declare readonly code: SocketModeErrorCode;
  constructor(code: SocketModeErrorCode, message: string, cause?: unknown) {
    super(code, message, cause === undefined ? {} : { cause });
  }
}

export interface SocketModeOptions {
  /** The app-level token (scope `connections:write`). */
  appToken: string;
  /** Base URL of the Web API (default: `SLACK_API_URL`, else Slack's). Ignored when `client` is given. */
  slackApiUrl?: string;
  /** Calls `apps.connections.open`; by default a WebClient made for the app token. */
  client?: WebClient;
  /**
   * The inbound dispatcher (slackline/events) that HTTP apps use: envelopes go to its listeners, and
   * its ack (with payload) is sent back. Switching an app from HTTP to Socket Mode is this one option.
   */
  dispatcher?: Dispatcher;
  /**
   * Where app_uninstalled and tokens_revoked delete rows (the Installer's authority), exactly as the
   * HTTP handler does: an installation made after the event is never deleted.
   */
  authority?: InstallationAuthority;
  /** The `ws` package's WebSocket class, when you load it yourself (default: `ws`, loaded on start). */
  WebSocket?: WebSocketClass;
  logger?: Logger;
  clock?: Clock;
  /** Ping the server this often (default 5,000 ms); a ping unanswered for `pongTimeoutMs` (5,000) ends the connection. */
  pingIntervalMs?: number;
  pongTimeoutMs?: number;
  /** Envelopes no listener acked are acked empty after this long (default 2,500 ms: Slack waits 3 s). */
  ackDeadlineMs?: number;
  /** At most this many listener runs at once (default 64); the rest wait in order, acked meanwhile. */
  maxConcurrency?: number;
  /** Envelopes waiting for a listener slot beyond this are acked and dropped, with an error log (default 10,000). */
  maxQueue?: number;
  /** Remembers envelope and event ids so that redeliveries reach listeners once (default: in memory, one hour). */
  dedupe?: EventDedupeStore;
  dedupeTtlMs?: number;
  /** Reconnect backoff after consecutive failures (default 500 ms doubling to 30 s). */
  reconnectBaseMs?: number;
  reconnectMaxMs?: number;
  /** A server that does not answer a close is cut off after this (default 1,000 ms). */
  closeTimeoutMs?: number;
}

export interface SocketModeStats {
  /** Connections that reached `hello`. */
  connections: number;
  /** Connections opened to replace one lost unexpectedly (not hand-overs). */
  reconnects: number;
  /** Hand-overs after `warning`/`refresh_requested`. */
  refreshes: number;
  envelopes: number;
  duplicates: number;
  acked: number;
  dropped: number;
}

type Lifecycle = {
  connected: { connectionId: number; numConnections: number | undefined };
  disconnected: { connectionId: number; reason: string };
  stopped: { reason: string; error: SocketModeError | undefined };
  listenerError: { envelopeType: EnvelopeType; error: unknown };
};

/** An envelope id that goes into an ack as it is, without JSON escaping (Slack's are UUIDs). */
const PLAIN_ID = /^[\w-]*$/;
const VALID_TYPES = new Set<EnvelopeType>(['events_api', 'interactive', 'slash_commands']);
const FATAL_OPEN_ERRORS = new Set([
  'invalid_auth',
  'not_authed',
  'missing_scope',
  'account_inactive',
  'token_revoked',
  'not_allowed_token_type',
]);

export class SocketModeClient {
  readonly stats: SocketModeStats = {
    connections: 0,
    reconnects: 0,
    refreshes: 0,
    envelopes: 0,
    duplicates: 0,
    acked: 0,
    dropped: 0,
  };
  readonly #client: WebClient;
  readonly #ownsClient: boolean;
  readonly #authority: InstallationAuthority | undefined;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #dedupe: EventDedupeStore;
  /**
   * The default (in-memory) store's answer without a promise, undefined for a store passed in. Event
   * ids and envelope ids go to two stores of their own, so the key is the id itself: no `event:` or
   * `envelope:` prefix to concatenate, flatten and hash per envelope.
   */
  readonly #claimNow: ((isEvent: boolean, id: string, ttlMs: number, now: number) => boolean) | undefined;
  readonly #opts: Required<
    Pick<
      SocketModeOptions,
      | 'pingIntervalMs'
      | 'pongTimeoutMs'
      | 'ackDeadlineMs'
      | 'maxConcurrency'
      | 'maxQueue'
      | 'dedupeTtlMs'
      | 'reconnectBaseMs'
      | 'reconnectMaxMs'
      | 'closeTimeoutMs'
    >
  >;
  #WebSocket: WebSocketClass | undefined;
  readonly #listeners = new Map<EnvelopeType | 'envelope', Set<EnvelopeListener>>();
  /** Per envelope type, its listeners then the 'envelope' ones; rebuilt when a listener comes or goes. */
  #listenersOf = new Map<EnvelopeType, readonly EnvelopeListener[]>();
  readonly #lifecycle: { [K in keyof Lifecycle]: Set<(e: Lifecycle[K]) => void> } = {
    connected: new Set(),
    disconnected: new Set(),
    stopped: new Set(),
    listenerError: new Set(),
  };
  /** Every socket this client holds open: one, or two during a hand-over. */
  readonly #sockets = new Set<Connection>();
  #active: Connection | undefined;
  #running = false;
  #stop = new AbortController();
  #connecting: Promise<void> | undefined;
  #inFlight = 0;
  readonly #queue: (() => void)[] = [];
  /** Acks whose socket closed before they could be sent; the next connection sends them. */
  readonly #unsent: string[] = [];
  /** The ack deadline of each envelope in hand: one timer for all (http/deadlines.ts) acks the late ones empty. */
  readonly #deadlines: DeadlineQueue;

  constructor(options: SocketModeOptions) {
    if (typeof options?.appToken !== 'string' || options.appToken.trim() === '') {
      throw new InvalidArgumentError('SocketModeClient: appToken is required (an app-level token)');
    }
    const positive = (name: keyof SocketModeOptions, value: number | undefined, fallback: number): number => {
      const v = value ?? fallback;
      if (!(Number.isFinite(v) && v > 0)) throw new InvalidArgumentError(`SocketModeClient: ${name} must be positive`);
      return v;
    };
    this.#opts = {
      pingIntervalMs: positive('pingIntervalMs', options.pingIntervalMs, 5_000),
      pongTimeoutMs: positive('pongTimeoutMs', options.pongTimeoutMs, 5_000),
      ackDeadlineMs: positive('ackDeadlineMs', options.ackDeadlineMs, 2_500),
      maxConcurrency: positive('maxConcurrency', options.maxConcurrency, 64),
      maxQueue: positive('maxQueue', options.maxQueue, 10_000),
      dedupeTtlMs: positive('dedupeTtlMs', options.dedupeTtlMs, DEDUPE_TTL_MS),
      reconnectBaseMs: positive('reconnectBaseMs', options.reconnectBaseMs, 500),
      reconnectMaxMs: positive('reconnectMaxMs', options.reconnectMaxMs, 30_000),
      closeTimeoutMs: positive('closeTimeoutMs', options.closeTimeoutMs, 1_000),
    };
    this.#deadlines = new DeadlineQueue(this.#opts.ackDeadlineMs);
    this.#ownsClient = options.client === undefined;
    this.#client =
      options.client ??
      new WebClient(options.appToken, {
        ...(options.slackApiUrl === undefined ? {} : { slackApiUrl: options.slackApiUrl }),
        ...(options.logger === undefined ? {} : { logger: options.logger }),
        ...(options.clock === undefined ? {} : { clock: options.clock }),
      });
    this.#logger = redactingLogger(options.logger ?? silentLogger, this.#client.core.redactor);
    this.#clock = options.clock ?? systemClock;
    if (options.dedupe === undefined) {
      const events = new MemoryDedupeStore(100_000);
      const envelopes = new MemoryDedupeStore(100_000);
      this.#dedupe = events;
      this.#claimNow = (isEvent, id, ttlMs, now) => (isEvent ? events : envelopes).claimNow(id, ttlMs, now);
    } else this.#dedupe = options.dedupe;
    this.#WebSocket = options.WebSocket;
    this.#authority = options.authority;
    const dispatcher = options.dispatcher;
    if (dispatcher !== undefined) {
      this.on('envelope', async ({ envelope, body, ack }) => {
        const dispatched =
          envelope.type === 'events_api'
            ? dispatcher.dispatch('event', body as unknown as EventCallback)
            : envelope.type === 'interactive'
              ? dispatcher.dispatch('interaction', body as unknown as Interaction)
              : dispatcher.dispatch('command', body as unknown as SlashCommand);
        void dispatched.ack.then((payload) => ack(payload));
        await dispatched.done;
      });
    }
  }

  /** Listens to one kind of envelope, or to all (`'envelope'`). Returns a function that removes it. */
  on(type: EnvelopeType | 'envelope', listener: EnvelopeListener): () => void;
  on<K extends keyof Lifecycle>(type: K, listener: (event: Lifecycle[K]) => void): () => void;
  on(type: string, listener: (arg: never) => unknown): () => void {
    if (type in this.#lifecycle) {
      const set = this.#lifecycle[type as keyof Lifecycle] as Set<unknown>;
      set.add(listener);
      return () => set.delete(listener);
    }
    if (type !== 'envelope' && !VALID_TYPES.has(type as EnvelopeType)) {
      throw new InvalidArgumentError(`SocketModeClient.on: unknown event type`);
    }
    const key = type as EnvelopeType | 'envelope';
    const set = this.#listeners.get(key) ?? new Set();
    this.#listeners.set(key, set);
    set.add(listener as EnvelopeListener);
    this.#listenersOf = new Map();
    return () => {
      set.delete(listener as EnvelopeListener);
      this.#listenersOf = new Map();
    };
  }

  /** How many sockets are open right now (at most 2, during a hand-over). */
  get openSockets(): number {
    return this.#sockets.size;
  }

  get running(): boolean {
    return this.#running;
  }

  /** Connects and resolves once Slack said hello. Rejects (and stops) if Slack refuses the app token. */
  async start(): Promise<void> {
    if (this.#running) return this.#connecting;
    this.#WebSocket ??= (
      loadDriver<{ WebSocket: WebSocketClass }>('ws', '8.x') as { WebSocket: WebSocketClass }
    ).WebSocket;
    this.#running = true;
    this.#stop = new AbortController();
    await this.#connect('start');
  }

  /** Closes every socket; resolves within about `closeTimeoutMs` even if the server ignores the close. */
  async stop(): Promise<void> {
    await this.#halt('stopped', undefined);
  }

  async #halt(reason: string, error: SocketModeError | undefined): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#stop.abort();
    this.#active = undefined;
    await Promise.all([...this.#sockets].map((s) => s.close()));
    if (this.#ownsClient) this.#client.core.close();
    for (const f of this.#lifecycle.stopped) f({ reason, error });
  }

  /**
   * Opens a connection and makes it the active one. One at a time: a second caller shares the first
   * attempt. Consecutive failures back off; `signal` (stop) ends the loop.
   */
  #connect(why: 'start' | 'lost' | 'refresh' | 'too_many_websockets'): Promise<void> {
    if (this.#connecting !== undefined) return this.#connecting;
    const attempt = async (): Promise<void> => {
      const signal = this.#stop.signal;
      for (let failures = why === 'too_many_websockets' ? 1 : 0; this.#running; failures++) {
        if (failures > 0) {
          const wait = backoffDelay(failures, { baseMs: this.#opts.reconnectBaseMs, maxMs: this.#opts.reconnectMaxMs });
          this.#logger.info({ waitMs: Math.round(wait), failures }, 'socket mode: reconnecting after a wait');
          try {
            await sleep(this.#clock, wait, signal, 'apps.connections.open');
          } catch {
            return; // stopped
          }
        }
        let connection: Connection | undefined;
        try {
          const url = await this.#openUrl(signal);
          if (!this.#running) return;
          connection = this.#dial(url);
          const hello = await connection.ready;
          if (!this.#running) {
            await connection.close();
            return;
          }
          const previous = this.#active;
          this.#active = connection;
          for (const reply of this.#unsent.splice(0)) if (connection.send(reply)) this.stats.acked++;
          this.stats.connections++;
          if (why === 'lost' || why === 'too_many_websockets') this.stats.reconnects++;
          if (why === 'refresh') this.stats.refreshes++;
          for (const f of this.#lifecycle.connected) {
            f({ connectionId: connection.id, numConnections: hello.num_connections });
          }
          // The hand-over: the new socket is live before the old one is asked to close.
          if (previous !== undefined && previous !== connection) void previous.close();
          return;
        } catch (err) {
          connection?.terminate('failed to connect');
          if (err instanceof PlatformError && FATAL_OPEN_ERRORS.has(err.error)) {
            const error = new SocketModeError(
              SocketModeErrorCode.Refused,
              `apps.connections.open refused the app token: ${err.error}`,
              err,
            );
            await this.#halt('refused', error);
            throw error;
          }
          if (!this.#running) return;
          this.#logger.warn({ error: describe(err) }, 'socket mode: connect failed');
        }
      }
    };
    this.#connecting = attempt().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  async #openUrl(signal: AbortSignal): Promise<string> {
    const answer = (await this.#client.apiCall('apps.connections.open', {}, { signal })) as { url?: unknown };
    if (typeof answer.url !== 'string' || !/^wss?:\/\//.test(answer.url)) {
      throw new Error('apps.connections.open answered without a WebSocket URL');
    }
    return answer.url;
  }

  #dial(url: string): Connection {
    const connection = new Connection(
      url,
      {
        WebSocket: this.#WebSocket as WebSocketClass,
        pingIntervalMs: this.#opts.pingIntervalMs,
        pongTimeoutMs: this.#opts.pongTimeoutMs,
        helloTimeoutMs: 10_000,
        closeTimeoutMs: this.#opts.closeTimeoutMs,
        maxPayloadBytes: 16 * 1024 * 1024,
      },
      {
        message: (c, m) => this.#message(c, m),
        closed: (c, why) => this.#closed(c, why),
      },
    );
    this.#sockets.add(connection);
    return connection;
  }

  #closed(connection: Connection, why: string): void {
    this.#sockets.delete(connection);
    for (const f of this.#lifecycle.disconnected) f({ connectionId: connection.id, reason: why });
    if (connection !== this.#active) return; // A replaced or never-adopted socket: nothing to do.
    this.#active = undefined;
    if (!this.#running) return;
    this.#logger.info({ connectionId: connection.id, why }, 'socket mode: connection lost; reconnecting');
    void this.#connect('lost').catch(() => {});
  }

  #message(connection: Connection, message: Record<string, unknown>): void {
    if (message.type === 'disconnect') {
      this.#disconnect(connection, String(message.reason ?? '') as DisconnectReason);
      return;
    }
    if (!VALID_TYPES.has(message.type as EnvelopeType) || typeof message.envelope_id !== 'string') return;
    const envelope = message as unknown as Envelope;
    if (typeof envelope.payload !== 'object' || envelope.payload === null) envelope.payload = {};
    this.stats.envelopes++;
    this.#deliver(connection, envelope);
  }

  #disconnect(connection: Connection, reason: DisconnectReason): void {
    this.#logger.info({ connectionId: connection.id, reason }, 'socket mode: Slack asked to disconnect');
    if (reason === 'link_disabled') {
      void this.#halt(
        'link_disabled',
        new SocketModeError(
          SocketModeErrorCode.LinkDisabled,
          'Slack disabled Socket Mode for this app (link_disabled)',
        ),
      );
      return;
    }
    if (reason === 'too_many_websockets') {
      if (connection === this.#active) this.#active = undefined;
      void connection.close();
      void this.#connect('too_many_websockets').catch(() => {});
      return;
    }
    // warning, refresh_requested and anything new: hand over to a fresh connection, then close this one.
    if (connection !== this.#active) return;
    void this.#connect('refresh').catch(() => {});
  }

  /**
   * One envelope: de-dup, bookkeeping, listeners, ack. Synchronous as far as the store and the
   * listeners allow (the in-memory de-dup answers at once; a listener that returns no promise is done
   * when it returns), so a batch of envelopes is acked in the tick it arrived, in one write.
   */
  #deliver(connection: Connection, envelope: Envelope): void {
    const arrived = performance.now();
    let acked = false;
    let deadline: Deadline | undefined;
    const ack = (payload?: Record<string, unknown>): void => {
      if (acked) return;
      acked = true;
      if (deadline !== undefined) this.#deadlines.cancel(deadline);
      const id = envelope.envelope_id;
      const reply =
        payload !== undefined
          ? JSON.stringify({ envelope_id: id, payload })
          : PLAIN_ID.test(id)
            ? `{"envelope_id":"${id}"}`
            : `{"envelope_id":${JSON.stringify(id)}}`;
      // The socket it came on, if still open; otherwise whichever is live (Slack takes either); with
      // none open (mid-reconnect), the next connection sends it.
      if (connection.send(reply) || this.#active?.send(reply)) this.stats.acked++;
      else if (this.#unsent.length < this.#opts.maxQueue) this.#unsent.push(reply);
    };
    const eventId = (envelope.payload as { event_id?: unknown }).event_id;
    const isEvent = typeof eventId === 'string';
    const id = isEvent ? eventId : envelope.envelope_id;
    let claimed: boolean | Promise<boolean>;
    try {
      claimed =
        this.#claimNow === undefined
          ? this.#dedupe.claim(
              isEvent ? `event:${id}` : `envelope:${id}`,
              this.#opts.dedupeTtlMs,
              this.#clock.now(),
              isEvent ? eventTimeOf(envelope.payload) : undefined,
            )
          : this.#claimNow(isEvent, id, this.#opts.dedupeTtlMs, this.#clock.now());
    } catch (err) {
      claimed = Promise.reject(err);
    }
    if (typeof claimed === 'boolean') {
      this.#claimed(envelope, ack, claimed);
      // Armed only for an envelope still unacked once its listeners returned: one a synchronous
      // listener acked (the common case) never touches the deadline queue.
      if (!acked) deadline = this.#deadlines.arm(() => ack(), arrived);
    } else {
      deadline = this.#deadlines.arm(() => ack());
      claimed.then(
        (first) => this.#claimed(envelope, ack, first),
        (err: unknown) => {
          this.#logger.error({ error: describe(err) }, 'socket mode: de-dup store failed; delivering anyway');
          this.#claimed(envelope, ack, true);
        },
      );
    }
  }

  #claimed(envelope: Envelope, ack: (payload?: Record<string, unknown>) => void, first: boolean): void {
    if (!first) {
      this.stats.duplicates++;
      ack();
      return;
    }
    if (envelope.type === 'events_api' && envelope.payload.type === 'event_callback' && this.#authority !== undefined) {
      bookkeeping(envelope.payload as EventEnvelope, this.#authority, this.#logger).then(
        () => this.#dispatch(envelope, ack),
        (err: unknown) => {
          this.#logger.error({ error: describe(err) }, 'socket mode: uninstall/revocation bookkeeping failed');
          this.#dispatch(envelope, ack);
        },
      );
      return;
    }
    this.#dispatch(envelope, ack);
  }

  #dispatch(envelope: Envelope, ack: (payload?: Record<string, unknown>) => void): void {
    let listeners = this.#listenersOf.get(envelope.type);
    if (listeners === undefined) {
      listeners = [...(this.#listeners.get(envelope.type) ?? []), ...(this.#listeners.get('envelope') ?? [])];
      this.#listenersOf.set(envelope.type, listeners);
    }
    if (listeners.length === 0) {
      ack();
      return;
    }
    if (this.#inFlight >= this.#opts.maxConcurrency) {
      if (this.#queue.length >= this.#opts.maxQueue) {
        this.stats.dropped++;
        this.#logger.error({ type: envelope.type }, 'socket mode: listener queue full; envelope acked and dropped');
        ack();
        return;
      }
      this.#queue.push(() => this.#start(envelope, ack, listeners));
      return;
    }
    this.#start(envelope, ack, listeners);
  }

  /** Runs the listeners; once all are done, frees the slot and acks (empty, if none did). */
  #start(
    envelope: Envelope,
    ack: (payload?: Record<string, unknown>) => void,
    listeners: readonly EnvelopeListener[],
  ): void {
    this.#inFlight++;
    const args = { envelope, body: envelope.payload, ack };
    let running: Promise<void>[] | undefined;
    for (const listener of listeners) {
      let result: unknown;
      try {
        result = listener(args);
      } catch (error) {
        this.#failed(envelope, error);
        continue;
      }
      if (typeof (result as PromiseLike<unknown> | undefined)?.then === 'function') {
        running ??= [];
        running.push(
          Promise.resolve(result).then(
            () => {},
            (error: unknown) => this.#failed(envelope, error),
          ),
        );
      }
    }
    const done = (): void => {
      this.#inFlight--;
      this.#queue.shift()?.();
      ack();
    };
    if (running === undefined) done();
    else if (running.length === 1) void running[0]!.then(done);
    else void Promise.all(running).then(done);
  }

  /** A listener failed: logged and reported, never thrown. */
  #failed(envelope: Envelope, error: unknown): void {
    this.#logger.error({ type: envelope.type, error: describe(error) }, 'socket mode: listener failed');
    for (const f of this.#lifecycle.listenerError) f({ envelopeType: envelope.type, error });
  }
}

function describe(err: unknown): string {
  if (err instanceof SlacklineError) return `${err.code}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}
