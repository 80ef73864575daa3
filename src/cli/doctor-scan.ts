// `slackline doctor --scan DIR`: finds Slack secrets written into source files. It prints where and
// what kind, never the value. What is clearly not a secret is not flagged: an environment look-up,
// a regular expression, a comment naming a prefix, a placeholder (`...`, `<token>`, `XXXX`,
// `your-token`). A file is skipped only when it says so: a line `slackline-doctor: ignore-file`
// (test fixtures), or `slackline-doctor: ignore` at the end of one line.
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { type TokenKind, tokenKind } from '../http/token-kind.js';

export interface ScanFinding {
  file: string;
  line: number;
  kind: string;
}

export interface ScanResult {
  findings: ScanFinding[];
  filesRead: number;
  /** Files skipped because they carry the ignore-file marker. */
  filesIgnored: string[];
}

const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'build', 'coverage', '.next', '.turbo', '.cache']);
const MAX_FILE_BYTES = 2 * 1024 * 1024;
// Spelled in parts, so this file does not mark itself.
const MARKER = 'slackline-doctor';
const IGNORE_FILE = `${MARKER}: ignore-file`;
const IGNORE_LINE = `${MARKER}: ignore`;

const X = 'xox';
// A token: a family prefix, then a body of at least 10 token characters.
const TOKEN = new RegExp(
  `(?<![A-Za-z0-9])(${X}e\\.${X}[a-z]-|${X}[abposrcde]-|xa${'pp'}-|xw${'fp'}-)([A-Za-z0-9-]{10,})`,
  'g',
);
// Webhook, response and workflow URLs carry their secret in the path.
const HOOK =
  /https?:\/\/hooks\.(?:slack|slack-gov)\.com\/(?:services|workflows|triggers|commands|actions)\/[A-Za-z0-9/_-]{20,}/g;
// A secret assigned to an obvious name: NAME = "value", name: 'value', NAME=value (.env).
const ASSIGNED =
  /(signing[_-]?secret|client[_-]?secret|verification[_-]?token|encryption[_-]?keys?)["']?\s*[:=]\s*["'`]?([A-Za-z0-9+/=:_.,-]{16,})["'`]?/gi;

const NAMES: Record<TokenKind, string> = {
  bot: 'bot token',
  user: 'user token',
  'app-level': 'app-level token',
  workflow: 'workflow token',
  rotating: 'rotating access token',
  refresh: 'refresh token',
  'legacy-workspace': 'legacy workspace token',
  legacy: 'legacy token',
  session: 'session token',
};

/** Text that stands for a value rather than being one. */
function placeholder(body: string): boolean {
  return (
    /\.\.\.|…|<|>|\{|\}|\$|\*/.test(body) ||
    /(?:x{4,}|X{4,}|0{8,})/.test(body) ||
    // A word that starts the value or one of its parts (`…-your-token-here`, `changeme`): inside a
    // part it is chance (60 random characters, as in a refresh token, hold one of these about 1 time in 7,000).
    /(?:^|[^A-Za-z0-9])(?:your|example|placeholder|changeme|redacted|dummy|sample|fake)|token-here/i.test(body)
  );
}

/** A real token body has digits and more than a handful of distinct characters. */
function tokenLike(body: string): boolean {
  return /\d/.test(body) && new Set(body).size >= 8 && !placeholder(body);
}

export function scanText(text: string): { line: number; kind: string }[] {
  const out: { line: number; kind: string }[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.includes(IGNORE_LINE)) continue;
    for (const m of line.matchAll(TOKEN)) {
      const [, prefix = '', body = ''] = m;
      if (!tokenLike(body)) continue;
      // Inside a regular expression: the body would be a character class or escape, not a value.
      if (/[[\\]/.test(line[(m.index ?? 0) + m[0].length] ?? '')) continue;
      const kind = tokenKind(prefix);
      out.push({ line: i + 1, kind: kind === undefined ? 'token' : NAMES[kind] });
    }
    for (const m of line.matchAll(HOOK)) {
      if (!placeholder(m[0]) && /\d/.test(m[0])) out.push({ line: i + 1, kind: 'webhook URL' });
    }
    for (const m of line.matchAll(ASSIGNED)) {
      const [, name = '', value = ''] = m;
      if (placeholder(value) || /^process|^env\b|^os\.|getenv|import\.meta/i.test(value)) continue;
      if (tokenKind(value) !== undefined) continue; // reported above as a token
      if (!/\d/.test(value) || new Set(value).size < 8) continue;
      const folded = name.toLowerCase().replace(/[-_]/g, '');
      const kind = folded.startsWith('signing')
        ? 'signing secret'
        : folded.startsWith('client')
          ? 'client secret'
          : folded.startsWith('verification')
            ? 'verification token'
            : 'encryption key';
      out.push({ line: i + 1, kind });
    }
  }
  return out;
}

function readHead(path: string, bytes: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const n = readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** Scans every text file under `root` (not following links; skipping dependency and build folders). */
export function scanTree(root: string): ScanResult {
  const result: ScanResult = { findings: [], filesRead: 0, filesIgnored: [] };
  const walk = (dir: string): void => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name)) walk(path);
        continue;
      }
      if (!entry.isFile()) continue;
      const size = statSync(path).size;
      if (size === 0 || size > MAX_FILE_BYTES) continue;
      const data = readHead(path, size);
      if (data.subarray(0, 8192).includes(0)) continue; // binary
      const text = data.toString('utf8');
      result.filesRead++;
      const name = relative(root, path) || entry.name;
      if (text.includes(IGNORE_FILE)) {
        result.filesIgnored.push(name);
        continue;
      }
      for (const f of scanText(text)) result.findings.push({ file: name, ...f });
    }
  };
  const stat = statSync(root);
  if (stat.isFile()) {
    const text = readHead(root, stat.size).toString('utf8');
    result.filesRead = 1;
    for (const f of scanText(text)) result.findings.push({ file: root, ...f });
  } else walk(root);
  return result;
}
