// Fault injection: rules added through the control API change how matching API calls are answered.

import { JSON_TYPE, jsonReply, type Outcome, type Reply, reply } from '../http/transport.js';
import { isObject } from '../model/json.js';

export const FAULT_KINDS = [
  'status',
  'ratelimit',
  'delay',
  'hang',
  'drop',
  'reset_after_apply',
  'malformed',
  'truncated',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultRule {
  /** API method name, or '*' (the default) for every method. */
  method?: string;
  /** How many matching calls the rule affects; unlimited when absent. */
  times?: number;
  /** The chance (0..1) that a matching call is affected; every one when absent. */
  rate?: number;
  kind: FaultKind;
  /** `status`: the HTTP status (default 500). */
  status?: number;
  /** `status` and `malformed`: the body to send. */
  body?: string;
  /** `status` and `malformed`: its content type. */
  contentType?: string;
  /** `ratelimit`: seconds for Retry-After (default 1). */
  retryAfter?: number;
  /** `delay`: milliseconds before the call is handled (default 1000). */
  ms?: number;
}

interface StoredRule extends FaultRule {
  id: string;
  remaining: number;
}

export class FaultError extends Error {}

const BAD_GATEWAY_PAGE =
  '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>';

function optionalInt(raw: Record<string, unknown>, key: string, min: number, max: number): number | undefined {
  const value = raw[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new FaultError(`${key} must be an integer from ${min} to ${max}`);
  }
  return value;
}

function optionalString(raw: Record<string, unknown>, key: string): string | undefined {
  const value = raw[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new FaultError(`${key} must be a string`);
  return value;
}

function optionalRate(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1))
    throw new FaultError('rate must be a number from 0 to 1');
  return value;
}

/** A value sent as a response header: printable ASCII only (no CR/LF, nothing outside latin1). */
function headerValue(value: string | undefined, key: string): string | undefined {
  if (value !== undefined && !/^[\x20-\x7e]{1,256}$/.test(value)) {
    throw new FaultError(`${key} must be 1 to 256 printable ASCII characters`);
  }
  return value;
}

export function parseFaultRule(raw: unknown): FaultRule {
  if (!isObject(raw)) throw new FaultError('a fault rule must be an object');
  const kind = FAULT_KINDS.find((k) => k === raw.kind);
  if (kind === undefined) throw new FaultError(`kind must be one of ${FAULT_KINDS.join(', ')}`);
  return {
    kind,
    method: optionalString(raw, 'method'),
    times: optionalInt(raw, 'times', 1, 1_000_000_000),
    rate: optionalRate(raw.rate),
    status: optionalInt(raw, 'status', 200, 599),
    body: optionalString(raw, 'body'),
    contentType: headerValue(optionalString(raw, 'contentType') ?? optionalString(raw, 'content_type'), 'contentType'),
    retryAfter: optionalInt(raw, 'retryAfter', 0, 86_400) ?? optionalInt(raw, 'retry_after', 0, 86_400),
    ms: optionalInt(raw, 'ms', 0, 600_000),
  };
}

export class Faults {
  private rules: StoredRule[] = [];
  private nextId = 1;

  add(rule: FaultRule): string {
    const id = `fault-${this.nextId++}`;
    this.rules.push({ ...rule, id, remaining: rule.times ?? Number.POSITIVE_INFINITY });
    return id;
  }

  list(): StoredRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  clear(): void {
    this.rules = [];
  }

  /** The first rule matching `method`, counting one use of it. */
  take(method: string): FaultRule | undefined {
    if (this.rules.length === 0) return undefined;
    const index = this.rules.findIndex(
      (r) =>
        (r.method === undefined || r.method === '*' || r.method === method) &&
        (r.rate === undefined || Math.random() < r.rate),
    );
    const rule = this.rules[index];
    if (rule === undefined) return undefined;
    rule.remaining -= 1;
    if (rule.remaining <= 0) this.rules.splice(index, 1);
    return rule;
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Answers a call under a fault rule; `run` handles the call for real (and applies its effects). */
export async function applyFault(rule: FaultRule, run: () => Promise<Reply>): Promise<Outcome> {
  switch (rule.kind) {
    case 'delay':
      await sleep(rule.ms ?? 1000);
      return run();
    case 'hang':
      return { kind: 'hang' };
    case 'drop':
      return { kind: 'drop' };
    case 'status':
      return reply(rule.status ?? 500, rule.body ?? BAD_GATEWAY_PAGE, {
        'content-type': rule.contentType ?? 'text/html; charset=utf-8',
      });
    case 'ratelimit':
      return jsonReply(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(rule.retryAfter ?? 1) });
    case 'malformed':
      return reply(200, rule.body ?? '<html><body>upstream error</body></html>', {
        'content-type': rule.contentType ?? JSON_TYPE,
      });
    case 'reset_after_apply':
      await run();
      return { kind: 'drop' };
    case 'truncated': {
      const real = await run();
      const bytes = typeof real.body === 'string' ? Buffer.from(real.body) : real.body;
      return {
        kind: 'truncated',
        status: real.status,
        headers: real.headers,
        body: bytes.subarray(0, Math.floor(bytes.length / 2)),
        declaredLength: bytes.length,
      };
    }
  }
}
