// Slack-looking identifiers and secrets. IDs are sequential per prefix so a reset emulator hands out the
// same IDs again; secrets and token tails are random.
import { randomBytes, randomInt } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export class IdFactory {
  private readonly counters = new Map<string, number>();

  /** e.g. `C0000000001` style: the prefix letter, then 10 upper-case base-36 characters. */
  next(prefix: string): string {
    const n = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, n);
    return `${prefix}0${n.toString(36).toUpperCase().padStart(9, '0')}`;
  }

  reset(): void {
    this.counters.clear();
  }
}

export function randomDigits(length: number): string {
  let out = String(randomInt(1, 10));
  while (out.length < length) out += String(randomInt(0, 10));
  return out;
}

export function randomAlnum(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += ALNUM[b % ALNUM.length];
  return out;
}

export function randomHex(length: number): string {
  return randomBytes(Math.ceil(length / 2))
    .toString('hex')
    .slice(0, length);
}
