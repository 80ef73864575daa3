// Slack request signatures: HMAC-SHA256 over `v0:{timestamp}:{raw body}` with the signing secret.
// Cheap checks first (header formats, the clock window, the body size), then the hash, then a
// constant-time compare against each configured secret (two during a rotation).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { type Clock, systemClock } from '../http/clock.js';
import { InvalidArgumentError, SlacklineError } from '../http/errors.js';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
export const SIGNATURE_WINDOW_SECONDS = 300;

/** Why a request was refused before it reached any handler (exported so callers compare constants). */
export const SignatureErrorCode = {
  Missing: 'signature_missing',
  Malformed: 'signature_malformed',
  TimestampMalformed: 'timestamp_malformed',
  TimestampOutOfWindow: 'timestamp_out_of_window',
  Mismatch: 'signature_mismatch',
  BodyTooLarge: 'body_too_large',
} as const;
export type SignatureErrorCode = (typeof SignatureErrorCode)[keyof typeof SignatureErrorCode];

export class SignatureError extends SlacklineError {
  declare readonly code: SignatureErrorCode;
  /** 413 for an oversized body, 401 for everything else. */
  declare readonly status: number;
  constructor(code: SignatureErrorCode, message: string) {
    super(code, message, { status: code === 'body_too_large' ? 413 : 401 });
  }
}

export interface VerifyOptions {
  /** The signing secret, or two during a rotation (either may match). */
  signingSecret: string | readonly string[];
  /** X-Slack-Request-Timestamp. */
  timestamp: string | null | undefined;
  /** X-Slack-Signature. */
  signature: string | null | undefined;
  body: Uint8Array | string;
  /** Default the system clock. Seconds exist only here: Slack's timestamp header counts them. */
  clock?: Clock;
  maxBodyBytes?: number;
}

const SIGNATURE = /^v0=[0-9a-f]{64}$/;
const TIMESTAMP = /^[0-9]{1,12}$/;

/** The configured secrets as a list, or InvalidArgumentError: one or two non-empty strings. */
export function signingSecrets(value: unknown, where: string): readonly string[] {
  const list: unknown[] = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
  if (list.length === 0 || list.length > 2 || list.some((s) => typeof s !== 'string' || s === '')) {
    throw new InvalidArgumentError(
      `${where}: signingSecret must be one non-empty string, or two during a rotation (e.g. signingSecret: process.env.SLACK_SIGNING_SECRET)`,
    );
  }
  return list as string[];
}

export function verifySlackRequest(options: VerifyOptions): void {
  const secrets = signingSecrets(options.signingSecret, 'verifySlackRequest');
  const { signature, timestamp } = options;
  if (signature === null || signature === undefined || timestamp === null || timestamp === undefined) {
    throw new SignatureError('signature_missing', 'request is not signed');
  }
  if (!SIGNATURE.test(signature)) throw new SignatureError('signature_malformed', 'signature has the wrong format');
  if (!TIMESTAMP.test(timestamp)) throw new SignatureError('timestamp_malformed', 'timestamp has the wrong format');
  const now = Math.floor((options.clock ?? systemClock).now() / 1000);
  if (Math.abs(now - Number(timestamp)) > SIGNATURE_WINDOW_SECONDS) {
    throw new SignatureError('timestamp_out_of_window', 'timestamp is more than 5 minutes from now');
  }
  const body = typeof options.body === 'string' ? Buffer.from(options.body, 'utf8') : options.body;
  if (body.byteLength > (options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES)) {
    throw new SignatureError('body_too_large', 'request body is too large');
  }
  const given = Buffer.from(signature.slice(3), 'hex');
  let ok = false;
  for (const secret of secrets) {
    const mac = createHmac('sha256', secret).update(`v0:${timestamp}:`).update(body).digest();
    ok = timingSafeEqual(mac, given) || ok; // every secret is tried: the time does not say which matched
  }
  if (!ok) throw new SignatureError('signature_mismatch', 'signature does not match');
}

/** Signs a body the way Slack does (for tests, the emulator's peers and replaying captured requests). */
export function signSlackRequest(secret: string, timestamp: number, body: string | Uint8Array): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:`).update(body).digest('hex')}`;
}

/** A Content-Length that is malformed or past `limit`: the body is refused before any byte is read. */
export function declaredTooLarge(declared: string | null, limit: number): boolean {
  return declared !== null && (!/^[0-9]{1,15}$/.test(declared) || Number(declared) > limit);
}

/**
 * Reads a request body, refusing it (413) as soon as it exceeds `limit` bytes, from Content-Length
 * before any byte is read, or while streaming when the length is absent or wrong.
 */
export async function readLimitedBody(request: Request, limit = DEFAULT_MAX_BODY_BYTES): Promise<Uint8Array> {
  if (declaredTooLarge(request.headers.get('content-length'), limit)) {
    await request.body?.cancel().catch(() => {});
    throw new SignatureError('body_too_large', 'request body is too large');
  }
  if (request.body === null) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new SignatureError('body_too_large', 'request body is too large');
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
