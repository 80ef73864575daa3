// SCIM's error answers as typed errors. Slack answers `{ "Errors": { "description", "code" } }`
// (recorded by java-slack-sdk for v1 and v2); RFC 7644 servers answer `{ "detail", "status",
// "scimType" }`. Both become a SCIMError with the HTTP status, the `detail` text and Slack's error code.
import { SlacklineError, type SlacklineErrorOptions } from '../http/errors.js';

/** The codes the SCIM door adds to the HTTP core's (`ErrorCode` in slackline/web). */
export const SCIMErrorCode = {
  /** The SCIM API answered an error body (4xx). */
  API: 'slack_scim_error',
} as const;
export type SCIMErrorCode = (typeof SCIMErrorCode)[keyof typeof SCIMErrorCode];

export interface SCIMErrorFacts {
  /** Human-readable text: RFC 7644's `detail`, or Slack's `Errors.description`. */
  detail: string;
  /** Slack's error code (`Errors.description` when it is a code word, e.g. `user_not_found`). */
  error: string | undefined;
  /** RFC 7644's `scimType` (`invalidFilter`, `uniqueness`...), when the server sent one. */
  scimType: string | undefined;
}

export class SCIMError extends SlacklineError {
  declare readonly code: typeof SCIMErrorCode.API;
  declare readonly status: number;
  readonly detail: string;
  readonly error: string | undefined;
  readonly scimType: string | undefined;

  constructor(facts: SCIMErrorFacts, options: SlacklineErrorOptions & { status: number }) {
    const what = facts.error ?? facts.detail;
    super(SCIMErrorCode.API, `${options.method ?? 'SCIM'} failed (HTTP ${options.status}): ${what}`, options);
    this.detail = facts.detail;
    this.error = facts.error;
    this.scimType = facts.scimType;
  }
}

const CODE_WORD = /^[a-z][a-z0-9_]{1,63}$/;

function text(value: unknown, max = 500): string | undefined {
  if (typeof value === 'string') return value.slice(0, max);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** The facts of a SCIM error body, or undefined when the body is not one. */
export function scimErrorFacts(body: unknown): SCIMErrorFacts | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const record = body as Record<string, unknown>;
  const errors = Array.isArray(record.Errors) ? record.Errors[0] : record.Errors;
  if (typeof errors === 'object' && errors !== null) {
    const description = text((errors as Record<string, unknown>).description) ?? '';
    return { detail: description, error: CODE_WORD.test(description) ? description : undefined, scimType: undefined };
  }
  const detail = text(record.detail);
  const scimType = text(record.scimType, 64);
  if (detail === undefined && scimType === undefined) return undefined;
  const error = text(record.error, 64);
  return { detail: detail ?? '', error: error !== undefined && CODE_WORD.test(error) ? error : undefined, scimType };
}
