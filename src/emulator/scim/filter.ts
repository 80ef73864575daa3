// SCIM filter expressions (RFC 7644 §3.4.2.2, the subset Slack documents): `attr op "value"`, `attr pr`,
// `and`, `or`, `not (...)` and parentheses. Operators: eq ne co sw ew gt ge lt le pr. Strings are JSON
// strings, so a quote inside a value is `\"`. A filter is bounded (length, depth) and a malformed one
// is a ScimFilterError (answered 400 invalid_filter), never a crash.

export type Scalar = string | number | boolean | null;

export type FilterNode =
  | { kind: 'cmp'; attr: string; op: string; value: Scalar }
  | { kind: 'pr'; attr: string }
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; inner: FilterNode };

export class ScimFilterError extends Error {}

export const MAX_FILTER_LENGTH = 4096;
const MAX_DEPTH = 32;
const OPERATORS = new Set(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);

type Token = { t: 'word'; v: string } | { t: 'str'; v: string } | { t: 'lit'; v: Scalar } | { t: '(' } | { t: ')' };

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] ?? '';
    if (c === ' ' || c === '\t') {
      i++;
    } else if (c === '(' || c === ')') {
      out.push({ t: c });
      i++;
    } else if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (j >= text.length) throw new ScimFilterError('unterminated string');
      let value: unknown;
      try {
        value = JSON.parse(text.slice(i, j + 1));
      } catch {
        throw new ScimFilterError('invalid string escape');
      }
      out.push({ t: 'str', v: String(value) });
      i = j + 1;
    } else {
      const m = /^[A-Za-z0-9_.:$-]+/.exec(text.slice(i, i + 512));
      if (m === null) throw new ScimFilterError(`unexpected character at ${i}`);
      const word = m[0];
      if (word === 'true' || word === 'false') out.push({ t: 'lit', v: word === 'true' });
      else if (word === 'null') out.push({ t: 'lit', v: null });
      else if (/^-?\d+(\.\d+)?$/.test(word)) out.push({ t: 'lit', v: Number(word) });
      else out.push({ t: 'word', v: word });
      i += word.length;
    }
  }
  return out;
}

export function parseFilter(text: string): FilterNode {
  if (text.length > MAX_FILTER_LENGTH) throw new ScimFilterError('filter too long');
  const tokens = tokenize(text);
  let pos = 0;
  const peekWord = (): string | undefined => {
    const t = tokens[pos];
    return t?.t === 'word' ? t.v.toLowerCase() : undefined;
  };
  const expr = (depth: number): FilterNode => {
    if (depth > MAX_DEPTH) throw new ScimFilterError('filter nested too deeply');
    let left = term(depth);
    while (peekWord() === 'or') {
      pos++;
      left = { kind: 'or', left, right: term(depth) };
    }
    return left;
  };
  const term = (depth: number): FilterNode => {
    let left = factor(depth);
    while (peekWord() === 'and') {
      pos++;
      left = { kind: 'and', left, right: factor(depth) };
    }
    return left;
  };
  const group = (depth: number): FilterNode => {
    if (tokens[pos]?.t !== '(') throw new ScimFilterError('expected (');
    pos++;
    const inner = expr(depth + 1);
    if (tokens[pos]?.t !== ')') throw new ScimFilterError('expected )');
    pos++;
    return inner;
  };
  const factor = (depth: number): FilterNode => {
    const token = tokens[pos];
    if (token === undefined) throw new ScimFilterError('filter ends early');
    if (token.t === '(') return group(depth);
    if (token.t !== 'word') throw new ScimFilterError('expected an attribute');
    if (token.v.toLowerCase() === 'not' && tokens[pos + 1]?.t === '(') {
      pos++;
      return { kind: 'not', inner: group(depth) };
    }
    pos++;
    const attr = token.v;
    const op = peekWord();
    if (op === undefined) throw new ScimFilterError('expected an operator');
    pos++;
    if (op === 'pr') return { kind: 'pr', attr };
    if (!OPERATORS.has(op)) throw new ScimFilterError(`unknown operator ${op.slice(0, 20)}`);
    const value = tokens[pos];
    if (value === undefined || (value.t !== 'str' && value.t !== 'lit')) throw new ScimFilterError('expected a value');
    pos++;
    return { kind: 'cmp', attr, op, value: value.v };
  };
  const node = expr(0);
  if (pos !== tokens.length) throw new ScimFilterError('unexpected text after the filter');
  return node;
}

/** Reads an attribute of a resource; a multi-valued attribute gives every value. */
export type AttributeReader = (attr: string) => Scalar[] | undefined;

function compare(actual: Scalar, op: string, wanted: Scalar): boolean {
  if (typeof actual === 'string' && typeof wanted === 'string') {
    // SCIM string attributes (userName, emails, displayName) compare case-insensitively.
    const a = actual.toLowerCase();
    const w = wanted.toLowerCase();
    switch (op) {
      case 'eq':
        return a === w;
      case 'ne':
        return a !== w;
      case 'co':
        return a.includes(w);
      case 'sw':
        return a.startsWith(w);
      case 'ew':
        return a.endsWith(w);
      case 'gt':
        return a > w;
      case 'ge':
        return a >= w;
      case 'lt':
        return a < w;
      case 'le':
        return a <= w;
    }
    return false;
  }
  if (op === 'eq') return actual === wanted;
  if (op === 'ne') return actual !== wanted;
  if (typeof actual === 'number' && typeof wanted === 'number') {
    if (op === 'gt') return actual > wanted;
    if (op === 'ge') return actual >= wanted;
    if (op === 'lt') return actual < wanted;
    if (op === 'le') return actual <= wanted;
  }
  return false;
}

/** Whether a resource matches; an attribute the reader does not know is a ScimFilterError. */
export function matches(node: FilterNode, read: AttributeReader): boolean {
  switch (node.kind) {
    case 'and':
      return matches(node.left, read) && matches(node.right, read);
    case 'or':
      return matches(node.left, read) || matches(node.right, read);
    case 'not':
      return !matches(node.inner, read);
    case 'pr': {
      const values = read(node.attr);
      if (values === undefined) throw new ScimFilterError(`unknown attribute ${node.attr.slice(0, 60)}`);
      return values.some((v) => v !== null && v !== '');
    }
    case 'cmp': {
      const values = read(node.attr);
      if (values === undefined) throw new ScimFilterError(`unknown attribute ${node.attr.slice(0, 60)}`);
      if (node.op === 'ne') return values.every((v) => compare(v, 'ne', node.value));
      return values.some((v) => compare(v, node.op, node.value));
    }
  }
}
