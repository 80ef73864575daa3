// The method catalog (data/methods.json) and the recorded sample answers for methods that are not modelled.
import { readDataFile } from './data.js';
import { isObject, type JsonObject } from './json.js';

export type MethodStatus = 'current' | 'deprecated' | 'retired' | 'undocumented';

export interface ArgSpec {
  readonly name: string;
  readonly required: boolean;
  readonly type: string | undefined;
  readonly subtype: string | undefined;
}

export interface ArgGroup {
  readonly args: readonly string[];
  readonly required: boolean;
}

export interface MethodSpec {
  readonly name: string;
  readonly status: MethodStatus;
  readonly jsonBody: boolean;
  readonly args: readonly ArgSpec[];
  /** Scopes by token type (`bot`, `user`, `configuration`...); `null` when the catalog has none. */
  readonly scopes: Readonly<Record<string, readonly string[]>> | null;
  readonly argGroups: readonly ArgGroup[];
  readonly errors: readonly string[];
}

const STATUSES: readonly MethodStatus[] = ['current', 'deprecated', 'retired', 'undocumented'];

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function parseArg(raw: unknown): ArgSpec | undefined {
  if (!isObject(raw) || typeof raw.name !== 'string') return undefined;
  const type = Array.isArray(raw.type) ? strings(raw.type)[0] : raw.type;
  return {
    name: raw.name,
    required: raw.required === true,
    type: typeof type === 'string' ? type : undefined,
    subtype: typeof raw.subtype === 'string' ? raw.subtype : undefined,
  };
}

function parseScopes(raw: unknown): Record<string, string[]> | null {
  if (!isObject(raw)) return null;
  const out: Record<string, string[]> = {};
  for (const [kind, list] of Object.entries(raw)) out[kind] = strings(list);
  return out;
}

function parseMethod(raw: unknown): MethodSpec | undefined {
  if (!isObject(raw) || typeof raw.name !== 'string') return undefined;
  const status = STATUSES.find((s) => s === raw.status) ?? 'current';
  const groups = Array.isArray(raw.arg_groups) ? raw.arg_groups : [];
  return {
    name: raw.name,
    status,
    jsonBody: raw.json_body_supported === true,
    args: (Array.isArray(raw.args) ? raw.args : []).map(parseArg).filter((a): a is ArgSpec => a !== undefined),
    scopes: parseScopes(raw.scopes),
    argGroups: groups.filter(isObject).map((g) => ({ args: strings(g.args), required: g.required !== false })),
    errors: strings(raw.errors),
  };
}

export class Catalog {
  readonly methods: ReadonlyMap<string, MethodSpec>;
  private examples: Record<string, unknown> | undefined;
  private shapes: Record<string, unknown> | undefined;
  private readonly samples = new Map<string, JsonObject>();

  constructor(raw: unknown) {
    const list = isObject(raw) && Array.isArray(raw.methods) ? raw.methods : [];
    const methods = new Map<string, MethodSpec>();
    for (const entry of list) {
      const spec = parseMethod(entry);
      if (spec !== undefined) methods.set(spec.name, spec);
    }
    this.methods = methods;
  }

  get(name: string): MethodSpec | undefined {
    return this.methods.get(name);
  }

  /**
   * A success body for a method the emulator does not model: Slack's docs example when there is one,
   * else the recorded response shape. The shapes are unions that also carry error keys, which a success
   * answer never has, so those are dropped.
   */
  sample(name: string): JsonObject {
    const cached = this.samples.get(name);
    if (cached !== undefined) return cached;
    this.examples ??= objectOrEmpty(readDataFile('docs-examples.json'));
    const example = this.examples[name];
    let body: JsonObject;
    if (isObject(example) && example.ok !== false) {
      body = { ...(example as JsonObject), ok: true };
    } else {
      this.shapes ??= objectOrEmpty(readDataFile('response-shapes.json'));
      const shape = this.shapes[name];
      body = { ok: true, ...(isObject(shape) ? (shape as JsonObject) : {}) };
      for (const key of ['error', 'needed', 'provided', 'warning']) delete body[key];
      body.ok = true;
    }
    this.samples.set(name, body);
    return body;
  }
}

function objectOrEmpty(value: unknown): Record<string, unknown> {
  return isObject(value) ? value : {};
}

let shared: Catalog | undefined;

/** The catalog is read once per process: it is immutable and ~400 KB of JSON. */
export function loadCatalog(): Catalog {
  shared ??= new Catalog(readDataFile('methods.json'));
  return shared;
}
