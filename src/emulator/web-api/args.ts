// Method arguments as they arrive: strings from forms and query strings, typed values from JSON bodies.
// Form clients send arrays and objects (blocks, files...) as JSON strings, so `json()` accepts both.

import { type Json, tryParseJson } from '../model/json.js';
import { fail } from './failure.js';

export class Args {
  constructor(readonly raw: Readonly<Record<string, unknown>>) {}

  has(name: string): boolean {
    const v = this.raw[name];
    return v !== undefined && v !== null;
  }

  /** A present argument as a string ('' when sent empty); undefined when absent. */
  str(name: string): string | undefined {
    const v = this.raw[name];
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    return undefined;
  }

  /** A present, non-empty string. */
  text(name: string): string | undefined {
    const v = this.str(name);
    return v === undefined || v === '' ? undefined : v;
  }

  bool(name: string, fallback = false): boolean {
    const v = this.raw[name];
    if (typeof v === 'boolean') return v;
    if (typeof v === 'number') return v !== 0;
    if (typeof v === 'string') return v === 'true' || v === '1';
    return fallback;
  }

  int(name: string): number | undefined {
    const v = this.raw[name];
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
    return Number.isFinite(n) ? Math.trunc(n) : undefined;
  }

  /** A JSON argument; a string is parsed. Throws `errorCode` when the string is not JSON. */
  json(name: string, errorCode: string): Json | undefined {
    const v = this.raw[name];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string') return v as Json;
    const parsed = tryParseJson(v);
    if (parsed === undefined) throw fail(errorCode);
    return parsed as Json;
  }

  /** A list sent as `a,b,c` or as a JSON array (in a JSON body, or as a form field's JSON text). */
  list(name: string): string[] {
    const v = this.raw[name];
    if (Array.isArray(v)) return v.map((x) => String(x)).filter((x) => x !== '');
    const s = this.str(name);
    if (s === undefined) return [];
    if (s.trimStart().startsWith('[')) {
      const parsed = tryParseJson(s);
      if (Array.isArray(parsed)) return parsed.map((x) => String(x)).filter((x) => x !== '');
    }
    return s
      .split(',')
      .map((x) => x.trim())
      .filter((x) => x !== '');
  }
}
