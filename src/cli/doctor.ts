// `slackline doctor`: checks the configuration an app runs with, one line per finding (a severity,
// what is wrong, what to do), and with `--scan DIR` looks for secrets written into source files.
// It reads; it creates nothing (no database, no key file) and prints no secret.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { KeyRing } from '../crypto/index.js';
import { SlacklineError } from '../http/errors.js';
import { rotatingInnerKind, type TokenKind, tokenKind } from '../http/token-kind.js';
import { DEFAULT_DATABASE_URL, openStores } from '../server/stores.js';
import { scanTree } from './doctor-scan.js';
import { parseArgsMessage } from './suggest.js';

export type Severity = 'error' | 'warn' | 'ok' | 'info';

export interface Finding {
  severity: Severity;
  /** A stable name for the check, for scripts (`token_kind`, `redirect_uri`...). */
  check: string;
  message: string;
}

const HELP = `usage: slackline doctor [--scan DIR] [--json]

Checks the environment slackline runs with: which variables are set, whether each token is of the
kind its variable needs, the encryption keys, the redirect URL, the signing secret, and the store
(reachable, every row opens with the keys, which rows are sealed under an old key).
  --scan DIR   look for Slack tokens, webhook URLs and secrets written into the files under DIR
               (prints file:line and the kind, never the value; exits 1 when it finds any)
  --json       one JSON object per finding
Exits 1 when a check finds an error.
`;

const TOKEN_VARIABLES: readonly (readonly [string, readonly TokenKind[], string])[] = [
  ['SLACK_BOT_TOKEN', ['bot'], 'the Bot User OAuth Token (OAuth & Permissions page)'],
  ['SLACK_USER_TOKEN', ['user'], 'a User OAuth Token (OAuth & Permissions page)'],
  ['SLACK_APP_TOKEN', ['app-level'], 'an app-level token with connections:write (Basic Information page)'],
  ['SLACK_ADMIN_TOKEN', ['user'], 'an org admin user token (admin, auditlogs:read)'],
];

const KNOWN = [
  'SLACK_BOT_TOKEN',
  'SLACK_USER_TOKEN',
  'SLACK_APP_TOKEN',
  'SLACK_ADMIN_TOKEN',
  'SLACK_CLIENT_ID',
  'SLACK_CLIENT_SECRET',
  'SLACK_SIGNING_SECRET',
  'SLACK_SCOPES',
  'SLACK_USER_SCOPES',
  'SLACK_REDIRECT_URI',
  'SLACK_API_URL',
  'SLACK_AUTHORIZE_URL',
  'SLACKLINE_DATABASE_URL',
  'SLACKLINE_ENCRYPTION_KEYS',
  'SLACKLINE_STATE_URL',
];

const KIND_NAMES: Record<TokenKind, string> = {
  bot: 'a bot token',
  user: 'a user token',
  'app-level': 'an app-level token',
  workflow: 'a workflow token',
  rotating: 'a rotating token',
  refresh: 'a refresh token',
  'legacy-workspace': 'a legacy workspace token',
  legacy: 'a legacy token',
  session: 'a browser session token',
};

/** The environment checks; `store: false` skips opening the store (the caller's choice). */
export async function checkEnvironment(env: NodeJS.ProcessEnv, options: { store?: boolean } = {}): Promise<Finding[]> {
  const out: Finding[] = [];
  const add = (severity: Severity, check: string, message: string) => out.push({ severity, check, message });
  const set = KNOWN.filter((k) => (env[k] ?? '') !== '');
  add('info', 'variables', set.length === 0 ? 'no slackline or Slack variables are set' : `set: ${set.join(', ')}`);

  for (const [name, kinds, what] of TOKEN_VARIABLES) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    if (value !== value.trim() || /^["']|["']$/.test(value)) {
      add('error', 'token_format', `${name} has spaces or quotes around it; set it to the token alone`);
      continue;
    }
    const kind = tokenKind(value);
    const effective = kind === 'rotating' ? rotatingInnerKind(value) : kind;
    if (effective === undefined) {
      add('error', 'token_kind', `${name} does not hold a Slack token; set it to ${what}`);
    } else if (!kinds.includes(effective)) {
      add('error', 'token_kind', `${name} holds ${KIND_NAMES[effective]}; it needs ${what}`);
    } else {
      add('ok', 'token_kind', `${name} holds ${KIND_NAMES[effective]}${kind === 'rotating' ? ' (rotating)' : ''}`);
    }
  }

  const clientId = env.SLACK_CLIENT_ID ?? '';
  const oauth = clientId !== '';
  if (oauth && (env.SLACK_CLIENT_SECRET ?? '') === '') {
    add(
      'error',
      'client_secret',
      'SLACK_CLIENT_ID is set without SLACK_CLIENT_SECRET; set both (Basic Information page)',
    );
  }
  if (oauth && !/^\d+\.\d+$/.test(clientId)) {
    add('warn', 'client_id', 'SLACK_CLIENT_ID does not look like a client id (digits.digits); check Basic Information');
  }
  if (!oauth && (env.SLACK_BOT_TOKEN ?? '') === '' && (env.SLACK_APP_TOKEN ?? '') === '') {
    add(
      'warn',
      'mode',
      'neither SLACK_CLIENT_ID (many workspaces) nor SLACK_BOT_TOKEN (one) is set: serve has nothing to run',
    );
  }

  const redirect = env.SLACK_REDIRECT_URI ?? '';
  if (redirect !== '') {
    let url: URL | undefined;
    try {
      url = new URL(redirect);
    } catch {
      add('error', 'redirect_uri', 'SLACK_REDIRECT_URI is not a URL; set the full https URL of /slack/oauth_redirect');
    }
    if (url !== undefined) {
      const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
      if (url.protocol === 'https:') add('ok', 'redirect_uri', 'SLACK_REDIRECT_URI is https');
      else if (url.protocol === 'http:' && local)
        add('warn', 'redirect_uri', 'SLACK_REDIRECT_URI is plain http on localhost: development only');
      else add('error', 'redirect_uri', 'SLACK_REDIRECT_URI must be https (plain http only on localhost)');
    }
  } else if (oauth) {
    add(
      'warn',
      'redirect_uri',
      'SLACK_REDIRECT_URI is not set: serve uses http://localhost:PORT/slack/oauth_redirect (development only)',
    );
  }

  const signing = env.SLACK_SIGNING_SECRET ?? '';
  if (signing === '' && (oauth || (env.SLACK_BOT_TOKEN ?? '') !== '')) {
    add(
      'warn',
      'signing_secret',
      'SLACK_SIGNING_SECRET is not set: serve answers /slack/events with 404 (events off); set it from Basic Information',
    );
  } else if (signing !== '') {
    const secrets = signing.split(',').map((s) => s.trim());
    if (secrets.length > 2 || secrets.some((s) => !/^[0-9a-f]{32}$/.test(s))) {
      add(
        'warn',
        'signing_secret',
        'SLACK_SIGNING_SECRET is not one or two 32-character hex secrets; copy it again from Basic Information',
      );
    } else add('ok', 'signing_secret', `SLACK_SIGNING_SECRET holds ${secrets.length} secret(s)`);
  }

  const keySpec = env.SLACKLINE_ENCRYPTION_KEYS ?? '';
  let keyRing: KeyRing | undefined;
  if (keySpec !== '') {
    try {
      keyRing = KeyRing.parse(keySpec);
      add(
        'ok',
        'encryption_keys',
        `SLACKLINE_ENCRYPTION_KEYS: ${keySpec.split(',').length} key(s), sealing with '${keyRing.currentKeyId}'`,
      );
    } catch (err) {
      add('error', 'encryption_keys', `SLACKLINE_ENCRYPTION_KEYS: ${(err as Error).message}`);
    }
  }

  if (options.store !== false) await checkStore(env, keySpec !== '' && keyRing === undefined, add);
  return out;
}

async function checkStore(
  env: NodeJS.ProcessEnv,
  badKeys: boolean,
  add: (severity: Severity, check: string, message: string) => void,
): Promise<void> {
  const url = env.SLACKLINE_DATABASE_URL || DEFAULT_DATABASE_URL;
  if (url === 'memory:') {
    add('warn', 'store', 'SLACKLINE_DATABASE_URL=memory: keeps nothing after exit (development only)');
    return;
  }
  if (badKeys) return; // already an error above; opening would only repeat it
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length) || './slackline.db';
    if (path !== ':memory:' && !existsSync(path)) {
      add('info', 'store', `no database at ${path} yet (serve or dev creates it)`);
      return;
    }
    if ((env.SLACKLINE_ENCRYPTION_KEYS ?? '') === '' && !existsSync(`${path}.key`)) {
      add(
        'error',
        'store',
        `${path} exists but its key file ${path}.key does not, and SLACKLINE_ENCRYPTION_KEYS is not set: the stored tokens cannot be opened; restore the key file or set the keys they were sealed with`,
      );
      return;
    }
  } else if (url.startsWith('postgres') && (env.SLACKLINE_ENCRYPTION_KEYS ?? '') === '') {
    add(
      'error',
      'store',
      'PostgreSQL needs SLACKLINE_ENCRYPTION_KEYS (every process must share the keys): npx slackline keys generate',
    );
    return;
  }
  let stores: Awaited<ReturnType<typeof openStores>> | undefined;
  try {
    stores = await openStores(env);
  } catch (err) {
    add(
      'error',
      'store',
      `the store does not open: ${err instanceof SlacklineError ? `${err.code}: ` : ''}${(err as Error).message}`,
    );
    return;
  }
  try {
    add('ok', 'store', `${stores.description} is reachable`);
    const report = await stores.installations.sealingReport();
    const current = stores.keyId;
    const old = Object.entries(report.byKeyId).filter(([kid]) => kid !== current);
    if (report.unreadable.length > 0) {
      const who = report.unreadable
        .slice(0, 5)
        .map((r) => r.teamId || r.enterpriseId)
        .join(', ');
      add(
        'error',
        'sealing',
        `${report.unreadable.length} of ${report.rows} row(s) do not open with these keys (${who}...): the key they were sealed with is missing from SLACKLINE_ENCRYPTION_KEYS`,
      );
    } else {
      add('ok', 'sealing', `all ${report.rows} row(s) open with these keys`);
    }
    if (old.length > 0) {
      const list = old.map(([kid, n]) => `${n} under '${kid}'`).join(', ');
      add(
        'warn',
        'sealing',
        `${list}: run \`npx slackline keys rotate\` to re-seal them under '${current}' before dropping the old key`,
      );
    } else if (report.rows > 0) {
      add('ok', 'sealing', `every row is sealed under the current key '${current}': older keys can be dropped`);
    }
  } catch (err) {
    add('error', 'store', `reading the store failed: ${(err as Error).message}`);
  } finally {
    await stores.close();
  }
}

const MARK: Record<Severity, string> = { error: 'error', warn: 'warn ', ok: 'ok   ', info: 'info ' };

export async function doctorCommand(argv: string[]): Promise<number> {
  let values: { scan?: string; json?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { scan: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (err) {
    process.stderr.write(`slackline doctor: ${parseArgsMessage(err, 'doctor') ?? (err as Error).message}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const print = (line: string, json: Record<string, unknown>) =>
    process.stdout.write(values.json ? `${JSON.stringify(json)}\n` : `${line}\n`);
  if (values.scan !== undefined) {
    if (!existsSync(values.scan)) {
      process.stderr.write(`slackline doctor: --scan: no such file or folder: ${values.scan}\n`);
      return 2;
    }
    const result = scanTree(values.scan);
    for (const f of result.findings) print(`${f.file}:${f.line}: ${f.kind}`, { ...f });
    const ignored =
      result.filesIgnored.length === 0 ? '' : `; ${result.filesIgnored.length} file(s) marked ignore-file`;
    process.stderr.write(`scanned ${result.filesRead} file(s): ${result.findings.length} secret(s) found${ignored}\n`);
    return result.findings.length > 0 ? 1 : 0;
  }
  const findings = await checkEnvironment(process.env);
  for (const f of findings) print(`${MARK[f.severity]}  ${f.message}`, { ...f });
  return findings.some((f) => f.severity === 'error') ? 1 : 0;
}
