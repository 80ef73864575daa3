// One Socket Mode WebSocket: opened, greeted (`hello`), watched, and closed within a bound.
// The health check runs both ways: we ping every `pingIntervalMs`, and a connection from which
// nothing (no frame, no pong) has arrived for `pongTimeoutMs` after a ping is stale and terminated,
// so a half-open TCP connection is found in seconds instead of when the OS gives up.
import type { Hello } from './types.js';

/**
 * The part of the `ws` package's client WebSocket this client uses, described structurally so the
 * published types compile without `ws`'s types installed. `ws`'s WebSocket class satisfies it.
 */
export interface WebSocketLike {
  readonly readyState: number;
  on(event: 'message', listener: (data: { toString(): string }, isBinary: boolean) => void): unknown;
  on(event: 'close', listener: (code: number) => void): unknown;
  on(event: 'ping' | 'pong' | 'error', listener: () => void): unknown;
  removeAllListeners(event: string): unknown;
  send(data: string): void;
  ping(): void;
  close(code?: number): void;
  terminate(): void;
}

/** The `ws` package's WebSocket class (or anything with the same client API). */
export type WebSocketClass = new (
  url: string,
  options?: { maxPayload?: number; handshakeTimeout?: number },
) => WebSocketLike;

export interface ConnectionOptions {
  WebSocket: WebSocketClass;
  pingIntervalMs: number;
  pongTimeoutMs: number;
  helloTimeoutMs: number;
  closeTimeoutMs: number;
  maxPayloadBytes: number;
}

export interface ConnectionHandlers {
  /** A parsed JSON object other than `hello`. */
  message(connection: Connection, message: Record<string, unknown>): void;
  /** The socket is gone (closed by either side, terminated, or failed). Called once. */
  closed(connection: Connection, why: string): void;
}

/**
 * The most frames one write carries. A turn's acks all in one write made Slack and the app take turns:
 * with 100 envelopes in flight Slack sent 100, waited while the app handled all 100, then the app
 * waited while Slack read 100 acks and sent the next 100. Flushing every 16 lets both work at once.
 */
export const FRAMES_PER_WRITE = 16;

interface Corkable {
  cork(): void;
  uncork(): void;
}

let nextId = 1;

export class Connection {
  readonly id = nextId++;
  readonly #ws: WebSocketLike;
  readonly #options: ConnectionOptions;
  readonly #handlers: ConnectionHandlers;
  #greeted = false;
  #closed = false;
  /** The socket corked for this turn, if any. */
  #corked: Corkable | undefined;
  /** Frames written since the last flush while corked. */
  #batched = 0;
  #pingTimer: NodeJS.Timeout | undefined;
  #pongTimer: NodeJS.Timeout | undefined;
  #closeTimer: NodeJS.Timeout | undefined;
  #onClosed: (() => void)[] = [];
  /** Resolves with Slack's hello; rejects if the socket fails or says nothing in time. */
  readonly ready: Promise<Hello>;

  constructor(url: string, options: ConnectionOptions, handlers: ConnectionHandlers) {
    this.#options = options;
    this.#handlers = handlers;
    this.#ws = new options.WebSocket(url, {
      maxPayload: options.maxPayloadBytes,
      handshakeTimeout: options.helloTimeoutMs,
    });
    this.ready = new Promise<Hello>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error('no hello from Slack in time'));
        this.terminate('hello timeout');
      }, options.helloTimeoutMs);
      this.#onClosed.push(() => {
        clearTimeout(timer);
        reject(new Error('connection closed before hello'));
      });
      this.#ws.on('message', (data, isBinary) => {
        this.#alive();
        const message = isBinary ? undefined : parse(data.toString());
        if (message === undefined) return; // Not a JSON object: nothing Slack sends; ignored.
        if (!this.#greeted && message.type === 'hello') {
          this.#greeted = true;
          clearTimeout(timer);
          this.#startPings();
          resolve(message as unknown as Hello);
          return;
        }
        this.#handlers.message(this, message);
      });
    });
    // A failed connect rejects `ready`; nobody else needs to hear about it.
    this.ready.catch(() => {});
    this.#ws.on('pong', () => this.#alive());
    this.#ws.on('ping', () => this.#alive());
    this.#ws.on('error', () => {}); // 'close' follows every 'error'; that is where we act.
    this.#ws.on('close', (code) => this.#gone(`closed (${code})`));
  }

  get open(): boolean {
    return !this.#closed && this.#ws.readyState === 1;
  }

  /**
   * Sends a JSON text frame. The frames of one event-loop turn leave together, at most
   * FRAMES_PER_WRITE to a write: a burst of acks costs a few writes instead of one each, and Slack
   * reads the first ones while this side still works on the rest of the burst.
   */
  send(text: string): boolean {
    if (!this.open) return false;
    // `ws` keeps the TCP socket in `_socket` (untyped); without it, each frame is its own write.
    const raw = this.#corked ?? (this.#ws as { _socket?: Corkable | null })._socket ?? undefined;
    if (raw !== undefined && this.#corked === undefined) {
      raw.cork();
      this.#corked = raw;
      // After this turn's I/O callbacks: the acks for the frames that arrived in it that are still corked.
      setImmediate(() => {
        this.#corked = undefined;
        this.#batched = 0;
        raw.uncork();
      });
    }
    this.#ws.send(text);
    if (raw !== undefined && ++this.#batched === FRAMES_PER_WRITE) {
      this.#batched = 0;
      raw.uncork();
      raw.cork();
    }
    return true;
  }

  /** Closes politely; a peer that does not answer the close is cut off after `closeTimeoutMs`. */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    const done = new Promise<void>((resolve) => this.#onClosed.push(resolve));
    try {
      this.#ws.close(1000);
    } catch {
      this.terminate('close failed');
    }
    this.#closeTimer ??= setTimeout(() => this.terminate('close timed out'), this.#options.closeTimeoutMs);
    return done;
  }

  terminate(why: string): void {
    if (this.#closed) return;
    this.#ws.terminate();
    this.#gone(why);
  }

  #startPings(): void {
    this.#pingTimer = setInterval(() => {
      if (this.#pongTimer !== undefined || !this.open) return;
      this.#pongTimer = setTimeout(() => this.terminate('stale: no answer to ping'), this.#options.pongTimeoutMs);
      try {
        this.#ws.ping();
      } catch {
        this.terminate('ping failed');
      }
    }, this.#options.pingIntervalMs);
  }

  /** Any frame from the server proves the connection alive. */
  #alive(): void {
    if (this.#pongTimer !== undefined) {
      clearTimeout(this.#pongTimer);
      this.#pongTimer = undefined;
    }
  }

  #gone(why: string): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#pingTimer);
    clearTimeout(this.#pongTimer);
    clearTimeout(this.#closeTimer);
    this.#ws.removeAllListeners('message');
    this.#ws.removeAllListeners('pong');
    this.#ws.removeAllListeners('ping');
    for (const f of this.#onClosed.splice(0)) f();
    this.#handlers.closed(this, why);
  }
}

function parse(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
