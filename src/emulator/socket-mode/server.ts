// The emulator's Socket Mode server: Slack's side of the app's WebSocket.
// `apps.connections.open` mints a one-time URL (`ticket`); the app connects, gets `hello`, and then
// receives envelopes that it must acknowledge within 3 s of emulator time, or they are sent again
// with `retry_attempt`/`retry_reason` (events only, as Slack does). Up to 10 connections per app;
// envelopes go round-robin. The control API can make it misbehave the ways Slack can: send a
// `disconnect` with any reason, drop sockets without a close frame, stop answering pings.
// Standalone on purpose: it knows apps by id and nothing else of the emulator.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

// What the server needs of the `ws` module, described structurally so the published types compile
// without `ws`'s types (the emulator door is imported by apps that never use Socket Mode).
interface WebSocket {
  readonly readyState: number;
  /** `ws`'s underlying socket (not typed by `ws`; used, when there, to send a tick's frames in one write). */
  readonly _socket?: { cork(): void; uncork(): void } | null;
  send(data: string): void;
  close(code?: number): void;
  terminate(): void;
  ping(data?: Buffer): void;
  pong(data?: Buffer): void;
  on(event: 'close' | 'error', listener: () => void): unknown;
  on(event: 'ping', listener: (data: Buffer) => void): unknown;
  on(event: 'message', listener: (data: { toString(): string }, isBinary: boolean) => void): unknown;
}

interface WebSocketServer {
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer, done: (ws: WebSocket) => void): void;
  close(): void;
}

export interface WsModule {
  WebSocketServer: new (options: { noServer: boolean; autoPong: boolean; maxPayload: number }) => WebSocketServer;
}

export type EnvelopeKind = 'events_api' | 'interactive' | 'slash_commands';

/** Slack's limit: more connections than this get `disconnect: too_many_websockets`. */
export const MAX_CONNECTIONS_PER_APP = 10;
const TICKET_TTL_MS = 30_000;
const MAX_TICKETS = 10_000;
/** Deliveries in progress at most (sent and unacked, or waiting to be sent again): one slot each. */
const MAX_PENDING = 0x10000;
/**
 * The most frames one write carries. All of a tick's frames in one write made the server and the app
 * take turns (the app waited for the whole burst, then the server for all of its acks); a write every
 * 16 frames lets the app work on the first ones while the server sends the rest.
 */
export const FRAMES_PER_WRITE = 16;
/** An envelope id: `xxxxxxxx-xxxx-xxxx-SSSS-CCCCCCCCCCCC`, S the delivery's slot, C a counter. */
const ENVELOPE_ID_LENGTH = 36;
const SLOT_AT = 19;

export interface SocketModeServerOptions {
  /**
   * The `ws` module, or a loader called at the first connect (the emulator passes `() => import('ws')`,
   * so `ws` is loaded only once an app connects).
   */
  ws: WsModule | (() => Promise<WsModule>);
  /** Emulator time in ms; ack deadlines and grace periods are measured on it. */
  now: () => number;
  /** Emulator ms per real ms (the clock's scale), to turn emulator deadlines into real timers. */
  scale: () => number;
  /** Ack deadline in emulator ms (Slack: 3 s). */
  ackTimeoutMs?: number;
  /** How many times an unacked events_api envelope is sent again (Slack: up to 3). */
  maxRetries?: number;
  /** After `warning`, the socket is closed this much emulator time later (Slack: about 10 s). */
  warningGraceMs?: number;
  /** After `refresh_requested`, likewise (default 1 s: Slack gives no figure; a short grace lets a client hand over). */
  refreshGraceMs?: number;
  /** The server pings each connection this often, in real ms (Slack's clients expect pings; default 10 s). */
  pingIntervalMs?: number;
}

export interface DeliveryResult {
  /** The ack's payload (a slash command's response, a view's response_action...), if any. */
  acked: boolean;
  payload: Record<string, unknown> | undefined;
  /** Times it was sent (1 when the first send was acked). */
  attempts: number;
}

type Answer = { payload: Record<string, unknown> | undefined } | undefined;

/** One delivery in progress: one object, held in its slot while a send of it awaits its ack. */
interface Delivery {
  /** The envelope id every send of it carries, and the ack must. */
  readonly id: string;
  readonly slot: number;
  readonly appId: string;
  readonly type: EnvelopeKind;
  /** The payload, serialized once for all its sends. */
  readonly body: string;
  /** How many times it may be sent again. */
  readonly retries: number;
  readonly resolve: (result: DeliveryResult) => void;
  /** This attempt's number (0: the first; its `retry_attempt`). */
  attempt: number;
  /** performance.now() past which this send counts as not acked. */
  deadline: number;
}

interface AppSockets {
  /** In connect order; round-robin walks it. */
  sockets: WebSocket[];
  next: number;
  answerPings: boolean;
}

export class SocketModeServer {
  readonly #ws: WsModule | (() => Promise<WsModule>);
  #wss: Promise<WebSocketServer> | undefined;
  readonly #options: Required<Omit<SocketModeServerOptions, 'ws'>>;
  readonly #tickets = new Map<string, { appId: string; expires: number }>();
  readonly #apps = new Map<string, AppSockets>();
  /**
   * Envelopes sent and not yet acked, each in its delivery's slot (held from the first send until the
   * delivery resolves, so its retries keep their envelope id); the slot is written into the envelope
   * id, so an ack finds its envelope without a lookup. Not a Map by id: a Map added to and deleted
   * from per envelope keeps every envelope's objects alive through scavenges once one of its tables
   * is old (src/http/deadlines.ts), and this side's pauses were in every client's ack latency.
   * One timer (#sweep), armed for the earliest deadline, serves them all.
   */
  readonly #slots: (Delivery | undefined)[] = [];
  /** Slots of deliveries that resolved, to reuse (a stack). */
  readonly #freeSlots: number[] = [];

  #sweeper: NodeJS.Timeout | undefined;
  /** When the sweeper fires (performance.now() ms). */
  #sweepAt = Number.POSITIVE_INFINITY;
  /**
   * Sockets corked in this tick and the frames written to each since its last flush, uncorked once
   * the tick's sends are done (a few sockets at most: searched, not hashed).
   */
  readonly #corked: { raw: { cork(): void; uncork(): void }; frames: number }[] = [];
  /** Envelope ids, UUID-shaped: a random per-server prefix, the delivery's slot, a counter (unique, and cheaper than a UUID each). */
  readonly #idPrefix = randomBytes(8)
    .toString('hex')
    .replace(/^(.{8})(.{4})(.{4})$/, '$1-$2-$3-');
  #idCounter = 0;
  readonly #timers = new Set<NodeJS.Timeout>();
  #closed = false;
  readonly #pinger: NodeJS.Timeout;
  /** Real-time ms (performance.now) the app had no open connection, summed; for the refresh-gap bench. */
  readonly #offline = new Map<string, { since: number | undefined; totalMs: number }>();

  constructor(options: SocketModeServerOptions) {
    this.#options = {
      now: options.now,
      scale: options.scale,
      ackTimeoutMs: options.ackTimeoutMs ?? 3_000,
      maxRetries: options.maxRetries ?? 3,
      warningGraceMs: options.warningGraceMs ?? 10_000,
      refreshGraceMs: options.refreshGraceMs ?? 1_000,
      pingIntervalMs: options.pingIntervalMs ?? 10_000,
    };
    this.#pinger = setInterval(() => {
      for (const app of this.#apps.values()) for (const ws of app.sockets) if (ws.readyState === 1) ws.ping();
    }, this.#options.pingIntervalMs);
    this.#pinger.unref();
    this.#ws = options.ws;
  }

  #server(): Promise<WebSocketServer> {
    this.#wss ??= (async () => {
      const ws = typeof this.#ws === 'function' ? await this.#ws() : this.#ws;
      // autoPong off: pongs are sent by hand, so the control API can make the server stop answering.
      return new ws.WebSocketServer({ noServer: true, autoPong: false, maxPayload: 1024 * 1024 });
    })();
    return this.#wss;
  }

  /** A one-time connection URL for `appId` (what apps.connections.open answers). */
  mint(appId: string, baseUrl: string): string {
    const now = this.#options.now();
    if (this.#tickets.size >= MAX_TICKETS) {
      for (const [t, v] of this.#tickets) if (v.expires <= now) this.#tickets.delete(t);
      if (this.#tickets.size >= MAX_TICKETS) this.#tickets.delete(this.#tickets.keys().next().value as string);
    }
    const ticket = randomBytes(16).toString('hex');
    this.#tickets.set(ticket, { appId, expires: now + TICKET_TTL_MS });
    const url = new URL('link/', baseUrl);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('ticket', ticket);
    return url.href;
  }

  /** True when `req` is a Socket Mode connect (path /link/); answers it (accepts or refuses). */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', 'http://emulator/');
    if (url.pathname !== '/link/' && url.pathname !== '/link') return false;
    const ticket = url.searchParams.get('ticket') ?? '';
    const entry = this.#tickets.get(ticket);
    this.#tickets.delete(ticket);
    if (this.#closed || entry === undefined || entry.expires <= this.#options.now()) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return true;
    }
    this.#server().then(
      (wss) => {
        if (this.#closed) socket.destroy();
        else wss.handleUpgrade(req, socket, head, (ws) => this.#accept(entry.appId, ws));
      },
      () => socket.end('HTTP/1.1 501 Not Implemented\r\nConnection: close\r\nContent-Length: 0\r\n\r\n'),
    );
    return true;
  }

  #app(appId: string): AppSockets {
    let app = this.#apps.get(appId);
    if (app === undefined) {
      app = { sockets: [], next: 0, answerPings: true };
      this.#apps.set(appId, app);
    }
    return app;
  }

  #accept(appId: string, ws: WebSocket): void {
    const app = this.#app(appId);
    ws.on('error', () => ws.terminate());
    if (app.sockets.length >= MAX_CONNECTIONS_PER_APP) {
      ws.send(JSON.stringify({ type: 'disconnect', reason: 'too_many_websockets', debug_info: { host: 'emulator' } }));
      ws.close(1008);
      return;
    }
    app.sockets.push(ws);
    this.#online(appId, app.sockets.length);
    ws.on('close', () => {
      const at = app.sockets.indexOf(ws);
      if (at !== -1) app.sockets.splice(at, 1);
      this.#online(appId, app.sockets.length);
    });
    ws.on('ping', (data) => {
      if (app.answerPings) ws.pong(data);
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      this.#ack(data.toString());
    });
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: app.sockets.length,
        debug_info: { host: 'emulator', build_number: 1, approximate_connection_time: 18_060 },
        connection_info: { app_id: appId },
      }),
    );
  }

  #ack(text: string): void {
    // The common ack, `{"envelope_id":"…"}` with no payload, is read without a JSON parse.
    const PLAIN = '{"envelope_id":"';
    if (text.startsWith(PLAIN) && text.endsWith('"}')) {
      const id = text.slice(PLAIN.length, -2);
      if (!id.includes('"') && !id.includes('\\')) {
        const delivery = this.#take(id);
        if (delivery !== undefined) this.#answered(delivery, { payload: undefined });
        return;
      }
    }
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (typeof message !== 'object' || message === null) return;
    const { envelope_id: id, payload } = message as { envelope_id?: unknown; payload?: unknown };
    if (typeof id !== 'string') return;
    const delivery = this.#take(id);
    if (delivery === undefined) return;
    const body =
      typeof payload === 'object' && payload !== null && !Array.isArray(payload)
        ? (payload as Record<string, unknown>)
        : undefined;
    this.#answered(delivery, { payload: body });
  }

  /** The envelope sent with this id and not yet acked, taken out of its slot; undefined for any other id. */
  #take(id: string): Delivery | undefined {
    const slot = id.length === ENVELOPE_ID_LENGTH ? Number.parseInt(id.slice(SLOT_AT, SLOT_AT + 4), 16) : Number.NaN;
    const delivery = this.#slots[slot];
    if (delivery === undefined || delivery.id !== id) return undefined;
    this.#slots[slot] = undefined;
    return delivery;
  }

  #online(appId: string, sockets: number): void {
    const entry = this.#offline.get(appId) ?? { since: undefined, totalMs: 0 };
    this.#offline.set(appId, entry);
    if (sockets === 0 && entry.since === undefined) entry.since = performance.now();
    if (sockets > 0 && entry.since !== undefined) {
      entry.totalMs += performance.now() - entry.since;
      entry.since = undefined;
    }
  }

  /** Real ms the app has spent with no open connection since its first one (the delivery gap). */
  offlineMs(appId: string): number {
    const entry = this.#offline.get(appId);
    if (entry === undefined) return 0;
    return entry.totalMs + (entry.since === undefined ? 0 : performance.now() - entry.since);
  }

  /** Open connections of `appId`. */
  connections(appId: string): number {
    return this.#apps.get(appId)?.sockets.length ?? 0;
  }

  /**
   * Sends an envelope to one of the app's connections (round-robin) and waits for its ack. An
   * unacked events_api envelope is sent again (same envelope id, `retry_attempt` + 1) up to
   * `maxRetries` times; interactions and commands are sent once, as Slack does. Resolves
   * `acked: false` when no connection is open or nobody acked.
   *
   * One promise and one object (its Delivery) per delivery, settled from the ack itself: no async
   * frame, no promise and no closure per attempt (at tens of thousands of envelopes a second they
   * were most of this side's garbage).
   */
  deliver(appId: string, type: EnvelopeKind, payload: Record<string, unknown>): Promise<DeliveryResult> {
    if (this.#freeSlots.length === 0 && this.#slots.length >= MAX_PENDING) {
      return Promise.resolve({ acked: false, payload: undefined, attempts: 0 });
    }
    const slot = this.#freeSlots.pop() ?? this.#slots.push(undefined) - 1;
    let resolve!: (result: DeliveryResult) => void;
    const settled = new Promise<DeliveryResult>((r) => {
      resolve = r;
    });
    this.#attempt({
      id: `${this.#idPrefix}${slot.toString(16).padStart(4, '0')}-${(++this.#idCounter).toString(16).padStart(12, '0')}`,
      slot,
      appId,
      type,
      // The one serialization per delivery is the payload's; the frame around it is built by hand, in
      // Slack's field order.
      body: JSON.stringify(payload),
      retries: type === 'events_api' ? this.#options.maxRetries : 0,
      resolve,
      attempt: 0,
      deadline: Number.POSITIVE_INFINITY,
    });
    return settled;
  }

  /** Sends the delivery's envelope (its `attempt`th time) to one of the app's connections. */
  #attempt(d: Delivery): void {
    const ws = this.#pick(d.appId);
    if (ws === undefined) {
      // No connection (between a drop and the reconnect): a failed attempt, tried again later.
      if (d.attempt === d.retries) this.#resolve(d, undefined, d.attempt);
      else {
        this.#after(this.#options.ackTimeoutMs, () => {
          if (this.#closed) this.#resolve(d, undefined, d.attempt);
          else {
            d.attempt++;
            this.#attempt(d);
          }
        });
      }
      return;
    }
    const n = d.attempt;
    const frame =
      d.type === 'events_api'
        ? `{"envelope_id":"${d.id}","type":"events_api","payload":${d.body},"accepts_response_payload":false,"retry_attempt":${n},"retry_reason":"${n === 0 ? '' : 'timeout'}"}`
        : `{"envelope_id":"${d.id}","type":"${d.type}","payload":${d.body},"accepts_response_payload":true}`;
    d.deadline = performance.now() + Math.max(0, this.#options.ackTimeoutMs / this.#options.scale());
    this.#slots[d.slot] = d;
    if (d.deadline < this.#sweepAt) this.#armSweep(d.deadline);
    this.#send(ws, frame);
  }

  /** A send of `d` acked (`answer`), or given up on (undefined: timed out, or the server closed). */
  #answered(d: Delivery, answer: Answer): void {
    if (answer !== undefined) this.#resolve(d, answer, d.attempt + 1);
    else if (d.attempt === d.retries || this.#closed) this.#resolve(d, undefined, d.attempt + 1);
    else {
      d.attempt++;
      this.#attempt(d);
    }
  }

  #resolve(d: Delivery, answer: Answer, attempts: number): void {
    this.#slots[d.slot] = undefined;
    this.#freeSlots.push(d.slot);
    d.resolve({ acked: answer !== undefined, payload: answer?.payload, attempts });
  }

  /**
   * Sends a frame; the frames of one tick leave together (corked until the tick ends), at most
   * FRAMES_PER_WRITE to a write, so that the app starts on the first ones while the rest are made.
   */
  #send(ws: WebSocket, frame: string): void {
    const raw = ws._socket;
    if (!raw) {
      ws.send(frame);
      return;
    }
    let corked = this.#corked.find((c) => c.raw === raw);
    if (corked === undefined) {
      raw.cork();
      if (this.#corked.length === 0) process.nextTick(() => this.#uncork());
      corked = { raw, frames: 0 };
      this.#corked.push(corked);
    }
    ws.send(frame);
    if (++corked.frames === FRAMES_PER_WRITE) {
      raw.uncork();
      raw.cork();
      corked.frames = 0;
    }
  }

  #uncork(): void {
    for (const { raw } of this.#corked) raw.uncork();
    this.#corked.length = 0;
  }

  #armSweep(at: number): void {
    clearTimeout(this.#sweeper);
    this.#sweepAt = at;
    this.#sweeper = setTimeout(() => this.#sweep(), Math.max(0, at - performance.now()));
  }

  /**
   * Gives up on every envelope past its deadline, then sleeps until the earliest one left. Acked
   * envelopes leave their slots, so in steady state it runs about once per ack timeout, not per envelope.
   */
  #sweep(): void {
    this.#sweeper = undefined;
    this.#sweepAt = Number.POSITIVE_INFINITY;
    const now = performance.now();
    let next = Number.POSITIVE_INFINITY;
    for (let slot = 0; slot < this.#slots.length; slot++) {
      const delivery = this.#slots[slot];
      if (delivery === undefined) continue;
      if (delivery.deadline <= now) {
        this.#slots[slot] = undefined;
        this.#answered(delivery, undefined);
      } else if (delivery.deadline < next) next = delivery.deadline;
    }
    if (next !== Number.POSITIVE_INFINITY) this.#armSweep(next);
  }

  #pick(appId: string): WebSocket | undefined {
    const app = this.#apps.get(appId);
    if (app === undefined) return undefined;
    const { sockets } = app;
    for (let i = 0; i < sockets.length; i++) {
      app.next = (app.next + 1) % sockets.length;
      const ws = sockets[app.next]!;
      if (ws.readyState === 1) return ws;
    }
    return undefined;
  }

  /** Runs `fn` after `ms` of emulator time. */
  #after(ms: number, fn: () => void): NodeJS.Timeout {
    const timer = setTimeout(
      () => {
        this.#timers.delete(timer);
        fn();
      },
      Math.max(0, ms / this.#options.scale()),
    );
    this.#timers.add(timer);
    return timer;
  }

  /**
   * Sends `disconnect` with `reason` to every connection of the app. `warning` and `refresh_requested`
   * close after their grace periods; `link_disabled` and anything else close at once.
   */
  disconnect(appId: string, reason: string): number {
    const sockets = [...(this.#apps.get(appId)?.sockets ?? [])];
    for (const ws of sockets) {
      ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'emulator' } }));
      const grace =
        reason === 'warning'
          ? this.#options.warningGraceMs
          : reason === 'refresh_requested'
            ? this.#options.refreshGraceMs
            : 0;
      this.#after(grace, () => ws.close(1000));
    }
    return sockets.length;
  }

  /** Cuts the app's sockets without a close frame, as a network failure would. */
  drop(appId: string): number {
    const sockets = [...(this.#apps.get(appId)?.sockets ?? [])];
    for (const ws of sockets) ws.terminate();
    return sockets.length;
  }

  /** Whether the app's connections answer pings (off: the client must notice a stale link). */
  answerPings(appId: string, on: boolean): void {
    this.#app(appId).answerPings = on;
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#pinger);
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    clearTimeout(this.#sweeper);
    this.#sweeper = undefined;
    this.#sweepAt = Number.POSITIVE_INFINITY;
    for (let slot = 0; slot < this.#slots.length; slot++) {
      const delivery = this.#slots[slot];
      this.#slots[slot] = undefined;
      if (delivery !== undefined) this.#answered(delivery, undefined);
    }
    for (const app of this.#apps.values()) for (const ws of app.sockets) ws.terminate();
    this.#apps.clear();
    void this.#wss?.then((wss) => wss.close());
  }
}
