// Base shapes every Web API call shares. The per-method types are generated (methods.generated.ts).

/** `response_metadata` as Slack sends it: the pagination cursor, warnings and scope hints. */
export interface ResponseMetadata {
  next_cursor?: string;
  messages?: string[];
  warnings?: string[];
  scopes?: string[];
  acceptedScopes?: string[];
}

/** What every Web API method answers. Methods with typed responses extend it. */
export interface WebAPICallResult {
  ok: boolean;
  error?: string;
  warning?: string;
  needed?: string;
  provided?: string;
  response_metadata?: ResponseMetadata;
  [key: string]: unknown;
}

/** Arguments every method takes: `token` overrides the client's token for one call. */
export interface BaseMethodArguments {
  token?: string;
}

/** Arguments of a method whose shape is not known to this version: anything JSON-serialisable. */
export interface GenericMethodArguments extends BaseMethodArguments {
  [key: string]: unknown;
}

/** Per-call options, the last argument of every method. */
export interface CallOptions {
  signal?: AbortSignal;
  /** Overall time budget for this call, across retries, in ms. */
  deadlineMs?: number;
  /** Per-attempt timeout for this call, in ms. */
  timeoutMs?: number;
  /** Repeat this write after failures that Slack may have received (may post twice). */
  retryWrites?: boolean;
}
