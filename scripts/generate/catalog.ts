// Reads data/methods.json into the few facts the generator needs, and holds the rules that turn
// catalog facts into runtime metadata (tier, `read`). Pure functions: data in, values out.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type MethodStatus = 'current' | 'deprecated' | 'retired' | 'undocumented';
export type MethodTier = 'Tier1' | 'Tier2' | 'Tier3' | 'Tier4' | 'Special' | 'Unknown';

export interface CatalogArg {
  name: string;
  required: boolean;
  type?: string | string[];
  subtype?: string;
  default?: unknown;
  enum?: string[];
}

export interface ArgGroup {
  args: string[];
  desc?: string;
  required?: boolean;
  mutually_exclusive?: boolean;
}

export interface CatalogMethod {
  name: string;
  description: string;
  http_method: string | null;
  json_body_supported?: boolean;
  args: CatalogArg[];
  scopes: Record<string, string[]>;
  tier: string | null;
  tier_java_sdk?: string;
  status: MethodStatus;
  arg_groups?: ArgGroup[];
}

export function readJson(dataDir: string, file: string): unknown {
  return JSON.parse(readFileSync(join(dataDir, file), 'utf8'));
}

/** All methods of data/methods.json, sorted by name, after checks that keep the tree well formed. */
export function loadCatalog(dataDir: string): CatalogMethod[] {
  const raw = readJson(dataDir, 'methods.json') as { methods?: CatalogMethod[] };
  if (!Array.isArray(raw.methods)) throw new Error('methods.json: no `methods` array');
  const methods = [...raw.methods].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const names = new Set<string>();
  for (const m of methods) {
    if (!/^[a-zA-Z][a-zA-Z0-9]*(\.[a-zA-Z][a-zA-Z0-9]*)+$/.test(m.name)) throw new Error(`bad method name ${m.name}`);
    if (names.has(m.name)) throw new Error(`duplicate method ${m.name}`);
    names.add(m.name);
  }
  // The tree puts `a.b` at tree.a.b; if `a.b` were also a namespace (`a.b.c`), one would hide the other.
  for (const m of methods) {
    const segments = m.name.split('.');
    for (let i = 1; i < segments.length; i++) {
      const prefix = segments.slice(0, i).join('.');
      if (names.has(prefix)) throw new Error(`method ${prefix} is also a namespace of ${m.name}`);
    }
  }
  return methods;
}

/** Methods that get a typed entry in the tree; retired and undocumented ones stay behind `apiCall`. */
export function isTyped(m: CatalogMethod): boolean {
  return m.status === 'current' || m.status === 'deprecated';
}

/** `admin.apps.approved.list` -> `AdminAppsApprovedList`. */
export function pascalName(method: string): string {
  return method
    .split('.')
    .map((s) => s[0]!.toUpperCase() + s.slice(1))
    .join('');
}

/**
 * The rate-limit tier. Slack's docs tier wins; the Java SDK's table fills the gaps (retired
 * methods); a custom limit in prose ("1200 requests per minute ...") is `Special`.
 */
export function tierOf(m: CatalogMethod): MethodTier {
  for (const t of [m.tier, m.tier_java_sdk]) {
    if (!t) continue;
    if (/^Tier[1-4]$/.test(t)) return t as MethodTier;
    if (t.startsWith('Special') || /per minute/.test(t)) return 'Special';
  }
  return 'Unknown';
}

// --- The `read` rule -------------------------------------------------------------------------------
// `read` = calling the method twice has the same effect as calling it once, so a retry after a lost
// response cannot post, invite or delete twice. The retry layer retries such methods freely and
// writes only on opt-in. A method is read when any of these holds:
//   1. its last name segment is a read verb (list, info, history, replies, members, test, ...);
//   2. its last segment starts with get/list/lookup followed by a capital (getPermalink, lookupByEmail);
//   3. a segment is `search` (search.messages, assistant.search.context);
//   4. Slack's description starts with a read verb (Gets, Retrieves, Lists, Returns, Fetches,
//      Searches, Checks, Counts, Obtain ...) and the last segment does not start with a write verb;
//   5. it is listed in READ_EXTRA: methods that only mint a short-lived URL or echo configuration.
// Everything else counts as a write. When in doubt a method is a write: a missed retry costs one
// error, a wrong retry can post a message twice.

const READ_VERBS = new Set([
  'list',
  'info',
  'history',
  'replies',
  'members',
  'test',
  'search',
  'count',
  'query',
  'lookup',
  'conversations',
  'identity',
  'userInfo',
  'accessLogs',
  'billableInfo',
  'integrationLogs',
  'teamInfo',
  'validate',
  'bulkGet',
]);
const READ_PREFIXES = /^(get|list|lookup)([A-Z]|$)/;
const READ_DESCRIPTION =
  /^(Gets?|Retrieves?|Fetch(es)?|Lists?|Returns?|Reads?|Search(es)?|Look up|Lookup|Finds?|Checks?|Counts?|Query|Obtain)\b/;
const WRITE_PREFIXES =
  /^(add|set|remove|delete|create|update|post|send|invite|kick|archive|unarchive|rename|open|close|join|leave|mark|approve|deny|revoke|share|upload|complete|publish|push|enable|disable|start|stop|end|reset|invalidate|assign|clear|cancel|restrict|uninstall|convert|disconnect|link|unlink|move|bulk|edit|rotate|exchange|access)/;
const READ_EXTRA = new Set(['apps.connections.open', 'apps.manifest.export', 'rtm.connect', 'rtm.start']);

export function isRead(m: Pick<CatalogMethod, 'name' | 'description'>): boolean {
  const segments = m.name.split('.');
  const verb = segments[segments.length - 1]!;
  if (READ_VERBS.has(verb) || READ_PREFIXES.test(verb) || segments.includes('search')) return true;
  if (READ_DESCRIPTION.test(m.description ?? '') && !WRITE_PREFIXES.test(verb)) return true;
  return READ_EXTRA.has(m.name);
}
