// Objects that carry tokens print them as [redacted] under util.inspect / console.log, so a debug
// log line cannot leak one. JSON.stringify is left alone: serialising a token is a deliberate act.
import { inspect } from 'node:util';

const SECRET_KEYS = new Set(['token', 'refreshToken', 'botToken', 'userToken', 'url']);

function redactedCopy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactedCopy);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_KEYS.has(k) && typeof v === 'string' ? '[redacted]' : redactedCopy(v);
  }
  return out;
}

export function hideSecrets<T extends object>(value: T): T {
  Object.defineProperty(value, inspect.custom, {
    enumerable: false,
    value: (_depth: number, options: object) => inspect(redactedCopy(value), options),
  });
  return value;
}
