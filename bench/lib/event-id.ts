// Event ids as Slack's look: `Ev` and 9 random characters of [0-9A-Z]. Random, so a de-dup store
// files each one at its own place in an index keyed by id.
import { randomBytes } from 'node:crypto';

const ID_CHARS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

export function eventId(): string {
  let id = 'Ev';
  for (const b of randomBytes(9)) id += ID_CHARS[b % ID_CHARS.length];
  return id;
}
