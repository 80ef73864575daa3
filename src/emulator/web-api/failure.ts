// A Slack error answer (`{"ok":false,"error":code,...extra}`), thrown by handlers and caught by the dispatcher.
import type { JsonObject } from '../model/json.js';

export class ApiFailure extends Error {
  constructor(
    readonly code: string,
    readonly extra: JsonObject = {},
  ) {
    super(code);
  }

  body(): JsonObject {
    return { ok: false, error: this.code, ...this.extra };
  }
}

export function fail(code: string, extra?: JsonObject): ApiFailure {
  return new ApiFailure(code, extra);
}

export function invalidArguments(messages: string[]): ApiFailure {
  return new ApiFailure('invalid_arguments', { response_metadata: { messages } });
}
