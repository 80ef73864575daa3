// What a method handler gets, and the handler types.

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
}

export interface Call extends PublicCall {
  readonly token: Token;
}

/** A handler answers with a success body or throws ApiFailure. */
export type Handler = (call: Call) => JsonObject;
export type PublicHandler = (call: PublicCall) => JsonObject;
