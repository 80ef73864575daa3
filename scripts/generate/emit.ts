// Small text helpers shared by the generator's parts: names, doc comments, property keys; and the
// one way a generator script runs (find the repository, generate from data/, write the file).
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * When `moduleUrl` is the script being run: writes `outputPath` (relative to the repository root,
 * the nearest folder above the script with data/) from `generate(dataDir)`.
 */
export function runGenerator(moduleUrl: string, outputPath: string, generate: (dataDir: string) => string): void {
  if (process.argv[1] === undefined || moduleUrl !== pathToFileURL(resolve(process.argv[1])).href) return;
  let dir = dirname(new URL(moduleUrl).pathname);
  while (!existsSync(join(dir, 'data', 'methods.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`${outputPath}: cannot find data/ above ${moduleUrl}`);
    dir = up;
  }
  const text = generate(join(dir, 'data'));
  writeFileSync(join(dir, outputPath), text);
  console.log(`wrote ${outputPath} (${text.length} bytes)`);
}

/** A JSDoc block at `indent`, one line when it fits; `*\/` in Slack's prose cannot end the comment. */
export function doc(lines: readonly string[], indent = ''): string {
  const clean = lines.map((l) => l.replace(/\*\//g, '*\\/').replace(/\s+/g, ' ').trim()).filter((l) => l !== '');
  if (clean.length === 0) return '';
  if (clean.length === 1 && clean[0]!.length + indent.length < 110) return `${indent}/** ${clean[0]} */\n`;
  const width = 116 - indent.length;
  return `${indent}/**\n${clean.flatMap((l) => wrap(l, width).map((w) => `${indent} * ${w}\n`)).join('')}${indent} */\n`;
}

/** Splits `text` into lines of at most `width` characters, at spaces (a longer word stays whole). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** A property key as TypeScript needs it: bare when an identifier, quoted otherwise. */
export function propertyKey(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : `'${name.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A single-quoted string literal. */
export function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** `bot_profile` -> `BotProfile`, `https://slack.com/x` -> `HttpsSlackComX`. */
export function pascalWords(key: string): string {
  return key
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '')
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

/** The name of one element of an array field: `replies` -> `reply`, `matches` -> `match`, `files` -> `file`. */
export function singular(key: string): string {
  if (/ies$/.test(key)) return `${key.slice(0, -3)}y`;
  if (/(ch|sh|ss|x)es$/.test(key)) return key.slice(0, -2);
  if (/[^su]s$/.test(key)) return key.slice(0, -1);
  return key;
}

export function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
