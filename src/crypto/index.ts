// Sealing tokens at rest: AES-256-GCM with a key id in every ciphertext and the row identity as
// additional data, so a sealed token copied onto another row (or another column) does not open.
// Keys come from SLACKLINE_ENCRYPTION_KEYS: "kid:base64key[,kid:base64key...]", the first seals,
// all open (rotation: put the new key first, run `slackline installations reseal`, drop the old one).
import { createCipheriv, createDecipheriv, randomBytes, randomFillSync } from 'node:crypto';
import { SlacklineError } from '../http/errors.js';

export const SealErrorCode = {
  /** A key spec that cannot be used: malformed, not canonical base64, not 32 bytes, or trivially weak. */
  BadKey: 'seal_bad_key',
  UnknownKey: 'seal_unknown_key',
  Corrupt: 'seal_corrupt',
} as const;
export type SealErrorCode = (typeof SealErrorCode)[keyof typeof SealErrorCode];

export class SealError extends SlacklineError {
  declare readonly code: SealErrorCode;
  constructor(code: SealErrorCode, message: string, cause?: unknown) {
    super(code, message, { cause });
  }
}

const GENERATE = 'make one with `slackline keys generate`';

const PREFIX = 'v1';
const KID = /^[A-Za-z0-9_-]{1,32}$/;

export class KeyRing {
  readonly #keys = new Map<string, Buffer>();
  readonly currentKeyId: string;

  constructor(keys: ReadonlyArray<{ id: string; key: Uint8Array }>) {
    if (keys.length === 0) throw new SealError('seal_bad_key', 'a KeyRing needs at least one key');
    for (const { id, key } of keys) {
      if (!KID.test(id)) throw new SealError('seal_bad_key', 'key ids are 1-32 characters of A-Z a-z 0-9 _ -');
      if (key.length !== 32) throw new SealError('seal_bad_key', `key '${id}' must be 32 bytes (AES-256); ${GENERATE}`);
      const weak = weakness(key);
      if (weak !== undefined) throw new SealError('seal_bad_key', `key '${id}' is too weak (${weak}); ${GENERATE}`);
      if (this.#keys.has(id)) throw new SealError('seal_bad_key', `key id '${id}' appears twice`);
      this.#keys.set(id, Buffer.from(key));
    }
    this.currentKeyId = keys[0]?.id as string;
  }

  /** Parses "kid:base64key,kid2:base64key" (the SLACKLINE_ENCRYPTION_KEYS format). */
  static parse(spec: string): KeyRing {
    const keys = spec
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '')
      .map((part) => {
        const colon = part.indexOf(':');
        if (colon <= 0)
          throw new SealError('seal_bad_key', `SLACKLINE_ENCRYPTION_KEYS entries look like kid:base64key; ${GENERATE}`);
        const id = part.slice(0, colon);
        // Checked before the key so that a message never repeats an entry that is not a key id.
        if (!KID.test(id)) throw new SealError('seal_bad_key', 'key ids are 1-32 characters of A-Z a-z 0-9 _ -');
        return { id, key: decodeKey(id, part.slice(colon + 1)) };
      });
    return new this(keys); // not `new KeyRing`: see scripts/bundle.mjs on class names
  }

  /** A fresh random key spec, for `slackline keys generate` and the embedded default. */
  static generateSpec(id = `k${randomBytes(4).toString('hex')}`): string {
    for (;;) {
      const key = randomBytes(32);
      // Never hand out a key parse() would refuse (a random key is, with odds far below 1 in 10^9).
      if (weakness(key, key.toString('base64')) === undefined) return `${id}:${key.toString('base64')}`;
    }
  }

  /** "v1.kid.base64url(iv|ciphertext|tag)". `aad` is the row identity the value belongs to. */
  seal(plaintext: string, aad: string): string {
    const key = this.#keys.get(this.currentKeyId) as Buffer;
    const iv = freshIv();
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${PREFIX}.${this.currentKeyId}.${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
  }

  open(sealed: string, aad: string): string {
    const parts = sealed.split('.');
    if (parts.length !== 3 || parts[0] !== PREFIX) throw new SealError('seal_corrupt', 'not a sealed value');
    const key = this.#keys.get(parts[1] as string);
    if (key === undefined) throw new SealError('seal_unknown_key', `no key '${parts[1]}' in SLACKLINE_ENCRYPTION_KEYS`);
    const raw = Buffer.from(parts[2] as string, 'base64url');
    if (raw.length < 28) throw new SealError('seal_corrupt', 'sealed value is too short');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(raw.subarray(raw.length - 16));
      return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
    } catch (err) {
      throw new SealError('seal_corrupt', 'sealed value does not open under its key and row (tampered or moved)', err);
    }
  }

  /** The key id a sealed value was made with, or undefined when it is not one. */
  static keyIdOf(sealed: string): string | undefined {
    const parts = sealed.split('.');
    return parts.length === 3 && parts[0] === PREFIX ? parts[1] : undefined;
  }

  /** Never shows key material. */
  toJSON(): { keyIds: string[] } {
    return { keyIds: [...this.#keys.keys()] };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `KeyRing { keyIds: [${[...this.#keys.keys()].join(', ')}] }`;
  }
}

const IV_BYTES = 12;
const IVS_PER_FILL = 256;
let ivPool = Buffer.alloc(0);
let ivAt = 0;

/**
 * A random 96-bit GCM nonce, never handed out twice: drawn from the CSPRNG 256 at a time (node's
 * randomUUID() pools the same way: one call for 12 bytes cost 1.8 µs, a third of a seal). A slice
 * is never written again: a used-up pool is replaced, not refilled.
 */
function freshIv(): Buffer {
  if (ivAt === ivPool.length) {
    ivPool = randomFillSync(Buffer.alloc(IV_BYTES * IVS_PER_FILL));
    ivAt = 0;
  }
  ivAt += IV_BYTES;
  return ivPool.subarray(ivAt - IV_BYTES, ivAt);
}

/**
 * Strict base64: only a text that is exactly what encoding its bytes gives back (Node's decoder
 * skips junk characters and so would turn a typo or a passphrase into some key without a word).
 */
function decodeKey(id: string, text: string): Buffer {
  const key = Buffer.from(text, 'base64');
  if (key.toString('base64') !== text) {
    throw new SealError('seal_bad_key', `key '${id}' is not canonical base64 (padded, A-Z a-z 0-9 + /); ${GENERATE}`);
  }
  if (key.length !== 32) throw new SealError('seal_bad_key', `key '${id}' must be 32 bytes (AES-256); ${GENERATE}`);
  const weak = weakness(key, text);
  if (weak !== undefined) throw new SealError('seal_bad_key', `key '${id}' is too weak (${weak}); ${GENERATE}`);
  return key;
}

/**
 * Why a 32-byte key is not what a random generator makes, or undefined. Thresholds sit far in the
 * tail of random keys (32 random bytes hold about 30 distinct values, under 23 in none of 300,000
 * draws; 43 random base64 characters about 31 distinct ones), so a generated key is never refused.
 */
function weakness(key: Uint8Array, text?: string): string | undefined {
  if (new Set(key).size < 16) return 'too few distinct bytes: a repeated or constant pattern';
  if (key.every((b) => b >= 0x20 && b < 0x7f)) return 'every byte is printable text: a passphrase, not random bytes';
  if (text !== undefined) {
    const body = text.replace(/=+$/, '');
    if (new Set(body).size < 16) return 'too few distinct characters: a passphrase, not random bytes';
    if (/^[a-z]+$/.test(body) || /^[A-Z]+$/.test(body)) return 'letters of one case only: a passphrase';
  }
  return undefined;
}
