// The Audit Logs API answers a failure with an HTTP status and `{ok:false, error}` (401
// invalid_authentication, 403 missing_scope, 400 invalid_cursor...). Such a body becomes an
// AuditLogsError; a 429 a RateLimitedError and other bodies an HTTPError, from the core. Never a crash
// on an unexpected body (python's `typed_body` raises on error bodies; ours is a typed error).
import { attachHidden, ErrorCode, SlacklineError, type SlacklineErrorOptions } from '../http/errors.js';

/** Every code an AuditLogsClient error can carry: the door's own plus the HTTP core's. */
export const AuditLogsErrorCode = {
  ...ErrorCode,
  /** Slack refused the request (its `error` says why). */
  Api: 'slack_audit_logs_error',
} as const;
export type AuditLogsErrorCode = (typeof AuditLogsErrorCode)[keyof typeof AuditLogsErrorCode];

export class AuditLogsError extends SlacklineError {
  declare readonly code: typeof AuditLogsErrorCode.Api;
  /** Slack's error code, e.g. `invalid_authentication`, `missing_scope`, `invalid_cursor`. */
  readonly error: string;
  /** On `missing_scope`: the scope the call needs and the ones the token has. */
  readonly needed: string | undefined;
  readonly provided: string | undefined;
  /** Slack's `response_metadata.messages`, when it explains. */
  readonly messages: readonly string[];
  /** The whole (redacted) body. Not enumerable. */
  declare readonly data: Record<string, unknown>;

  constructor(body: Record<string, unknown>, options: SlacklineErrorOptions) {
    const error = typeof body.error === 'string' ? body.error.slice(0, 200) : 'unknown_error';
    const needed = typeof body.needed === 'string' ? body.needed : undefined;
    super(
      AuditLogsErrorCode.Api,
      `${options.method ?? 'audit logs'} failed: ${error}${needed ? ` (needed: ${needed})` : ''}`,
      options,
    );
    this.error = error;
    this.needed = needed;
    this.provided = typeof body.provided === 'string' ? body.provided : undefined;
    const meta = body.response_metadata as { messages?: unknown } | undefined;
    this.messages = Array.isArray(meta?.messages) ? meta.messages.filter((m) => typeof m === 'string') : [];
    attachHidden(this, 'data', body);
  }
}
