// What a method handler gets, and the handler types.

import type { Ctx, OAuthCtx } from '../context.js';
import type { EmuRequest } from '../http/transport.js';
import type { MethodSpec } from '../model/catalog.js';
import type { JsonObject } from '../model/json.js';
import type { Token } from '../model/model.js';
import type { EmulatorState } from '../model/state.js';
import type { Args } from './args.js';

export interface PublicCall {
  readonly spec: MethodSpec;
  readonly args: Args;
  readonly state: EmulatorState;
  /** `http://host:port/` of the emulator as the client reached it. */
  readonly baseUrl: string;
  /** The emulator, for the few methods that reach past the workspace (OAuth, revocation, events, Socket Mode). */
  readonly ctx: OAuthCtx & Ctx<'socketMode'>;
  /** The HTTP request (headers such as Authorization: Basic for client credentials). */
  readonly req: EmuRequest;
  /** The body was JSON: Slack then reads a token only from the Authorization header. */
  readonly json: boolean;
}

export interface Call extends PublicCall {
  readonly token: Token;
}

/** A handler answers with a success body or throws ApiFailure. */
export type Handler = (call: Call) => JsonObject;
export type PublicHandler = (call: PublicCall) => JsonObject;
