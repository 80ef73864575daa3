// Response types, inferred from data/response-shapes.json (masked recorded responses: the union of
// every field seen, arrays folded to one element) and data/docs-examples.json (Slack's examples).
//
// Placeholder values tell types: "" -> string, 12345 -> number, false -> boolean, null -> null.
// Every field is optional because Slack omits fields. A nested object is a named interface called
// after its key (`bot_profile` -> BotProfile, `messages[]` -> Message), and all objects found under
// one key are merged into that one interface. That keeps the file small and the names readable; the
// price is that an interface lists every field seen under that key in any typed response.
import { byName, doc, pascalWords, propertyKey, singular } from './emit.js';

/** The methods with typed responses: the ones apps call most. Others answer WebAPICallResult. */
export const TYPED_RESPONSE_PREFIXES: readonly string[] = [
  'api.',
  'apps.connections.open',
  'apps.event.authorizations.list',
  'assistant.threads.',
  'auth.',
  'bookmarks.',
  'bots.',
  'chat.',
  'conversations.',
  'dnd.',
  'emoji.list',
  'files.',
  'oauth.v2.',
  'openid.connect.',
  'pins.',
  'reactions.',
  'reminders.',
  'rtm.connect',
  'search.',
  'team.info',
  'team.profile.get',
  'usergroups.',
  'users.',
  'views.',
];

// WebAPICallResult already declares these (ok, error, response_metadata...); the samples' copies
// come from error answers and must not narrow the base.
const BASE_KEYS = new Set(['ok', 'error', 'warning', 'needed', 'provided', 'response_metadata']);
// Objects whose keys are data (emoji names, user IDs), not field names.
const MAP_KEYS = new Set(['emoji', 'user_id_map']);
// IDs as keys: `U00000000`, `C03E94MKU_`, `Xf0111111`, `333` (always with a digit, never snake_case).
const ID_KEY = /^(?=.*\d)(\d+|[A-Z][A-Za-z0-9]{7,})_?$/;
// Names a shared interface may not take: globals the file or its users rely on, and our own names.
const RESERVED = new Set([
  'Array',
  'Blob',
  'Boolean',
  'Buffer',
  'Date',
  'Error',
  'Event',
  'File',
  'Function',
  'Headers',
  'Map',
  'Number',
  'Object',
  'Promise',
  'Record',
  'Request',
  'Response',
  'Set',
  'String',
  'Symbol',
  'URL',
  'Uint8Array',
  'BaseMethodArguments',
  'WebAPICallResult',
  'ResponseMetadata',
  'GenericMethodArguments',
  'JsonObject',
  'BlockInput',
  'ViewInput',
  'MethodInfo',
  'MethodTier',
  'MethodStatus',
  'Methods',
]);

type Primitive = 'string' | 'number' | 'boolean' | 'null';
const PRIMITIVE_ORDER: readonly Primitive[] = ['string', 'number', 'boolean', 'null'];

/** What was seen at one position: any mix of primitives, named objects, maps and arrays. */
interface TypeNode {
  prims: Set<Primitive>;
  objects: Set<string>;
  /** `{}` was seen: an object whose fields are unknown. */
  emptyObject: boolean;
  map?: TypeNode;
  array?: TypeNode;
}

function emptyNode(): TypeNode {
  return { prims: new Set(), objects: new Set(), emptyObject: false };
}

function mergeInto(target: TypeNode, source: TypeNode): void {
  for (const p of source.prims) target.prims.add(p);
  for (const o of source.objects) target.objects.add(o);
  target.emptyObject ||= source.emptyObject;
  if (source.map) {
    target.map ??= emptyNode();
    mergeInto(target.map, source.map);
  }
  if (source.array) {
    target.array ??= emptyNode();
    mergeInto(target.array, source.array);
  }
}

type Fields = Map<string, TypeNode>;

/** How the top-level interfaces are written: method responses by default, or e.g. event payloads. */
export interface TopLevelStyle {
  /** The interface a top-level type extends (default WebAPICallResult); null for none. */
  extends: string | null;
  /** Its doc comment, from what the sample was of (a method name, an event type). */
  describe(source: string): string;
  /** Top-level keys left out (default: the keys WebAPICallResult declares). */
  skip: ReadonlySet<string>;
}

const RESPONSE_STYLE: TopLevelStyle = {
  extends: 'WebAPICallResult',
  describe: (method) => `What \`${method}\` answers. Slack omits fields freely.`,
  skip: BASE_KEYS,
};

export class ResponseTypes {
  /** Interface name -> fields. Response interfaces and shared sub-interfaces alike. */
  readonly #interfaces = new Map<string, Fields>();
  readonly #responses = new Map<string, string>();
  readonly #taken: ReadonlySet<string>;
  readonly #style: TopLevelStyle;

  /** `taken`: names already used in the generated file (Arguments, Methods...). */
  constructor(taken: ReadonlySet<string>, style: TopLevelStyle = RESPONSE_STYLE) {
    this.#taken = taken;
    this.#style = style;
  }

  /** Adds one sample answer of `method` (under `typeName`); call again to merge more samples. */
  addSample(typeName: string, method: string, sample: unknown): void {
    if (sample === null || typeof sample !== 'object' || Array.isArray(sample)) return;
    this.#responses.set(typeName, method);
    const fields = this.#fields(typeName);
    for (const [key, value] of Object.entries(sample)) {
      if (this.#style.skip.has(key)) continue;
      this.#addField(fields, key, this.#convert(value, key));
    }
  }

  /** Whether the samples of `typeName` had any field beyond what WebAPICallResult declares. */
  hasFields(typeName: string): boolean {
    return (this.#interfaces.get(typeName)?.size ?? 0) > 0;
  }

  /** All interfaces, sorted by name: response interfaces extend WebAPICallResult. */
  code(): string {
    let out = '';
    for (const name of [...this.#interfaces.keys()].sort(byName)) {
      const fields = this.#interfaces.get(name)!;
      const method = this.#responses.get(name);
      if (method !== undefined && fields.size === 0) continue;
      const heading = method === undefined ? '' : doc([this.#style.describe(method)]);
      const extend = method === undefined || this.#style.extends === null ? '' : ` extends ${this.#style.extends}`;
      out += `${heading}export interface ${name}${extend} {\n`;
      for (const key of [...fields.keys()].sort(byName)) {
        out += `  ${propertyKey(key)}?: ${render(fields.get(key)!)};\n`;
      }
      out += '}\n\n';
    }
    return out;
  }

  #fields(name: string): Fields {
    let fields = this.#interfaces.get(name);
    if (!fields) {
      fields = new Map();
      this.#interfaces.set(name, fields);
    }
    return fields;
  }

  #addField(fields: Fields, key: string, node: TypeNode): void {
    const before = fields.get(key);
    if (before) mergeInto(before, node);
    else fields.set(key, node);
  }

  /** The interface name for objects found under `key`. */
  #interfaceName(key: string): string {
    let name = pascalWords(key);
    if (name === '' || /^\d/.test(name)) name = `Field${name}`;
    if (RESERVED.has(name) || this.#taken.has(name) || /(Arguments|Response|Methods)$/.test(name)) {
      name = `Slack${name}`;
    }
    return name;
  }

  #convert(value: unknown, key: string): TypeNode {
    const node = emptyNode();
    if (value === null) node.prims.add('null');
    else if (typeof value === 'string') node.prims.add('string');
    else if (typeof value === 'number') node.prims.add('number');
    else if (typeof value === 'boolean') node.prims.add('boolean');
    else if (Array.isArray(value)) {
      node.array = emptyNode();
      for (const element of value) mergeInto(node.array, this.#convert(element, singular(key)));
    } else if (typeof value === 'object') {
      const entries = Object.entries(value);
      if (entries.length === 0) node.emptyObject = true;
      else if (MAP_KEYS.has(key) || entries.every(([k]) => ID_KEY.test(k))) {
        node.map = emptyNode();
        for (const [, v] of entries) mergeInto(node.map, this.#convert(v, `${singular(key)}_entry`));
      } else {
        const name = this.#interfaceName(key);
        node.objects.add(name);
        const fields = this.#fields(name);
        for (const [k, v] of entries) this.#addField(fields, k, this.#convert(v, k));
      }
    }
    return node;
  }
}

function render(node: TypeNode): string {
  const parts: string[] = [...node.objects].sort(byName);
  if (node.map) parts.push(`Record<string, ${render(node.map)}>`);
  if (node.emptyObject && parts.length === 0) parts.push('Record<string, unknown>');
  if (node.array) {
    const element = render(node.array);
    parts.push(element.includes(' | ') ? `(${element})[]` : `${element}[]`);
  }
  for (const p of PRIMITIVE_ORDER) if (node.prims.has(p)) parts.push(p);
  if (parts.length === 0) return 'unknown';
  // A field seen only as null tells nothing about its type.
  if (parts.length === 1 && parts[0] === 'null') return 'unknown';
  return parts.join(' | ');
}
