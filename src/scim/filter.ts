// A SCIM filter builder. Values are always written as JSON strings (`"` and `\` escaped, control
// characters as \u escapes), and attribute names must be attribute paths, so no value a user types can
// end the string and add `or ...` to the filter. Compose with `and`/`or`/`not`; give the result (or
// its `toString()`) as `filter`.
import { InvalidArgumentError } from '../http/errors.js';

const ATTRIBUTE =
  /^[A-Za-z][A-Za-z0-9_-]*(\.[A-Za-z][A-Za-z0-9_-]*)?$|^urn:[A-Za-z0-9:._-]+:[A-Za-z][A-Za-z0-9_-]*(\.[A-Za-z][A-Za-z0-9_-]*)?$/;

export type FilterValue = string | number | boolean | null;
export type CompareOperator = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';

/** A filter expression built by this module; only these objects (or a string you wrote) are sent. */
export class SCIMFilter {
  readonly #text: string;
  /** @internal Use the builders (`eq`, `and`...); the constructor trusts its text. */
  private constructor(text: string) {
    this.#text = text;
  }

  /** @internal */
  static fromTrusted(text: string): SCIMFilter {
    return new this(text); // not `new SCIMFilter`: see scripts/bundle.mjs on class names
  }

  toString(): string {
    return this.#text;
  }

  toJSON(): string {
    return this.#text;
  }
}

function attribute(name: string): string {
  if (typeof name !== 'string' || name.length > 200 || !ATTRIBUTE.test(name)) {
    throw new InvalidArgumentError(`SCIM filter: '${String(name).slice(0, 40)}' is not an attribute path`);
  }
  return name;
}

/** A value as SCIM writes it: a JSON string, number, boolean or null. */
export function filterValue(value: FilterValue): string {
  if (typeof value === 'string') {
    // JSON.stringify escapes `"`, `\` and control characters; U+2028/9 are escaped too for safety.
    return JSON.stringify(value)
      .replace(/\u2028/g, '\\u2028')
      .replace(/\u2029/g, '\\u2029');
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InvalidArgumentError('SCIM filter: a number value must be finite');
    return String(value);
  }
  if (typeof value === 'boolean' || value === null) return String(value);
  throw new InvalidArgumentError('SCIM filter: a value is a string, number, boolean or null');
}

export function compare(attr: string, op: CompareOperator, value: FilterValue): SCIMFilter {
  if (!['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'].includes(op)) {
    throw new InvalidArgumentError(`SCIM filter: unknown operator ${String(op).slice(0, 10)}`);
  }
  return SCIMFilter.fromTrusted(`${attribute(attr)} ${op} ${filterValue(value)}`);
}

export const eq = (attr: string, value: FilterValue): SCIMFilter => compare(attr, 'eq', value);
export const ne = (attr: string, value: FilterValue): SCIMFilter => compare(attr, 'ne', value);
export const co = (attr: string, value: FilterValue): SCIMFilter => compare(attr, 'co', value);
export const sw = (attr: string, value: FilterValue): SCIMFilter => compare(attr, 'sw', value);
export const ew = (attr: string, value: FilterValue): SCIMFilter => compare(attr, 'ew', value);
export const gt = (attr: string, value: FilterValue): SCIMFilter => compare(attr, 'gt', value);
export const ge = (attr: string, value: FilterValue): SCIMFilter => compare(attr, 'ge', value);
export const lt = (attr: string, value: FilterValue): SCIMFilter => compare(attr, 'lt', value);
export const le = (attr: string, value: FilterValue): SCIMFilter => compare(attr, 'le', value);

/** `attr pr`: the attribute has a value. */
export function pr(attr: string): SCIMFilter {
  return SCIMFilter.fromTrusted(`${attribute(attr)} pr`);
}

function join(word: 'and' | 'or', parts: readonly SCIMFilter[]): SCIMFilter {
  if (parts.length === 0) throw new InvalidArgumentError(`SCIM filter: ${word}() needs at least one filter`);
  for (const part of parts) {
    if (!(part instanceof SCIMFilter)) throw new InvalidArgumentError(`SCIM filter: ${word}() takes built filters`);
  }
  if (parts.length === 1) return parts[0] as SCIMFilter;
  return SCIMFilter.fromTrusted(parts.map((p) => `(${p.toString()})`).join(` ${word} `));
}

export const and = (...parts: SCIMFilter[]): SCIMFilter => join('and', parts);
export const or = (...parts: SCIMFilter[]): SCIMFilter => join('or', parts);

export function not(part: SCIMFilter): SCIMFilter {
  if (!(part instanceof SCIMFilter)) throw new InvalidArgumentError('SCIM filter: not() takes a built filter');
  return SCIMFilter.fromTrusted(`not (${part.toString()})`);
}
