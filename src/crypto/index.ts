// Sealing tokens at rest: AES-256-GCM with a key id in every ciphertext and the row identity as
// additional data, so a sealed token copied onto another row (or another column) does not open.
// Keys come from SLACKLINE_ENCRYPTION_KEYS: "kid:base64key[,kid:base64key...]", the first seals,
// all open (rotation: put the new key first, run `slackline installations reseal`, drop the old one).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export class SealError extends Error {
  readonly code: 'seal_bad_key' | 'seal_unknown_key' | 'seal_corrupt';
  constructor(code: SealError['code'], message: string) {
    super(message);
    this.name = 'SealError';
    this.code = code;
  }
}

const PREFIX = 'v1';
const KID = /^[A-Za-z0-9_-]{1,32}$/;

export class KeyRing {
  readonly #keys = new Map<string, Buffer>();
  readonly currentKeyId: string;

  constructor(keys: ReadonlyArray<{ id: string; key: Uint8Array }>) {
    if (keys.length === 0) throw new SealError('seal_bad_key', 'a KeyRing needs at least one key');
    for (const { id, key } of keys) {
      if (!KID.test(id)) throw new SealError('seal_bad_key', 'key ids are 1-32 characters of A-Z a-z 0-9 _ -');
      if (key.length !== 32) throw new SealError('seal_bad_key', `key '${id}' must be 32 bytes (AES-256)`);
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
          throw new SealError('seal_bad_key', 'SLACKLINE_ENCRYPTION_KEYS entries look like kid:base64key');
        return { id: part.slice(0, colon), key: Buffer.from(part.slice(colon + 1), 'base64') };
      });
    return new KeyRing(keys);
  }

  /** A fresh random key spec, for `slackline keys new` and the embedded default. */
  static generateSpec(id = `k${Date.now().toString(36)}`): string {
    return `${id}:${randomBytes(32).toString('base64')}`;
  }

  /** "v1.kid.base64url(iv|ciphertext|tag)". `aad` is the row identity the value belongs to. */
  seal(plaintext: string, aad: string): string {
    const key = this.#keys.get(this.currentKeyId) as Buffer;
    const iv = randomBytes(12);
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
    } catch {
      throw new SealError('seal_corrupt', 'sealed value does not open under its key and row (tampered or moved)');
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
