// Objects that carry tokens print them as [REDACTED] under util.inspect / console.log, so a debug
// log line cannot leak one. A thin wrapper over the one redactor (http/redact.ts): keys in any case
// style, every token family by value. JSON.stringify is left alone: serialising a token is a
// deliberate act.
import { inspect } from 'node:util';
import { redactShapes } from '../http/redact.js';

export function hideSecrets<T extends object>(value: T): T {
  Object.defineProperty(value, inspect.custom, {
    enumerable: false,
    value: (_depth: number, options: object) => inspect(redactShapes(value), options),
  });
  return value;
}
