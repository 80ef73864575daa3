// Socket Mode inside the emulator: the standalone server, created at the first use (apps.connections.open
// or a connect), with `ws` imported only when an app really connects. It decides which apps get their
// events over a socket: those set to Socket Mode, and, while the setting is left open, any app with an
// open connection (the demo app works out of the box with the app token `--json` prints).
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AppRegistry } from '../model/apps.js';
import type { Clock } from '../model/clock.js';
import type { JsonObject } from '../model/json.js';
import { type DeliveryResult, type EnvelopeKind, SocketModeServer } from './server.js';

export class SocketModeHub {
  #server: SocketModeServer | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly apps: AppRegistry,
  ) {}

  /** The server, created on first call (no `ws` import yet: that waits for the first connect). */
  server(): SocketModeServer {
    this.#server ??= new SocketModeServer({
      ws: () => import('ws'),
      now: () => this.clock.now(),
      scale: () => this.clock.scale,
    });
    return this.#server;
  }

  /** Open connections of the app (0 before Socket Mode was ever used). */
  connections(appId: string): number {
    return this.#server?.connections(appId) ?? 0;
  }

  /** Whether the app's events go over Socket Mode rather than to its events URL. */
  uses(appId: string): boolean {
    const setting = this.apps.find(appId)?.socketMode;
    if (setting !== undefined) return setting;
    return this.connections(appId) > 0;
  }

  deliver(appId: string, type: EnvelopeKind, payload: JsonObject): Promise<DeliveryResult> {
    return this.server().deliver(appId, type, payload);
  }

  /** The node:http upgrade hook: true when the request was a Socket Mode connect (answered). */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    return this.server().upgrade(req, socket, head);
  }

  close(): void {
    this.#server?.close();
    this.#server = undefined;
  }
}
