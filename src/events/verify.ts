// Slack request signatures: HMAC-SHA256 over `v0:{timestamp}:{raw body}` with the signing secret.
// Cheap checks first (header formats, the clock window, the body size), then the hash, then a
// constant-time compare against each configured secret (two during a rotation).
import * as crypto from 'node:crypto';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
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
  slackVerifier(secrets, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, options.clock ?? systemClock)(
    options.timestamp,
    options.signature,
    options.body,
  );
}

/** verifySlackRequest with its secrets, limit and clock bound once (throws the same SignatureErrors). */
export type SlackVerifier = (
  timestamp: string | null | undefined,
  signature: string | null | undefined,
  body: Uint8Array | string,
) => void;

/**
 * The one verifier, for checked secrets. A handler binds it once: each secret's HMAC key blocks are
 * derived here rather than per request (creating an Hmac re-derives them, a third of the check's CPU).
 */
export function slackVerifier(secrets: readonly string[], maxBodyBytes: number, clock: Clock): SlackVerifier {
  const keys = secrets.map(hmacKey);
  const given = Buffer.alloc(DIGEST);
  return (timestamp, signature, body) => {
    if (signature === null || signature === undefined || timestamp === null || timestamp === undefined) {
      throw new SignatureError('signature_missing', 'request is not signed');
    }
    if (!isSignature(signature)) throw new SignatureError('signature_malformed', 'signature has the wrong format');
    if (!TIMESTAMP.test(timestamp)) throw new SignatureError('timestamp_malformed', 'timestamp has the wrong format');
    const now = Math.floor(clock.now() / 1000);
    if (Math.abs(now - Number(timestamp)) > SIGNATURE_WINDOW_SECONDS) {
      throw new SignatureError('timestamp_out_of_window', 'timestamp is more than 5 minutes from now');
    }
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    if (bytes.byteLength > maxBodyBytes) throw new SignatureError('body_too_large', 'request body is too large');
    given.write(signature.slice(3), 'hex');
    let ok = false;
    for (const key of keys) {
      ok = timingSafeEqual(hmac(key, timestamp, bytes), given) || ok; // every secret is tried: the time does not say which matched
    }
    if (!ok) throw new SignatureError('signature_mismatch', 'signature does not match');
  };
}

/** `v0=` and 64 lowercase hex digits, as /^v0=[0-9a-f]{64}$/ (without running a RegExp per request). */
function isSignature(value: string): boolean {
  if (value.length !== 67 || !value.startsWith('v0=')) return false;
  for (let i = 3; i < 67; i++) {
    const c = value.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

// HMAC-SHA256 (RFC 2104) from its two key blocks, hashed with one-shot `crypto.hash` where Node has it
// (20.12+; before that, hashes fed the blocks): the same MAC createHmac computes, without the
// per-request key setup. The tests check it against createHmac.
const BLOCK = 64;
const DIGEST = 32;
/** Bodies up to this size are hashed from one reused buffer; larger ones are streamed. */
const SCRATCH_BYTES = 16 * 1024;
const oneShot = (crypto as { hash?: (algorithm: string, data: Uint8Array, encoding: 'buffer') => Buffer }).hash;
/** The inner key block, `v0:{ts}:` and the body, for one hash at a time (verification is synchronous). */
let scratch: Buffer | undefined;

interface HmacKey {
  inner: Buffer;
  /** The outer key block, then room for the inner digest. */
  outer: Buffer;
}

function hmacKey(secret: string): HmacKey {
  let key = Buffer.from(secret, 'utf8');
  if (key.byteLength > BLOCK) key = createHash('sha256').update(key).digest();
  const inner = Buffer.alloc(BLOCK);
  const outer = Buffer.alloc(BLOCK + DIGEST);
  for (let i = 0; i < BLOCK; i++) {
    const k = key[i] ?? 0;
    inner[i] = k ^ 0x36;
    outer[i] = k ^ 0x5c;
  }
  return { inner, outer };
}

/** HMAC-SHA256(key, `v0:{timestamp}:{body}`); the timestamp is digits only (checked before). */
function hmac(key: HmacKey, timestamp: string, body: Uint8Array): Buffer {
  const prefix = `v0:${timestamp}:`;
  let innerDigest: Buffer;
  if (oneShot !== undefined && body.byteLength + prefix.length <= SCRATCH_BYTES) {
    scratch ??= Buffer.allocUnsafe(BLOCK + SCRATCH_BYTES);
    scratch.set(key.inner, 0);
    const at = BLOCK + scratch.write(prefix, BLOCK, 'latin1');
    scratch.set(body, at);
    innerDigest = oneShot('sha256', scratch.subarray(0, at + body.byteLength), 'buffer');
  } else {
    innerDigest = createHash('sha256').update(key.inner).update(prefix).update(body).digest();
  }
  if (oneShot === undefined)
    return createHash('sha256').update(key.outer.subarray(0, BLOCK)).update(innerDigest).digest();
  key.outer.set(innerDigest, BLOCK);
  return oneShot('sha256', key.outer, 'buffer');
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
