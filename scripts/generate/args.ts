// Argument interfaces: one per typed method, from the catalog's args and arg_groups.
import { type ArgGroup, type CatalogArg, type CatalogMethod, pascalName } from './catalog.js';
import { doc, propertyKey, quote } from './emit.js';

// Slack takes these as JSON-encoded strings. The client JSON-encodes objects and arrays inside form
// bodies, so the structured value is accepted too. The catalog has no argument descriptions, so the
// choice is by name (and by the `object`/`array` types the catalog does give).
const BLOCK_ARRAYS = new Set(['blocks', 'user_auth_blocks', 'description_blocks', 'title_blocks']);
const OBJECT_ARRAYS = new Set([
  'attachments',
  'unfurled_attachments',
  'cells',
  'changes',
  'chunks',
  'comments',
  'files',
  'initial_fields',
  'items',
  'prompts',
  'schema',
  'term_clauses',
]);
const OBJECTS = new Set(['metadata', 'unfurls', 'manifest', 'dialog', 'document_content', 'criteria', 'profile']);
// Argument names that carry file bytes (multipart), not a file ID.
const FILE_CONTENT = new Set(['file', 'image', 'preview_image', 'indexable_file_contents']);

/** The TypeScript type of one argument. */
export function argType(method: CatalogMethod, arg: CatalogArg): string {
  const { name } = arg;
  const types = Array.isArray(arg.type) ? arg.type : arg.type === undefined ? [] : [arg.type];
  if (name === 'view') return 'string | ViewInput';
  if (BLOCK_ARRAYS.has(name)) return 'string | readonly BlockInput[]';
  // calls.*: `users` is a JSON array of participant objects; elsewhere `users` is a list of IDs.
  if (OBJECT_ARRAYS.has(name) || (name === 'users' && method.name.startsWith('calls.'))) {
    return 'string | readonly JsonObject[]';
  }
  if (OBJECTS.has(name) || types.includes('object')) return 'string | JsonObject';
  if (types.includes('file') || (FILE_CONTENT.has(name) && types.length === 0)) return 'string | Uint8Array | Blob';
  if (types.includes('array')) return 'string | readonly string[]';
  if (arg.enum && arg.enum.length > 0) return arg.enum.map(quote).join(' | ');
  const ts = new Set<string>();
  for (const t of types) {
    if (t === 'boolean') ts.add('boolean');
    else if (t === 'integer' || t === 'number') ts.add('number');
    else ts.add('string'); // string and Slack's ID kinds (channel, user, timestamp ...)
  }
  if (ts.size === 0) ts.add('string');
  return [...ts].join(' | ');
}

function argDoc(arg: CatalogArg, indent: string): string {
  if (arg.default === undefined || arg.default === null || arg.default === '') return '';
  return doc([`@default ${String(arg.default)}`], indent);
}

type Presence = 'required' | 'never';

/**
 * The alternatives that arg_groups allow, as required/never marks per argument. Groups cross-multiply;
 * an alternative that both requires and forbids one argument is dropped.
 *   mutually_exclusive false          -> at least one of the args
 *   mutually_exclusive, required false -> at most one of them
 *   mutually_exclusive otherwise      -> exactly one of them
 * A group with one known argument says nothing that `required` does not, so it is skipped.
 */
export function alternatives(groups: readonly ArgGroup[], known: ReadonlySet<string>): Map<string, Presence>[] {
  let alts: Map<string, Presence>[] = [new Map()];
  for (const group of groups) {
    const members = group.args.filter((a) => known.has(a));
    if (members.length < 2) continue;
    const options = members.map((chosen) => {
      const marks = new Map<string, Presence>();
      if (group.mutually_exclusive === true) {
        for (const other of members) if (other !== chosen) marks.set(other, 'never');
      }
      if (!(group.mutually_exclusive === true && group.required === false)) marks.set(chosen, 'required');
      return marks;
    });
    const next: Map<string, Presence>[] = [];
    const seen = new Set<string>();
    for (const alt of alts) {
      for (const option of options) {
        const merged = new Map(alt);
        let conflict = false;
        for (const [arg, mark] of option) {
          const before = merged.get(arg);
          if (before !== undefined && before !== mark) conflict = true;
          merged.set(arg, mark);
        }
        const key = [...merged].sort().join(',');
        if (!conflict && !seen.has(key)) {
          seen.add(key);
          next.push(merged);
        }
      }
    }
    alts = next;
  }
  return alts;
}

export interface ArgumentsCode {
  typeName: string;
  /** Every argument optional: the tree takes `args?`. */
  optional: boolean;
  code: string;
}

export function argumentsCode(m: CatalogMethod): ArgumentsCode {
  const typeName = `${pascalName(m.name)}Arguments`;
  const args = m.args.filter((a) => a.name !== 'token').sort((a, b) => (a.name < b.name ? -1 : 1));
  const known = new Set(args.map((a) => a.name));
  const alts = alternatives(m.arg_groups ?? [], known);
  const grouped = new Set(alts.flatMap((alt) => [...alt.keys()]));
  const heading = [`Arguments of \`${m.name}\`.`];
  for (const g of m.arg_groups ?? [])
    if (g.args.filter((a) => known.has(a)).length >= 2 && g.desc) heading.push(g.desc);
  if (m.status === 'deprecated') heading.push(`@deprecated ${m.description}`);

  const member = (arg: CatalogArg, mark: Presence | undefined, indent: string): string => {
    const key = propertyKey(arg.name);
    if (mark === 'never') return `${indent}${key}?: never;\n`;
    const optional = mark === 'required' || (mark === undefined && arg.required) ? '' : '?';
    return `${argDoc(arg, indent)}${indent}${key}${optional}: ${argType(m, arg)};\n`;
  };
  const plain = args.filter((a) => !grouped.has(a.name));
  const body = plain.map((a) => member(a, undefined, '  ')).join('');
  const optional = plain.every((a) => !a.required) && alts.every((alt) => ![...alt.values()].includes('required'));

  if (grouped.size === 0) {
    const block = body === '' ? '{}' : `{\n${body}}`;
    const code = `${doc(heading)}export interface ${typeName} extends BaseMethodArguments ${block}\n\n`;
    return { typeName, optional, code };
  }
  // One shared base interface, intersected with a union of the allowed argument combinations.
  const base = `${typeName}Base`;
  const groupArgs = args.filter((a) => grouped.has(a.name));
  const union = alts
    .map((alt) => `    | {\n${groupArgs.map((a) => member(a, alt.get(a.name), '        ')).join('')}      }\n`)
    .join('');
  const code =
    `${doc(heading)}export type ${typeName} = ${base} &\n  (\n${union}  );\n\n` +
    `${doc([`The arguments of \`${m.name}\` outside its argument groups.`])}` +
    `export interface ${base} extends BaseMethodArguments {\n${body}}\n\n`;
  return { typeName, optional, code };
}
